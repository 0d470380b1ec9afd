"""API keys: 401 without a valid key, 403 when the role may not act, 404 across clinics."""

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, select

from app.access.models import ApiKey
from app.security import KeyCache, Role
from tests.conftest import FixedClock
from tests.factories import Clinic, client_for, make_key


def test_a_request_without_a_key_is_401(client: TestClient) -> None:
    response = client.get("/v1/me")
    assert response.status_code == 401
    assert response.json()["type"].endswith("/unauthorized")


@pytest.mark.parametrize("header", ["Bearer iop_not-a-real-key", "Basic dXNlcjpwYXNz", "iop_x"])
def test_a_wrong_key_is_401(client: TestClient, header: str) -> None:
    assert client.get("/v1/me", headers={"Authorization": header}).status_code == 401


def test_a_key_tells_its_organization_role_and_permissions(clinic: Clinic) -> None:
    me = clinic.clinician.get("/v1/me").json()
    assert me["organization_id"] == str(clinic.organization_id)
    assert me["role"] == "clinician"
    assert "admissions:approve" in me["permissions"]
    assert "keys:manage" not in me["permissions"]


def test_an_admin_issues_a_key_that_works_at_once_and_is_shown_only_once(
    clinic: Clinic, app: FastAPI
) -> None:
    issued = clinic.admin.post("/v1/api-keys", json={"name": "EHR bridge", "role": "ehr"})
    assert issued.status_code == 201
    key = issued.json()["key"]
    assert client_for(app, key).get("/v1/me").json()["role"] == "ehr"
    listed = clinic.admin.get("/v1/api-keys").json()
    assert all("key" not in item for item in listed["items"])
    assert issued.json()["id"] in {item["id"] for item in listed["items"]}


def test_keys_are_stored_only_as_keyed_hashes(clinic: Clinic, app: FastAPI) -> None:
    key = clinic.admin.post("/v1/api-keys", json={"name": "tablet", "role": "staff"}).json()["key"]
    with app.state.sessionmaker() as session:
        stored = session.scalars(select(ApiKey.key_hash)).all()
    assert key not in stored
    assert all(len(digest) == 64 for digest in stored)


def test_a_revoked_key_stops_working(clinic: Clinic, app: FastAPI) -> None:
    issued = clinic.admin.post("/v1/api-keys", json={"name": "lost", "role": "staff"}).json()
    assert clinic.admin.delete(f"/v1/api-keys/{issued['id']}").json()["revoked_at"] is not None
    assert client_for(app, issued["key"]).get("/v1/me").status_code == 401


def test_a_key_is_401_once_the_clock_passes_its_expiry(
    app: FastAPI, clinic: Clinic, clock: FixedClock
) -> None:
    expires_at = clock.now + timedelta(minutes=5)
    key = make_key(
        app, clinic.organization_id, Role.staff, issued_at=clock.now, expires_at=expires_at
    )
    client = client_for(app, key)
    assert client.get("/v1/me").status_code == 200
    clock.now = expires_at
    response = client.get("/v1/me")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


@pytest.mark.parametrize("role", [Role.staff, Role.clinician, Role.ehr, Role.payer])
def test_only_admins_manage_keys(clinic: Clinic, role: Role) -> None:
    response = clinic.as_role(role).post("/v1/api-keys", json={"name": "x", "role": "staff"})
    assert response.status_code == 403
    assert response.json()["type"].endswith("/forbidden")


def test_a_key_never_reaches_another_organizations_keys(
    clinic: Clinic, other_clinic: Clinic
) -> None:
    theirs = other_clinic.admin.post("/v1/api-keys", json={"name": "t", "role": "staff"}).json()
    assert clinic.admin.delete(f"/v1/api-keys/{theirs['id']}").status_code == 404
    assert theirs["id"] not in {k["id"] for k in clinic.admin.get("/v1/api-keys").json()["items"]}


@pytest.mark.parametrize(
    "body",
    [{"name": "partner", "role": "payer"}, {"name": "desk", "role": "staff", "payer_id": "aetna"}],
)
def test_payer_keys_and_only_payer_keys_name_a_payer(clinic: Clinic, body: dict[str, Any]) -> None:
    assert clinic.admin.post("/v1/api-keys", json=body).status_code == 422


def test_a_key_revoked_by_another_process_stops_working_within_the_cache_time(
    clinic: Clinic, app: FastAPI, clock: FixedClock
) -> None:
    # Another process's revocation reaches this one only through the database: this process
    # trusts the key it looked up for `key_cache_seconds`, then looks again.
    cache = app.state.key_cache
    app.state.key_cache = KeyCache(seconds=0.2)
    try:
        key = make_key(app, clinic.organization_id, Role.staff, issued_at=clock.now)
        client = client_for(app, key)
        assert client.get("/v1/patients").status_code == 200
        with app.state.sessionmaker.begin() as session:
            stored = session.scalars(select(ApiKey).order_by(ApiKey.id.desc())).first()
            assert stored is not None
            stored.revoked_at = clock.now
        assert client.get("/v1/patients").status_code == 200  # still trusted here
        time.sleep(0.25)
        assert client.get("/v1/patients").status_code == 401
    finally:
        app.state.key_cache = cache


@contextmanager
def slow_key_lookups(app: FastAPI) -> Iterator[list[str]]:
    """Each key lookup's statement, each held long enough for the requests sent with it to
    arrive while it is under way."""
    lookups: list[str] = []

    def held(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "FROM api_key" in statement:
            lookups.append(statement)
            time.sleep(0.3)

    event.listen(app.state.engine, "before_cursor_execute", held)
    try:
        yield lookups
    finally:
        event.remove(app.state.engine, "before_cursor_execute", held)


TESTCLIENT_ADDRESS = ("testclient", 50000)  # where a TestClient's requests come from


async def _at_once(app: FastAPI, key: str, requests: int) -> list[int]:
    transport = httpx.ASGITransport(app=app, client=TESTCLIENT_ADDRESS)
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(transport=transport, base_url="http://clinic") as client:
        answers = await asyncio.gather(
            *(client.get("/v1/patients?limit=1", headers=headers) for _ in range(requests))
        )
    return [answer.status_code for answer in answers]


@pytest.mark.commits  # the requests run at once, each on a connection of its own
def test_requests_that_find_their_key_unknown_at_once_share_one_lookup(
    clinic: Clinic, app: FastAPI
) -> None:
    # A known key's time runs out under load for every request in flight at once: they wait
    # for one lookup instead of each queueing one for the database.
    key = make_key(app, clinic.organization_id, Role.staff)
    with slow_key_lookups(app) as lookups:
        assert asyncio.run(_at_once(app, key, 8)) == [200] * 8
    assert len(lookups) == 1


@pytest.mark.commits
def test_requests_with_an_unknown_key_at_once_are_each_refused_and_counted(
    app: FastAPI,
) -> None:
    # A key not found is not shared: each request looks for itself, so each failure counts
    # against its client (four here, and the limit is reached after as many as it allows).
    with slow_key_lookups(app) as lookups:
        assert asyncio.run(_at_once(app, "iop_not-a-key", 4)) == [401] * 4
    assert len(lookups) == 4
    guesser = client_for(app, "iop_not-a-key")
    limit = int(app.state.settings.failed_auth_limit.split("/")[0])
    statuses = [guesser.get("/v1/me").status_code for _ in range(limit - 3)]
    assert statuses == [401] * (limit - 4) + [429]
