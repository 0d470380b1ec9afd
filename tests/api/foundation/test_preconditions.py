"""A change of a versioned record needs If-Match with the ETag read: 428 without it, 412 for any
other entity-tag (weak ones included: If-Match compares strongly), decided after the caller is
authorized and the record found."""

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

from tests.api.admissions.test_admissions import APPROVAL
from tests.factories import (
    Clinic,
    make_admission,
    make_patient,
    make_program,
    make_room,
    make_staff,
)

# PUT, PATCH and DELETE routes of `/v1` that change no versioned record the client read:
# attendance is recorded or corrected with its history kept (nothing is overwritten), a key
# is revoked at once in an emergency, and a member leaves a group by patient, not by version.
WITHOUT_IF_MATCH = {
    ("PUT", "/v1/appointments/{appointment_id}/attendance"),
    ("PUT", "/v1/groups/{group_id}/meetings/{date}/attendance"),
    ("DELETE", "/v1/api-keys/{key_id}"),
    ("DELETE", "/v1/groups/{group_id}/members/{patient_id}"),
}


def changes(app: FastAPI) -> list[tuple[str, str]]:
    found = sorted(
        (method, context.path or "")
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute) and (context.path or "").startswith("/v1/")
        for method in context.methods or ()
        if method in {"PUT", "PATCH", "DELETE"}
    )
    assert len(found) > 15
    return found


def test_every_change_of_a_versioned_record_requires_if_match_in_the_document(
    app: FastAPI,
) -> None:
    document = app.openapi()["paths"]
    for method, path in changes(app):
        if (method, path) in WITHOUT_IF_MATCH:
            continue
        operation = document[path.replace(":uuid", "")][method.lower()]
        headers = {p["name"]: p for p in operation["parameters"] if p["in"] == "header"}
        assert headers["if-match"]["required"], (method, path)
        assert {"412", "428"} <= set(operation["responses"]), (method, path)


def versioned_records(clinic: Clinic) -> list[tuple[str, str, dict[str, Any] | None]]:
    """One record behind each kind of versioned change: (method, url, body)."""
    program = make_program(clinic)
    staff, room = make_staff(clinic), make_room(clinic)
    patient = clinic.staff.post(
        "/v1/patients",
        json={"given_name": "Alex", "family_name": "Rivera", "date_of_birth": "1990-05-17"},
    ).json()
    hook = clinic.admin.post(
        "/v1/webhook-subscriptions",
        json={"url": "https://hooks.example.org/iop", "event_types": ["patient.changed"]},
    ).json()
    return [
        ("PATCH", f"/v1/programs/{program['id']}", {"name": "Evening IOP II"}),
        ("PATCH", f"/v1/staff/{staff['id']}", {"name": "Dana W."}),
        ("PATCH", f"/v1/rooms/{room['id']}", {"capacity": 12}),
        ("PATCH", f"/v1/patients/{patient['id']}", {"family_name": "Moreno"}),
        (
            "PATCH",
            f"/v1/webhook-subscriptions/{hook['id']}",
            {"url": "https://hooks.example.org/b"},
        ),
        ("DELETE", f"/v1/webhook-subscriptions/{hook['id']}", None),
        ("DELETE", f"/v1/patients/{patient['id']}", None),
    ]


def test_a_change_without_if_match_is_428_and_changes_nothing(clinic: Clinic) -> None:
    for method, url, body in versioned_records(clinic):
        response = clinic.admin.request(method, url, json=body)
        assert response.status_code == 428, (method, url, response.text)
        assert response.json()["type"].endswith("/precondition-required")
        assert clinic.admin.get(url).headers["ETag"] == '"1"', url


@pytest.mark.parametrize("tag", ['W/"1"', '"2"', '"abc"', '"1-a", W/"1"'])
def test_any_entity_tag_but_the_current_strong_one_is_412(clinic: Clinic, tag: str) -> None:
    url = f"/v1/rooms/{make_room(clinic)['id']}"
    response = clinic.admin.patch(url, json={"capacity": 12}, headers={"If-Match": tag})
    assert response.status_code == 412
    assert response.json()["type"].endswith("/precondition-failed")


@pytest.mark.parametrize("tag", ['"1"', '"7", "1"', "*"])
def test_the_current_tag_in_a_list_or_a_star_matches(clinic: Clinic, tag: str) -> None:
    url = f"/v1/rooms/{make_room(clinic)['id']}"
    response = clinic.admin.patch(url, json={"capacity": 12}, headers={"If-Match": tag})
    assert response.status_code == 200
    assert response.headers["ETag"] == '"2"'


def test_a_missing_record_is_404_and_a_forbidden_change_403_before_if_match(
    clinic: Clinic, other_clinic: Clinic
) -> None:
    url = f"/v1/rooms/{make_room(clinic)['id']}"
    assert other_clinic.admin.patch(url, json={"capacity": 12}).status_code == 404
    assert clinic.clinician.patch(url, json={"capacity": 12}).status_code == 403


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("approve", APPROVAL),
        ("cancel", {"reason": "Chose another program"}),
        ("hold", {"reason": "Inpatient stay"}),
    ],
)
def test_an_admission_transition_without_if_match_is_428(
    app: FastAPI, clinic: Clinic, action: str, body: dict[str, Any]
) -> None:
    program = make_program(clinic)
    patient_id = make_patient(app, clinic)
    status = "pending" if action == "approve" else "approved"
    admission_id = make_admission(
        app, clinic, patient_id=patient_id, program_id=program["id"], status=status
    )
    url = f"/v1/admissions/{admission_id}"
    response = clinic.clinician.post(f"{url}/{action}", json=body)
    assert response.status_code == 428, response.text
    assert clinic.clinician.get(url).json()["status"] == status
