"""The database goes away mid-traffic and comes back: clients get 503 `database-unavailable`
with Retry-After meanwhile, the service recovers without a restart, no acknowledged write is
lost and nothing is stored that the client was not told about.

A TCP proxy between the app and PostgreSQL drops every connection and refuses new ones, then
lets them through again. Clients retry what failed with the same Idempotency-Key, as they
should: a write whose commit reached the database just as it went away is then answered as
carried out (201 again, or 409 `idempotency-answer-lost`), never made twice.
"""

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, make_url, select

from app.access import service as access_service
from app.access.schemas import ApiKeyCreate
from app.config import Settings
from app.db import create_sessionmaker
from app.main import create_app
from app.migrations import upgrade_to_head
from app.patients.models import Patient
from app.security import Role
from tests.databases import fresh_postgres_database, reachable_postgres_or_skip
from tests.factories import client_for
from tests.proxy import proxy_to

SECRET = "outage-test-secret-0123456789"
WRITERS = 3
PATH = "/v1/patients"


@dataclass
class Traffic:
    answers: list[tuple[str, str, int, dict[str, Any], str | None]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    phase: str = "before"
    stop: threading.Event = field(default_factory=threading.Event)

    def register(self, client: TestClient, family_name: str) -> tuple[int, dict[str, Any]]:
        body = {"given_name": "Alex", "family_name": family_name, "date_of_birth": "1990-05-17"}
        phase = self.phase
        response = client.post(PATH, json=body, headers={"Idempotency-Key": family_name})
        answer = response.json() if response.content else {}
        with self.lock:
            self.answers.append(
                (phase, family_name, response.status_code, answer,
                 response.headers.get("Retry-After"))
            )  # fmt: skip
        return response.status_code, answer


@pytest.mark.postgres
def test_a_database_outage_is_503_then_recovers_and_loses_no_acknowledged_write() -> None:
    with fresh_postgres_database(reachable_postgres_or_skip()) as url:
        upgrade_to_head(url)
        real = make_url(url)
        key = issue_staff_key(url)
        with proxy_to(real.host or "127.0.0.1", real.port or 5432) as proxy:
            proxied = real.set(host="127.0.0.1", port=proxy.port)
            settings = Settings(
                database_url=proxied.render_as_string(hide_password=False),
                key_secret=SECRET,
                log_level="ERROR",
                db_pool_size=2,
                idempotency_lock_seconds=2,
            )
            app = create_app(settings)
            traffic = Traffic()
            writers = [
                threading.Thread(target=write_until_stopped, args=(app, key, traffic, n))
                for n in range(WRITERS)
            ]
            try:
                for writer in writers:
                    writer.start()
                time.sleep(1.0)
                traffic.phase = "during"
                proxy.cut()
                time.sleep(2.0)
                traffic.phase = "after"
                proxy.restore()
                time.sleep(2.0)
                traffic.stop.set()
                for writer in writers:
                    writer.join(timeout=30)
                settled = settle(client_for(app, key), traffic)
            finally:
                traffic.stop.set()
                app.state.engine.dispose()
        stored = stored_family_names(url)

    statuses = Counter((phase, status) for phase, _name, status, _body, _retry in traffic.answers)
    assert not [status for (_phase, status) in statuses if status >= 500 and status != 503]
    outage = [a for a in traffic.answers if a[0] == "during" and a[2] == 503]
    assert outage, statuses
    assert all(body["type"].endswith("/database-unavailable") for *_, body, _r in outage)
    assert all(retry is not None and int(retry) >= 1 for *_, retry in outage)
    assert statuses[("after", 201)] > 0, statuses  # recovered, without a restart
    acknowledged = {name for name, outcome in settled.items() if outcome == "carried out"}
    assert stored == acknowledged
    assert set(settled.values()) == {"carried out"}, Counter(settled.values())


def write_until_stopped(app: Any, key: str, traffic: Traffic, writer: int) -> None:
    client = client_for(app, key)
    n = 0
    while not traffic.stop.is_set():
        traffic.register(client, f"Outage-{writer}-{n}")
        n += 1
        time.sleep(0.02)


def settle(client: TestClient, traffic: Traffic) -> dict[str, str]:
    """Each write's outcome once its client has retried what failed with the same key."""
    outcome: dict[str, str] = {}
    for _phase, name, status, body, _retry in list(traffic.answers):
        outcome[name] = (
            _outcome(status, body) if outcome.get(name) != "carried out" else "carried out"
        )
    for name in [n for n, o in outcome.items() if o == "retry"]:
        for _attempt in range(20):
            status, body = traffic.register(client, name)
            outcome[name] = _outcome(status, body)
            if outcome[name] != "retry":
                break
            time.sleep(0.3)
    return outcome


def _outcome(status: int, body: dict[str, Any]) -> str:
    if status == 201 or body.get("type", "").endswith("/idempotency-answer-lost"):
        return "carried out"
    return "retry" if status in {409, 503} else f"refused {status}"


def stored_family_names(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            names = connection.scalars(
                select(Patient.family_name).where(Patient.family_name.like("Outage-%"))
            )
            return set(names)
    finally:
        engine.dispose()


def issue_staff_key(url: str) -> str:
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    try:
        with sessions.begin() as session:
            organization_id = access_service.create_organization(session, "Riverbend").id
        request = ApiKeyCreate(name="staff key", role=Role.staff)
        with sessions.begin() as session:
            _key, raw_key = access_service.issue_key(session, organization_id, request, SECRET)
        return raw_key
    finally:
        engine.dispose()
