"""A POST retried with the same Idempotency-Key gets the first answer again, never a second
change; the same key with another request is refused; an error keeps nothing."""

import re
import uuid
from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import func, select

from app.idempotency import store
from app.idempotency.middleware import fingerprint
from app.idempotency.models import IdempotencyRecord
from app.patients.models import Patient
from tests.conftest import FixedClock
from tests.factories import Clinic

PATIENT = {"given_name": "Alex", "family_name": "Rivera", "date_of_birth": "1990-05-17"}
TERMS = store.KeyTerms(retention=timedelta(hours=24), lock=timedelta(seconds=60))


def key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


def patients_named(app: FastAPI, family_name: str) -> int:
    with app.state.sessionmaker() as session:
        statement = select(func.count()).where(Patient.family_name == family_name)
        return int(session.scalar(statement) or 0)


def test_a_retried_registration_answers_the_first_patient_again(
    app: FastAPI, clinic: Clinic
) -> None:
    headers = key()
    first = clinic.staff.post("/v1/patients", json=PATIENT, headers=headers)
    again = clinic.staff.post("/v1/patients", json=PATIENT, headers=headers)

    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Content-Type"] == first.headers["Content-Type"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert patients_named(app, "Rivera") == 1


def test_a_replayed_answer_is_audited_as_a_read_of_the_patient(clinic: Clinic) -> None:
    headers = key()
    first = clinic.staff.post("/v1/patients", json=PATIENT, headers=headers)
    replayed = clinic.staff.post(
        "/v1/patients", json=PATIENT, headers=headers | {"X-Request-ID": "replay-000001"}
    )
    assert replayed.headers["Idempotent-Replayed"] == "true"
    patient_id = first.json()["id"]
    events = clinic.admin.get("/v1/audit-events", params={"patient_id": patient_id}).json()
    replay = [e for e in events["items"] if e["request_id"] == "replay-000001"]
    assert [(a["action"], a["resource_type"]) for e in replay for a in e["accesses"]] == [
        ("read", "patient")
    ]


def test_the_same_key_with_another_body_is_422_and_stores_nothing(
    app: FastAPI, clinic: Clinic
) -> None:
    headers = key()
    assert clinic.staff.post("/v1/patients", json=PATIENT, headers=headers).status_code == 201
    other = PATIENT | {"family_name": "Moreno"}
    reused = clinic.staff.post("/v1/patients", json=other, headers=headers)
    assert reused.status_code == 422
    assert reused.json()["type"].endswith("/idempotency-key-reused")
    assert patients_named(app, "Moreno") == 0


def test_a_refused_request_keeps_nothing_so_its_key_can_be_sent_again(clinic: Clinic) -> None:
    headers = key()
    invalid = clinic.staff.post(
        "/v1/patients", json=PATIENT | {"date_of_birth": "x"}, headers=headers
    )
    assert invalid.status_code == 422
    accepted = clinic.staff.post("/v1/patients", json=PATIENT, headers=headers)
    assert accepted.status_code == 201
    assert "Idempotent-Replayed" not in accepted.headers


def test_keys_belong_to_the_api_key_that_sent_them(app: FastAPI, clinic: Clinic) -> None:
    headers = key()
    assert clinic.staff.post("/v1/patients", json=PATIENT, headers=headers).status_code == 201
    by_admin = clinic.admin.post("/v1/patients", json=PATIENT, headers=headers)
    assert by_admin.status_code == 201
    assert "Idempotent-Replayed" not in by_admin.headers
    assert patients_named(app, "Rivera") == 2


def hold_key(app: FastAPI, clinic: Clinic, idempotency_key: str, path: str, body: bytes) -> None:
    """The key taken by a first request that is still running (or whose server died)."""
    client = clinic.staff
    bearer = client.headers["Authorization"].removeprefix("Bearer ")
    secret = app.state.settings.key_secret.get_secret_value()
    with app.state.sessionmaker() as session:
        key_id = store.api_key_id(session, bearer, secret)
    assert key_id is not None
    sent = fingerprint("POST", path, b"", body)
    held = store.reserve(
        app.state.sessionmaker, key_id, idempotency_key, sent, app.state.clock(), TERMS
    )
    assert isinstance(held, store.Reservation)


