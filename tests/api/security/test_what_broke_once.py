"""Each input that once broke the service, kept as a test that fails if it breaks again."""

import logging
import os

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import settings as hypothesis_settings

from app.security import Role
from tests.api.foundation.test_input import PATIENT, field_codes
from tests.api.foundation.test_problems import assert_problem
from tests.conftest import FixedClock
from tests.factories import Clinic, client_for, make_key, make_program, make_room, make_staff


@pytest.mark.parametrize(
    "query",
    [
        "since=2026-03-02T10:00:00",  # which zone?
        "until=2026-03-02T10:00:00",
        "since=0001-01-01T00:00:00Z",  # the ends of the calendar
        "until=9999-12-31T23:59:59Z",
        "since=9999-12-31T23:59:59%2B14:00",
        "until=0001-01-01T00:00:00-14:00",
    ],
)
def test_an_audit_window_needs_a_zone_and_stays_on_the_calendar(clinic: Clinic, query: str) -> None:
    response = clinic.admin.get(f"/v1/audit-events?{query}")
    assert_problem(response, 422, "validation-error")
    assert list(field_codes(response)) == [f"query.{query.split('=')[0]}"]


@pytest.mark.parametrize("expires_at", ["2027-01-01T00:00:00", "9999-12-31T23:59:59Z"])
def test_a_key_expiry_needs_a_zone_and_a_plausible_year(clinic: Clinic, expires_at: str) -> None:
    body = {"name": "tablet", "role": "staff", "expires_at": expires_at}
    response = clinic.admin.post("/v1/api-keys", json=body)
    assert_problem(response, 422, "validation-error")
    assert list(field_codes(response)) == ["expires_at"]


@pytest.mark.parametrize(
    "if_match",
    ['W/"' + "9" * 4000 + '"', "9" * 4000, 'W/"١"', "١٢", 'W/"1 "'],  # Arabic-Indic digits
)
def test_an_if_match_that_is_no_etag_of_ours_is_refused(clinic: Clinic, if_match: str) -> None:
    patient = clinic.staff.post("/v1/patients", json=PATIENT).json()
    response = clinic.staff.patch(
        f"/v1/patients/{patient['id']}",
        json={"phone": "+1 413 555 0100"},
        headers={b"If-Match": if_match.encode()},
    )
    assert response.status_code in (412, 422), response.text
    assert clinic.staff.get(f"/v1/patients/{patient['id']}").json()["version"] == 1


@pytest.mark.parametrize(
    ("resource", "field", "length"),
    [
        ("staff", "name", 201),
        ("staff", "title", 101),
        ("staff", "credential", 41),
        ("staff", "license_number", 61),
        ("staff", "email", 201),
        ("rooms", "name", 101),
        ("rooms", "location", 201),
    ],
)
def test_an_update_longer_than_its_column_is_refused(
    clinic: Clinic, resource: str, field: str, length: int
) -> None:
    record = make_staff(clinic) if resource == "staff" else make_room(clinic)
    response = clinic.admin.patch(f"/v1/{resource}/{record['id']}", json={field: "x" * length})
    assert_problem(response, 422, "validation-error")
    assert list(field_codes(response)) == [field]


@pytest.mark.parametrize("time_zone", ["localtime", "Factory"])
def test_a_program_runs_on_a_places_clock(clinic: Clinic, time_zone: str) -> None:
    body = {"name": "Evening", "track": "evening", "time_zone": time_zone, "country": "US",
            "operating_hours": {"monday": {"opens": "17:00", "closes": "21:00"}}}  # fmt: skip
    assert_problem(clinic.admin.post("/v1/programs", json=body), 422, "validation-error")
    program = make_program(clinic)
    response = clinic.admin.patch(f"/v1/programs/{program['id']}", json={"time_zone": time_zone})
    assert_problem(response, 422, "validation-error")
    assert list(field_codes(response)) == ["time_zone"]


def test_guessing_keys_from_one_address_is_stopped(app: FastAPI, clinic: Clinic) -> None:
    guesser = client_for(app, "iop_not-a-key")
    answers = [guesser.get("/v1/me") for _ in range(700)]
    statuses = [answer.status_code for answer in answers]
    limit = int(app.state.settings.failed_auth_limit.split("/")[0])
    assert statuses[:limit] == [401] * limit
    assert set(statuses[limit:]) == {429}
    assert all(a.headers["WWW-Authenticate"].startswith("Bearer") for a in answers[:limit])
    assert int(answers[-1].headers["Retry-After"]) >= 1
    # A right key from the same address waits too: a right guess would gain nothing.
    guessed = make_key(app, clinic.organization_id, Role.staff)
    assert guesser.get("/v1/me", headers={"Authorization": f"Bearer {guessed}"}).status_code == 429


def test_failed_keys_are_counted_per_window(app: FastAPI, clock: FixedClock) -> None:
    from datetime import timedelta

    guesser = client_for(app, "iop_not-a-key")
    limit = int(app.state.settings.failed_auth_limit.split("/")[0])
    for _ in range(limit + 1):
        guesser.get("/v1/me")
    assert guesser.get("/v1/me").status_code == 429
    clock.now += timedelta(minutes=1)
    assert guesser.get("/v1/me").status_code == 401


@pytest.mark.parametrize(
    ("headers", "error"),
    [
        ({}, None),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, None),
        ({"Authorization": "Bearer iop_unknown"}, "invalid_token"),
    ],
)
def test_every_401_names_the_bearer_scheme(
    client: TestClient, headers: dict[str, str], error: str | None
) -> None:
    for path in ("/v1/me", "/v1/patients", "/fhir/R4/Patient"):
        response = client.get(path, headers=headers)
        assert response.status_code == 401
        challenge = response.headers["WWW-Authenticate"]
        assert challenge.startswith('Bearer realm="iop"')
        assert ("invalid_token" in challenge) == (error is not None)


@pytest.mark.parametrize(
    "request_id",
    ["front-desk 0001", "a" * 65, "short", "front-desk-0001\u00e9", "id;drop", '"><script>'],
)
def test_an_unsafe_or_long_request_id_is_replaced(client: TestClient, request_id: str) -> None:
    response = client.get(
        "/healthz",
        headers={b"X-Request-ID": request_id.encode()},
    )
    echoed = response.headers["x-request-id"]
    assert echoed != request_id
    assert len(echoed) == 32
    assert echoed.isalnum()


@pytest.mark.commits  # readiness opens a connection of its own
def test_readiness_logs_no_alembic_lines(
    client: TestClient, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    with caplog.at_level(logging.DEBUG):
        assert client.get("/readyz").status_code == 200
    assert not [r for r in caplog.records if r.name.startswith("alembic")]
    assert "alembic" not in capsys.readouterr().out.lower()


def test_no_hypothesis_profile_has_a_deadline() -> None:
    # Examples are slow on a shared CI machine; a deadline there fails tests at random.
    assert hypothesis_settings().deadline is None
    for name in ("iop", "ci"):
        assert hypothesis_settings.get_profile(name).deadline is None
    assert os.environ.get("CI") is None or hypothesis_settings._current_profile == "ci"
