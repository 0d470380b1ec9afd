"""No input answers 500, and what the OpenAPI document declares is what the server reads.

Every test here runs on SQLite and on PostgreSQL (`IOP_TEST_DATABASE=postgres`), where NUL
characters and integers beyond 64 bits used to reach the database and fail there.
"""

import re
from datetime import UTC, datetime
from typing import Any, cast

import pytest
from fastapi import FastAPI

from app.schemas import INT32_MAX, LOCAL_TIME_PATTERN
from tests.api.foundation.test_problems import assert_problem
from tests.factories import Clinic, if_match, make_program, make_room

PATIENT = {"given_name": "Alex", "family_name": "Rivera", "date_of_birth": "1990-05-17"}


def field_codes(response: Any) -> dict[str, str]:
    return {error["field"]: error["code"] for error in response.json()["errors"]}


def register_patient(clinic: Clinic, **overrides: object) -> dict[str, Any]:
    response = clinic.staff.post("/v1/patients", json=PATIENT | overrides)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


# PATCH: null either empties a field or is refused, as the schema says


@pytest.mark.parametrize("field", ["given_name", "family_name", "date_of_birth", "tags"])
def test_a_patient_update_cannot_null_what_every_patient_has(clinic: Clinic, field: str) -> None:
    patient = register_patient(clinic, tags=["veteran"])
    response = clinic.staff.patch(
        f"/v1/patients/{patient['id']}",
        json={field: None},
        headers=if_match(clinic.staff, f"/v1/patients/{patient['id']}"),
    )
    assert_problem(response, 422, "validation-error")
    assert field_codes(response) == {field: "null_not_allowed"}
    assert clinic.staff.get(f"/v1/patients/{patient['id']}").json() == patient


def test_a_patient_update_with_null_empties_what_a_patient_may_lack(clinic: Clinic) -> None:
    patient = register_patient(clinic, phone="+1 413 555 0199", is_veteran=True)
    response = clinic.staff.patch(
        f"/v1/patients/{patient['id']}",
        json={"phone": None, "is_veteran": None},
        headers=if_match(clinic.staff, f"/v1/patients/{patient['id']}"),
    )
    assert response.status_code == 200, response.text
    assert (response.json()["phone"], response.json()["is_veteran"]) == (None, None)


