"""Webhooks: signed deliveries to a real receiver, retried, de-duplicable, never lost."""

import json
import ssl
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
import trustme
from fastapi import FastAPI
from standardwebhooks.webhooks import Webhook

from app.config import Settings
from app.main import create_app
from app.webhooks import worker
from app.webhooks.urls import Destination, check_destination
from tests.api.webhooks.receiver import Receiver, running_receiver
from tests.conftest import FixedClock, uses_postgres
from tests.factories import Clinic, json_object, make_clinic

PATIENT = {"given_name": "Jordan", "family_name": "Lee", "date_of_birth": "1991-04-12"}


@pytest.fixture
def hooks_app(settings: Settings, clock: FixedClock) -> Iterator[FastAPI]:
    allowed = settings.model_copy(update={"webhook_allow_http_hosts": ["127.0.0.1"]})
    application = create_app(allowed, clock=clock)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def hooks_clinic(hooks_app: FastAPI) -> Clinic:
    return make_clinic(hooks_app, name="Riverbend Recovery")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as running:
        yield running


def subscribe(clinic: Clinic, url: str, *event_types: str) -> dict[str, Any]:
    response = clinic.admin.post(
        "/v1/webhook-subscriptions",
        json={"url": url, "event_types": list(event_types) or ["patient.changed"]},
    )
    assert response.status_code == 201, response.text
    return json_object(response)


def deliver(app: FastAPI, clock: FixedClock) -> int:
    return worker.run_once(app.state.sessionmaker, app.state.settings, clock)


def test_a_change_reaches_the_subscriber_signed_with_ids_only(
    hooks_app: FastAPI, hooks_clinic: Clinic, receiver: Receiver, clock: FixedClock
) -> None:
    subscription = subscribe(hooks_clinic, receiver.url)
    patient = hooks_clinic.staff.post("/v1/patients", json=PATIENT).json()

    assert deliver(hooks_app, clock) == 1

    [received] = receiver.received
    body = Webhook(subscription["secret"]).verify(received.body, received.headers)
    assert body["type"] == "patient.changed"
    assert body["data"] == {"patient_id": patient["id"]}  # no name, no birth date
    assert received.headers["webhook-id"] == body["id"]
    assert "Jordan" not in received.body


def test_a_failed_delivery_is_retried_with_the_same_id_and_logged(
    hooks_app: FastAPI, hooks_clinic: Clinic, receiver: Receiver, clock: FixedClock
) -> None:
    subscription = subscribe(hooks_clinic, receiver.url)
    receiver.answers = [500]
    hooks_clinic.staff.post("/v1/patients", json=PATIENT)

    deliver(hooks_app, clock)
    assert deliver(hooks_app, clock) == 0, "not due again before its backoff"
    clock.now += timedelta(minutes=1)
    deliver(hooks_app, clock)

    first, second = receiver.ids()
    assert first == second
    url = f"/v1/webhook-subscriptions/{subscription['id']}/deliveries"
    [delivery] = hooks_clinic.admin.get(url).json()["items"]
    assert delivery["status"] == "delivered"
    assert [a["status_code"] for a in delivery["attempt_log"]] == [500, 204]


def test_an_event_can_be_redelivered_under_its_id(
    hooks_app: FastAPI, hooks_clinic: Clinic, receiver: Receiver, clock: FixedClock
) -> None:
    subscription = subscribe(hooks_clinic, receiver.url)
    hooks_clinic.staff.post("/v1/patients", json=PATIENT)
    deliver(hooks_app, clock)
    url = f"/v1/webhook-subscriptions/{subscription['id']}/deliveries"
    [delivery] = hooks_clinic.admin.get(url).json()["items"]

    again = hooks_clinic.admin.post(f"/v1/webhook-deliveries/{delivery['id']}/redeliver")
    assert again.status_code == 200
    deliver(hooks_app, clock)

    assert len(receiver.ids()) == 2
    assert len(set(receiver.ids())) == 1  # a receiver drops the second by its webhook-id


def test_a_redelivery_starts_its_retries_afresh(
    hooks_app: FastAPI, hooks_clinic: Clinic, receiver: Receiver, clock: FixedClock
) -> None:
    subscription = subscribe(hooks_clinic, receiver.url)
    receiver.answers = [503] * 6  # each retry waits twice as long, up to an hour
    hooks_clinic.staff.post("/v1/patients", json=PATIENT)
    for _ in range(7):
        deliver(hooks_app, clock)
        clock.now += worker.LONGEST_RETRY
    url = f"/v1/webhook-subscriptions/{subscription['id']}/deliveries"
    [delivery] = hooks_clinic.admin.get(url).json()["items"]
    assert (delivery["status"], delivery["attempts"]) == ("delivered", 7)

    again = hooks_clinic.admin.post(f"/v1/webhook-deliveries/{delivery['id']}/redeliver")
    assert again.json()["attempts"] == 0
    receiver.answers = [503]
    deliver(hooks_app, clock)

    [delivery] = hooks_clinic.admin.get(url).json()["items"]
    assert (delivery["status"], delivery["attempts"]) == ("pending", 1)
    assert len(delivery["attempt_log"]) == 8  # every try of every round
    retry_at = datetime.fromisoformat(delivery["next_attempt_at"])
    assert retry_at - clock.now <= worker.FIRST_RETRY  # not an hour


