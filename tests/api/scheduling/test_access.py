"""Who may read and change schedules, across organizations, and the audit trail they leave."""

from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from app.audit.models import AuditEvent
from tests.factories import Clinic, make_room, make_staff

from .factories import Admitted, admit, make_track, plan_body


@pytest.fixture
def planned(app: FastAPI, clinic: Clinic) -> dict[str, Any]:
    program = make_track(clinic)
    staff = make_staff(clinic)
    patient = admit(app, clinic, program)
    body = plan_body(weeks=1, staff_id=staff["id"], room_id=make_room(clinic)["id"])
    saved = clinic.staff.post(f"/v1/admissions/{patient.admission_id}/treatment-plan", json=body)
    assert saved.status_code == 201, saved.text
    appointments = clinic.staff.get(f"/v1/patients/{patient.patient_id}/appointments").json()
    return {
        "program": program,
        "staff": staff,
        "patient": patient,
        "body": body,
        "appointment_id": appointments["items"][0]["id"],
    }


def routes(planned: dict[str, Any]) -> list[tuple[str, str, dict[str, Any] | None]]:
    patient: Admitted = planned["patient"]
    appointment = f"/v1/appointments/{planned['appointment_id']}"
    return [
        ("GET", f"/v1/admissions/{patient.admission_id}/treatment-plan", None),
        ("GET", f"/v1/admissions/{patient.admission_id}/treatment-plans", None),
        ("POST", f"/v1/admissions/{patient.admission_id}/treatment-plan", planned["body"]),
        ("POST", "/v1/treatment-plans/validate",
         planned["body"] | {"admission_id": str(patient.admission_id)}),
        ("POST", "/v1/treatment-plans/validate",
         planned["body"] | {"program_id": planned["program"]["id"]}),
        ("GET", f"/v1/patients/{patient.patient_id}/appointments", None),
        ("GET", f"/v1/patients/{patient.patient_id}/calendar.ics", None),
        ("GET", f"/v1/staff/{planned['staff']['id']}/calendar.ics", None),
        ("GET", appointment, None),
        ("PATCH", appointment, {"status": "cancelled", "cancel_reason": "clinic"}),
    ]  # fmt: skip


def test_another_organization_sees_none_of_it(
    other_clinic: Clinic, planned: dict[str, Any]
) -> None:
    for method, url, body in routes(planned):
        response = other_clinic.admin.request(method, url, json=body)
        assert response.status_code == 404, (method, url, response.text)
    day_sheet = other_clinic.admin.get("/v1/appointments", params={"date": "2026-03-02"})
    assert day_sheet.json()["total"] == 0


def test_another_organizations_staff_cannot_be_planned(
    app: FastAPI, clinic: Clinic, other_clinic: Clinic, planned: dict[str, Any]
) -> None:
    theirs = make_staff(other_clinic)["id"]
    patient = admit(app, clinic, planned["program"])

    response = clinic.staff.post(
        f"/v1/admissions/{patient.admission_id}/treatment-plan",
        json=plan_body(staff_id=theirs, modality="telehealth"),
    )

    assert response.status_code == 422
    assert {(e["field"], e["code"]) for e in response.json()["errors"]} == {
        (f"sessions[{index}].staff_id", "not_found") for index in range(3)
    }


def test_a_payer_partner_sees_no_schedule(clinic: Clinic, planned: dict[str, Any]) -> None:
    for method, url, body in routes(planned):
        assert clinic.payer.request(method, url, json=body).status_code == 403, (method, url)


def test_an_ehr_integration_reads_the_schedule_but_does_not_change_it(
    clinic: Clinic, planned: dict[str, Any]
) -> None:
    for method, url, body in routes(planned):
        writes = method in ("POST", "PATCH") and not url.endswith("/validate")
        expected = 403 if writes else 200
        assert clinic.ehr.request(method, url, json=body).status_code == expected, (method, url)


def audit_trail(app: FastAPI) -> set[tuple[str, str]]:
    return {(access["action"], access["resource_type"]) for access in accesses(app)}


def accesses(app: FastAPI) -> list[dict[str, Any]]:
    with app.state.sessionmaker() as session:
        events = session.scalars(select(AuditEvent)).all()
        return [access for event in events for access in event.accesses]


def test_every_read_and_change_of_plans_and_appointments_is_audited(
    app: FastAPI, clinic: Clinic, planned: dict[str, Any]
) -> None:
    for method, url, body in routes(planned):
        clinic.staff.request(method, url, json=body, headers={"If-Match": "*"})
    patient: Admitted = planned["patient"]

    assert audit_trail(app) >= {
        ("create", "treatment_plan"),
        ("update", "treatment_plan"),
        ("read", "treatment_plan"),
        ("list", "treatment_plan"),
        ("create", "appointment"),
        ("list", "appointment"),
        ("read", "appointment"),
        ("transition", "appointment"),
        ("read", "admission"),
    }
    assert {access["patient_id"] for access in accesses(app)} == {str(patient.patient_id)}