def _accepts_null(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "null" or any(_accepts_null(s) for s in schema.get("anyOf", []))


def _body_models(app: FastAPI) -> dict[str, type]:
    """The request body model of each operation, by OpenAPI schema name."""
    from fastapi.routing import APIRoute, iter_route_contexts

    models: dict[str, type] = {}
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and route.body_field is not None:
            model = cast(type, route.body_field.field_info.annotation)
            models[model.__name__] = model
    return models


def test_every_body_field_the_schema_calls_nullable_accepts_null_and_no_other(
    app: FastAPI,
) -> None:
    document = app.openapi()
    mismatches = []
    for name, model in _body_models(app).items():
        properties = document["components"]["schemas"][name]["properties"]
        for field, schema in properties.items():
            try:
                model.model_validate({field: None})  # type: ignore[attr-defined]
                refused = False
            except ValueError as error:
                refused = any(e["loc"] == (field,) for e in error.errors())  # type: ignore[attr-defined]
            if refused == _accepts_null(schema):
                mismatches.append(f"{name}.{field}: nullable={_accepts_null(schema)}")
    assert mismatches == []


def test_no_parameter_is_declared_nullable(app: FastAPI) -> None:
    # A query or header value is text or absent: "null" would be sent as the text "null".
    for path in app.openapi()["paths"].values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                assert not _accepts_null(parameter["schema"]), parameter["name"]


# NUL: PostgreSQL text cannot hold it; SQLite used to store it


@pytest.mark.parametrize(
    "body",
    [
        PATIENT | {"given_name": "Al\u0000ex"},
        PATIENT | {"address": {"city": "Spring\u0000field"}},
        PATIENT | {"identifiers": [{"system": "urn:mrn", "value": "MRN\u00001"}]},
    ],
)
def test_a_nul_character_anywhere_in_a_body_is_a_422(clinic: Clinic, body: dict[str, Any]) -> None:
    response = clinic.staff.post("/v1/patients", json=body)
    assert_problem(response, 422, "validation-error")
    assert "nul_character" in field_codes(response).values()
    assert clinic.staff.get("/v1/patients").json()["total"] == 0


def test_a_nul_character_in_an_update_is_a_422_and_changes_nothing(clinic: Clinic) -> None:
    patient = register_patient(clinic)
    response = clinic.staff.patch(
        f"/v1/patients/{patient['id']}",
        json={"given_name": "A\u0000"},
        headers=if_match(clinic.staff, f"/v1/patients/{patient['id']}"),
    )
    assert_problem(response, 422, "validation-error")
    assert field_codes(response) == {"given_name": "nul_character"}
    assert clinic.staff.get(f"/v1/patients/{patient['id']}").json() == patient


def test_a_nul_character_in_a_key_is_named_by_its_place(clinic: Clinic) -> None:
    body = PATIENT | {"address": {"city": "Springfield", "zi\u0000p": "01103"}}
    response = clinic.staff.post("/v1/patients", json=body)
    assert_problem(response, 422, "validation-error")
    assert field_codes(response) == {"address.zi\u0000p": "nul_character"}


def test_an_escaped_backslash_before_u0000_is_text_not_nul(clinic: Clinic) -> None:
    """`\\u0000` in JSON is a backslash and five letters: stored as sent."""
    response = clinic.staff.post("/v1/patients", json=PATIENT | {"given_name": "Al\\u0000ex"})
    assert response.status_code == 201, response.text
    assert response.json()["given_name"] == "Al\\u0000ex"


def test_a_nul_byte_in_a_body_that_is_not_json_is_a_422(clinic: Clinic) -> None:
    response = clinic.staff.post(
        "/v1/patients", content=b"ISA*00*\x00~", headers={"Content-Type": "application/edi-x12"}
    )
    assert_problem(response, 422, "validation-error")
    assert field_codes(response) == {"body": "nul_character"}


@pytest.mark.parametrize(
    ("path", "field"),
    [("/v1/patients?name=Al%00ex", "query.name"), ("/v1/audit-events?action=%00", "query.action")],
)
def test_a_nul_character_in_a_query_is_a_422(clinic: Clinic, path: str, field: str) -> None:
    response = clinic.admin.get(path)
    assert_problem(response, 422, "validation-error")
    assert field_codes(response) == {field: "nul_character"}


# Integers: bounded before they reach a 32- or 64-bit column


def test_an_offset_beyond_32_bits_is_a_422_and_the_largest_one_an_empty_page(
    clinic: Clinic,
) -> None:
    register_patient(clinic)
    for offset in (INT32_MAX + 1, 2**63, 10**30):
        response = clinic.staff.get(f"/v1/patients?offset={offset}")
        assert_problem(response, 422, "validation-error")
        assert field_codes(response) == {"query.offset": "less_than_equal"}
    page = clinic.staff.get(f"/v1/patients?offset={INT32_MAX}").json()
    assert (page["items"], page["total"], page["offset"]) == ([], 1, INT32_MAX)


def test_a_huge_limit_is_a_422_and_a_huge_version_never_matches(clinic: Clinic) -> None:
    assert_problem(clinic.staff.get(f"/v1/patients?limit={2**64}"), 422, "validation-error")
    room = make_room(clinic)
    url = f"/v1/rooms/{room['id']}"
    huge = clinic.admin.patch(url, json={"capacity": 12}, headers={"If-Match": f'"{10**30}"'})
    assert_problem(huge, 412, "precondition-failed")
    unquoted = clinic.admin.patch(url, json={"capacity": 12}, headers={"If-Match": "1"})
    assert_problem(unquoted, 422, "validation-error")
    assert field_codes(unquoted) == {"header.if-match": "string_pattern_mismatch"}


@pytest.mark.parametrize(
    ("capacity", "code"),
    [
        (2**40, "less_than_equal"),
        ("16", "number_type"),
        (True, "number_type"),
        (1.5, "int_from_float"),
    ],
)
def test_a_number_is_a_json_number_within_its_bounds(
    clinic: Clinic, capacity: object, code: str
) -> None:
    response = clinic.admin.post("/v1/rooms", json={"name": "Room C", "capacity": capacity})
    assert_problem(response, 422, "validation-error")
    assert field_codes(response) == {"capacity": code}


def test_a_boolean_is_a_json_boolean(clinic: Clinic) -> None:
    response = clinic.staff.post("/v1/patients", json=PATIENT | {"is_veteran": 0})
    assert_problem(response, 422, "validation-error")
    assert field_codes(response) == {"is_veteran": "bool_type"}


def test_nan_is_not_a_number_a_setting_accepts(clinic: Clinic) -> None:
    program = make_program(clinic)
    response = clinic.admin.put(
        f"/v1/programs/{program['id']}/settings",
        content=b'{"min_weekly_hours": NaN}',
        headers={"content-type": "application/json"},
    )
    assert_problem(response, 422, "validation-error")
    assert field_codes(response) == {"min_weekly_hours": "finite_number"}


# Dates and times: ISO 8601 text only, on a plausible calendar


@pytest.mark.parametrize(
    ("date_of_birth", "code"),
    [
        (0, "date_format"),  # was read as 1970-01-01
        (631152000, "date_format"),
        ("631152000", "date_format"),
        ("0001-01-01", "date_out_of_range"),
        ("1899-12-31", "date_out_of_range"),
    ],
)
def test_a_date_of_birth_is_a_plausible_date_written_as_text(
    clinic: Clinic, date_of_birth: object, code: str
) -> None:
    response = clinic.staff.post("/v1/patients", json=PATIENT | {"date_of_birth": date_of_birth})
    assert_problem(response, 422, "validation-error")
    assert field_codes(response) == {"date_of_birth": code}


def test_no_eligibility_answer_is_computed_from_a_date_of_birth_in_year_one(
    clinic: Clinic,
) -> None:
    response = clinic.staff.post(
        "/v1/eligibility/evaluations", json={"date_of_birth": "0001-01-01"}
    )
    assert_problem(response, 422, "validation-error")
    assert field_codes(response) == {"date_of_birth": "date_out_of_range"}


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/v1/patients?date_of_birth=0", "query.date_of_birth"),
        ("/v1/appointments?date=1700000000", "query.date"),
        ("/v1/audit-events?since=0.5", "query.since"),
        ("/v1/audit-events?until=2026-03-02T10:00:00", "query.until"),  # no UTC offset
    ],
)
def test_dates_in_a_query_are_iso_text(clinic: Clinic, path: str, field: str) -> None:
    response = clinic.admin.get(path)
    assert_problem(response, 422, "validation-error")
    assert list(field_codes(response)) == [field]