def test_a_paused_subscription_keeps_its_events_until_resumed(
    hooks_app: FastAPI, hooks_clinic: Clinic, receiver: Receiver, clock: FixedClock
) -> None:
    subscription = subscribe(hooks_clinic, receiver.url)
    base = f"/v1/webhook-subscriptions/{subscription['id']}"
    assert hooks_clinic.admin.post(f"{base}/pause").json()["status"] == "paused"
    hooks_clinic.staff.post("/v1/patients", json=PATIENT)
    deliver(hooks_app, clock)
    assert receiver.received == []

    hooks_clinic.admin.post(f"{base}/resume")
    deliver(hooks_app, clock)
    assert len(receiver.received) == 1


def test_a_subscriber_that_never_answers_fails_after_the_retry_window(
    settings: Settings, clock: FixedClock, receiver: Receiver
) -> None:
    short = settings.model_copy(
        update={"webhook_allow_http_hosts": ["127.0.0.1"], "webhook_retry_hours": 0.01}
    )
    app = create_app(short, clock=clock)
    clinic = make_clinic(app)
    subscription = subscribe(clinic, receiver.url)
    receiver.answers = [503] * 10
    clinic.staff.post("/v1/patients", json=PATIENT)

    for _ in range(4):
        deliver(app, clock)
        clock.now += timedelta(minutes=1)

    read = clinic.admin.get(f"/v1/webhook-subscriptions/{subscription['id']}").json()
    assert read["status"] == "failing"
    deliveries = clinic.admin.get(
        f"/v1/webhook-subscriptions/{subscription['id']}/deliveries", params={"status": "failed"}
    ).json()
    assert deliveries["total"] == 1
    app.state.engine.dispose()