def test_a_retry_while_the_first_request_runs_is_409_with_retry_after(
    app: FastAPI, clinic: Clinic, clock: FixedClock
) -> None:
    body = b'{"given_name":"Alex","family_name":"Rivera","date_of_birth":"1990-05-17"}'
    hold_key(app, clinic, "first-try-0001", "/v1/patients", body)
    headers = {"Idempotency-Key": "first-try-0001", "Content-Type": "application/json"}

    busy = clinic.staff.post("/v1/patients", content=body, headers=headers)
    assert busy.status_code == 409
    assert busy.json()["type"].endswith("/idempotency-key-in-use")
    assert 1 <= int(busy.headers["Retry-After"]) <= 5

    clock.now += timedelta(seconds=61)  # the first request's server died: its lock ran out
    taken_over = clinic.staff.post("/v1/patients", content=body, headers=headers)
    assert taken_over.status_code == 201
    assert patients_named(app, "Rivera") == 1


def test_a_kept_key_expires_after_its_retention_and_is_purged(
    app: FastAPI, clinic: Clinic, clock: FixedClock
) -> None:
    headers = key()
    assert clinic.staff.post("/v1/patients", json=PATIENT, headers=headers).status_code == 201
    clock.now += timedelta(hours=24, seconds=1)
    fresh = clinic.staff.post(
        "/v1/patients", json=PATIENT | {"family_name": "Moreno"}, headers=headers
    )
    assert fresh.status_code == 201

    clock.now += timedelta(hours=25)
    with app.state.sessionmaker.begin() as session:
        assert store.purge_expired(session, clock.now) >= 1
        assert session.scalar(select(func.count()).select_from(IdempotencyRecord)) == 0


def test_a_malformed_key_is_422(clinic: Clinic) -> None:
    response = clinic.staff.post(
        "/v1/patients", json=PATIENT, headers={"Idempotency-Key": "x" * 256}
    )
    assert response.status_code == 422


def test_without_a_valid_api_key_the_route_answers_401(client: Any) -> None:
    response = client.post("/v1/patients", json=PATIENT, headers=key())
    assert response.status_code == 401


def post_routes(app: FastAPI) -> list[tuple[str, APIRoute]]:
    """(full path, route) of every `/v1` POST."""
    return [
        (context.path or "", context.original_route)
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute)
        and (context.path or "").startswith("/v1/")
        and "POST" in (context.methods or ())
    ]


def test_every_post_that_changes_something_documents_the_header(app: FastAPI) -> None:
    document = app.openapi()["paths"]
    read_only = set()
    for path, _route in post_routes(app):
        operation = document[path.replace(":uuid", "")]["post"]
        names = {p["name"] for p in operation.get("parameters", [])}
        if operation.get("x-read-only"):
            read_only.add(path)
            assert "Idempotency-Key" not in names
        else:
            assert "Idempotency-Key" in names, path
            assert {"409", "422"} <= set(operation["responses"]), path
    assert read_only == {
        "/v1/eligibility/evaluations",
        "/v1/groups/sizing",
        "/v1/treatment-plans/validate",
    }


def test_every_post_that_changes_something_honors_the_header(app: FastAPI, clinic: Clinic) -> None:
    """Each route answers a retry of a running request with 409, so each is behind the key."""
    routes = post_routes(app)
    assert len(routes) > 30
    for number, (template, route) in enumerate(routes):
        if (route.openapi_extra or {}).get("x-read-only"):
            continue
        path = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), template)
        idempotency_key = f"route-{number:04}"
        hold_key(app, clinic, idempotency_key, path, b"{}")
        headers = {"Idempotency-Key": idempotency_key, "Content-Type": "application/json"}
        response = clinic.staff.post(path, content=b"{}", headers=headers)
        assert response.status_code == 409, (template, response.text)
        assert response.json()["type"].endswith("/idempotency-key-in-use")


def test_an_attempt_whose_lock_a_retry_took_over_cannot_commit(
    app: FastAPI, clinic: Clinic, clock: FixedClock
) -> None:
    """A request slower than its lock loses the key to a retry; only one of them may commit."""
    bearer = clinic.staff.headers["Authorization"].removeprefix("Bearer ")
    secret = app.state.settings.key_secret.get_secret_value()
    with app.state.sessionmaker() as session:
        key_id = store.api_key_id(session, bearer, secret)
    assert key_id is not None
    sent = fingerprint("POST", "/v1/patients", b"", b"{}")
    sessions = app.state.sessionmaker
    slow = store.reserve(sessions, key_id, "slow-0001", sent, clock.now, TERMS)
    retry = store.reserve(sessions, key_id, "slow-0001", sent, clock.now + TERMS.lock, TERMS)
    assert isinstance(slow, store.Reservation)
    assert isinstance(retry, store.Reservation)

    with sessions.begin() as session:
        assert not store.mark_committed(session, slow, key_id, None)
        assert store.mark_committed(session, retry, key_id, None)