@pytest.mark.parametrize(
    ("expires_at", "code"),
    [
        ("2026-03-02T14:59:59Z", "in_the_past"),  # the test clock reads 15:00 UTC
        ("2026-03-02T15:00:00Z", "in_the_past"),
        ("2026-04-01T00:00:00", "datetime_format"),  # which zone?
        (1800000000, "datetime_format"),
    ],
)
def test_an_api_key_cannot_be_created_expired_or_with_an_ambiguous_expiry(
    clinic: Clinic, expires_at: object, code: str
) -> None:
    body = {"name": "tablet", "role": "staff", "expires_at": expires_at}
    response = clinic.admin.post("/v1/api-keys", json=body)
    assert_problem(response, 422, "validation-error")
    assert field_codes(response) == {"expires_at": code}


def test_an_api_key_that_expires_later_is_issued(clinic: Clinic) -> None:
    body = {"name": "tablet", "role": "staff", "expires_at": "2026-03-02T17:00:00+01:00"}
    response = clinic.admin.post("/v1/api-keys", json=body)
    assert response.status_code == 201, response.text
    expires_at = datetime.fromisoformat(response.json()["expires_at"])
    assert expires_at == datetime(2026, 3, 2, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize("opens", ["09:00+05:00", "09:00Z", "09:00:30", "9:00", 32400])
def test_opening_hours_are_local_wall_clock_times(clinic: Clinic, opens: object) -> None:
    hours = {"monday": {"opens": opens, "closes": "13:00"}}
    response = clinic.admin.post(
        "/v1/programs",
        json={"name": "Day", "track": "day", "time_zone": "UTC", "operating_hours": hours},
    )
    assert_problem(response, 422, "validation-error")
    assert field_codes(response) == {"operating_hours.monday.opens": "local_time_format"}


def test_local_times_are_served_in_the_form_the_schema_declares(
    app: FastAPI, clinic: Clinic
) -> None:
    hours = {"monday": {"opens": "09:00:00", "closes": "13:30"}}
    program = make_program(clinic, operating_hours=hours)
    assert program["operating_hours"] == {"monday": {"opens": "09:00", "closes": "13:30"}}
    declared = app.openapi()["components"]["schemas"]["DayHours"]["properties"]["opens"]
    assert declared["pattern"] == LOCAL_TIME_PATTERN
    assert "format" not in declared  # RFC 3339 `time` would demand a UTC offset
    assert re.fullmatch(LOCAL_TIME_PATTERN, program["operating_hours"]["monday"]["closes"])