def test_a_worker_that_dies_after_claiming_loses_no_event(
    hooks_app: FastAPI, hooks_clinic: Clinic, receiver: Receiver, clock: FixedClock
) -> None:
    subscribe(hooks_clinic, receiver.url)
    hooks_clinic.staff.post("/v1/patients", json=PATIENT)
    retry_for = timedelta(hours=24)
    with hooks_app.state.sessionmaker.begin() as session:
        worker.fan_out(session, clock(), retry_for)
    with hooks_app.state.sessionmaker.begin() as session:
        assert (
            len(worker.claim(session, clock(), hooks_app.state.settings.webhook_lease)) == 1
        )  # leased, then the worker died

    assert deliver(hooks_app, clock) == 0  # the lease holds
    clock.now += hooks_app.state.settings.webhook_lease + timedelta(seconds=1)
    assert deliver(hooks_app, clock) == 1
    assert len(receiver.received) == 1


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://hooks.example.org/iop", "https"),
        ("https://user:secret@hooks.example.org/iop", "credentials"),
        ("ftp://hooks.example.org/iop", "https"),
        ("https://[::1/iop", "not valid"),
        ("https://hooks example.org/iop", "not valid"),
        ("https://hooks.example.org:99999/iop", "not valid"),
        ("https://hooks.example.org:x/iop", "not valid"),
        ("https://hooks.example.org:0/iop", "not valid"),
    ],
)
def test_unsafe_webhook_urls_are_refused(hooks_clinic: Clinic, url: str, reason: str) -> None:
    response = hooks_clinic.admin.post(
        "/v1/webhook-subscriptions", json={"url": url, "event_types": ["patient.changed"]}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "unsafe_url"
    assert reason in response.json()["detail"]


def test_a_url_on_the_clinics_own_network_is_never_called(
    hooks_app: FastAPI, hooks_clinic: Clinic, clock: FixedClock
) -> None:
    subscription = subscribe(hooks_clinic, "https://10.1.2.3/hooks")
    hooks_clinic.staff.post("/v1/patients", json=PATIENT)
    deliver(hooks_app, clock)
    url = f"/v1/webhook-subscriptions/{subscription['id']}/deliveries"
    [delivery] = hooks_clinic.admin.get(url).json()["items"]
    [attempt] = delivery["attempt_log"]
    assert attempt["status_code"] is None
    assert "non-public" in attempt["error"]


def test_only_admins_manage_webhooks(hooks_clinic: Clinic) -> None:
    for client in (hooks_clinic.staff, hooks_clinic.clinician, hooks_clinic.ehr):
        assert client.get("/v1/webhook-subscriptions").status_code == 403


def test_two_workers_deliver_each_event_once(
    hooks_app: FastAPI, hooks_clinic: Clinic, receiver: Receiver, clock: FixedClock
) -> None:
    if not uses_postgres():
        pytest.skip("row locks: SQLite has one in-process worker")
    subscribe(hooks_clinic, receiver.url)
    for number in range(30):
        hooks_clinic.staff.post("/v1/patients", json=PATIENT | {"given_name": f"P{number}"})
    start = threading.Barrier(2)

    def work() -> None:
        start.wait()
        while deliver(hooks_app, clock):
            pass

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    counts = Counter(receiver.ids())
    assert len(counts) == 30
    assert set(counts.values()) == {1}
    assert all(json.loads(r.body)["type"] == "patient.changed" for r in receiver.received)


def test_a_delivery_to_a_checked_address_still_speaks_tls_to_the_host_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The worker connects to the address it checked, not to the name: the server must still
    # see the name (SNI and Host) and its certificate must be checked against the name.
    for variable in ("https_proxy", "all_proxy", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(variable, raising=False)
    authority = trustme.CA()
    name = "hooks.example.test"
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert(name).configure_cert(server)
    client = ssl.create_default_context()
    authority.configure_trust(client)
    with running_receiver(tls=server) as receiver:
        port = httpx.URL(receiver.url).port
        destination = check_destination(
            f"https://{name}:{port}/hooks", [], lambda host: ["93.184.215.14"]
        )
        [checked] = destination.urls
        loopback = httpx.URL(checked).copy_with(host="127.0.0.1")  # no public server here

        with httpx.Client(verify=client) as http:
            answer = http.post(
                loopback, content=b"{}", headers=destination.headers,
                extensions=destination.extensions,
            )  # fmt: skip
        with httpx.Client(verify=client) as http, pytest.raises(httpx.ConnectError):
            http.post(loopback, content=b"{}")  # the address alone: the certificate does not match

    assert answer.status_code == 204
    assert receiver.server_names == [name, None]
    assert receiver.received[0].headers["host"] == f"{name}:{port}"


def test_an_address_that_refuses_the_connection_is_passed_over_for_the_next(
    hooks_app: FastAPI, receiver: Receiver
) -> None:
    closed = "http://127.0.0.1:1/hooks"  # nothing listens on port 1
    destination = Destination((closed, receiver.url))

    status = worker.post(destination, "{}", {}, hooks_app.state.settings)

    assert status == 204
    assert len(receiver.received) == 1
    with pytest.raises(httpx.ConnectError):
        worker.post(Destination((closed,)), "{}", {}, hooks_app.state.settings)


def test_a_subscription_in_the_list_reads_exactly_as_its_own_record(hooks_clinic: Clinic) -> None:
    described = hooks_clinic.admin.post(
        "/v1/webhook-subscriptions",
        json={"url": "https://ehr.example.org/iop", "event_types": ["patient.changed"],
              "description": "EHR"},
    ).json()  # fmt: skip
    plain = subscribe(hooks_clinic, "https://billing.example.org/iop", "alert.raised")
    page = hooks_clinic.admin.get("/v1/webhook-subscriptions").json()
    listed = {subscription["id"]: subscription for subscription in page["items"]}
    for made in (described, plain):
        own = hooks_clinic.admin.get(f"/v1/webhook-subscriptions/{made['id']}").json()
        # Same fields in the same order, nulls included: a client may compare them as text.
        assert list(listed[made["id"]].items()) == list(own.items())


def test_deliveries_in_the_list_read_exactly_as_their_own_records_attempts_included(
    hooks_app: FastAPI, hooks_clinic: Clinic, receiver: Receiver, clock: FixedClock
) -> None:
    subscription = subscribe(hooks_clinic, receiver.url)
    receiver.answers = [500]  # the first delivery fails once, then succeeds
    for _ in range(2):
        hooks_clinic.staff.post("/v1/patients", json=PATIENT)
    for _ in range(2):
        deliver(hooks_app, clock)
        clock.now += worker.LONGEST_RETRY

    url = f"/v1/webhook-subscriptions/{subscription['id']}/deliveries"
    listed = hooks_clinic.admin.get(url).json()["items"]

    assert sorted(len(d["attempt_log"]) for d in listed) == [1, 2]
    for delivery in listed:
        own = hooks_clinic.admin.get(f"/v1/webhook-deliveries/{delivery['id']}").json()
        assert list(delivery.items()) == list(own.items())
