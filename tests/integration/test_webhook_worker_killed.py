"""A webhook worker killed mid-delivery loses no event (README, Webhooks).

A real `iop worker` process sends an event to a real receiver on 127.0.0.1, which records the
request and holds back its answer; the worker is killed with SIGKILL while it waits, after its
lease on the delivery was committed and before it could record the outcome. A second worker
sends the event again once the lease runs out, under the same `webhook-id`, so a receiver that
drops duplicates keeps it once. On the test's database, PostgreSQL or SQLite.
"""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from standardwebhooks.webhooks import Webhook

from app.config import Settings
from app.main import create_app
from tests.api.webhooks.receiver import Receiver, running_receiver
from tests.conftest import FixedClock
from tests.factories import Clinic, json_object, make_clinic

IOP = Path(sys.executable).with_name("iop")
LEASE_SECONDS = 5.0
TIMEOUT_SECONDS = 4.0  # a send must not outlast the lease
PATIENT = {"given_name": "Jordan", "family_name": "Lee", "date_of_birth": "1991-04-12"}


@contextmanager
def running_worker(settings: Settings, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`iop worker` in a process of its own, against the test's database."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("IOP_")} | {
        "IOP_DATABASE_URL": settings.database_url,
        "IOP_KEY_SECRET": settings.key_secret.get_secret_value(),
        "IOP_WEBHOOK_ALLOW_HTTP_HOSTS": '["127.0.0.1"]',
        "IOP_WEBHOOK_LEASE_SECONDS": str(LEASE_SECONDS),
        "IOP_WEBHOOK_TIMEOUT_SECONDS": str(TIMEOUT_SECONDS),
        "IOP_WEBHOOK_POLL_SECONDS": "0.1",
        "IOP_DB_POOL_SIZE": "1",
        "IOP_LOG_LEVEL": "WARNING",
    }
    with log.open("ab") as output:
        process = subprocess.Popen(
            [str(IOP), "worker"], env=environment, cwd=log.parent, stdout=output, stderr=output
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def deliveries(clinic: Clinic, subscription_id: str) -> list[dict[str, Any]]:
    response = clinic.admin.get(f"/v1/webhook-subscriptions/{subscription_id}/deliveries")
    items: list[dict[str, Any]] = json_object(response)["items"]
    return items


def wait_until_delivered(clinic: Clinic, subscription_id: str, seconds: float) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        [delivery] = deliveries(clinic, subscription_id)
        if delivery["status"] != "pending":
            return delivery
        time.sleep(0.2)
    raise AssertionError(f"not delivered within {seconds} s: {delivery}")


def test_a_worker_killed_between_claim_and_delivery_loses_no_event(
    settings: Settings, clock: FixedClock, tmp_path: Path
) -> None:
    worker_settings = settings.model_copy(
        update={"webhook_worker": "off", "webhook_allow_http_hosts": ["127.0.0.1"]}
    )
    app: FastAPI = create_app(worker_settings, clock=clock)
    log = tmp_path / "workers.log"
    try:
        clinic = make_clinic(app, name="Riverbend Recovery")
        with running_receiver() as receiver:
            run_and_kill_then_recover(clinic, receiver, settings, log)
    finally:
        app.state.engine.dispose()


def run_and_kill_then_recover(
    clinic: Clinic, receiver: Receiver, settings: Settings, log: Path
) -> None:
    receiver.stall_first = True
    response = clinic.admin.post(
        "/v1/webhook-subscriptions",
        json={"url": receiver.url, "event_types": ["patient.changed"]},
    )
    subscription = json_object(response)

    with running_worker(settings, log) as first:
        changed_at = time.monotonic()
        patient = json_object(clinic.staff.post("/v1/patients", json=PATIENT))
        assert receiver.stalled.wait(timeout=60), log.read_text()
        first.send_signal(signal.SIGKILL)  # the request is out, its answer not yet back
        assert first.wait(timeout=30) == -signal.SIGKILL

    # The lease was committed and nothing was recorded: the delivery waits for its lease.
    [leased] = deliveries(clinic, subscription["id"])
    assert (leased["status"], leased["attempts"], leased["attempt_log"]) == ("pending", 1, [])
    receiver.release.set()

    with running_worker(settings, log):
        delivered = wait_until_delivered(clinic, subscription["id"], seconds=60 + LEASE_SECONDS)

    assert delivered["status"] == "delivered", delivered
    assert delivered["attempts"] == 2
    [attempt] = delivered["attempt_log"]
    assert attempt["status_code"] == 204
    # Sent again only once the lease had run out, under the same id: kept once.
    first_try, second_try = receiver.received
    assert second_try.at - changed_at >= LEASE_SECONDS
    assert receiver.ids() == [delivered["event_id"]] * 2
    assert receiver.events() == [delivered["event_id"]]
    body = Webhook(subscription["secret"]).verify(second_try.body, second_try.headers)
    assert body["data"] == {"patient_id": patient["id"]}
    assert first_try.body == second_try.body
