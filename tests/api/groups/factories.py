"""Groups and admitted patients for the group tests."""

import uuid
from datetime import date
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.factories import (
    Clinic,
    json_object,
    make_admission,
    make_patient,
    make_room,
    make_staff,
)


def post_group(clinic: Clinic, program: dict[str, Any], **overrides: object) -> Any:
    """Ask to set up a group: Monday and Wednesday 18:00–19:30, with its own facilitator and
    room unless given (so groups of one test never share a facilitator's evening)."""
    body: dict[str, Any] = {
        "program_id": program["id"],
        "name": "Evening process group",
        "topic": "process",
        "weekdays": ["monday", "wednesday"],
        "start_time": "18:00",
        "duration_minutes": 90,
    } | overrides
    if "facilitator_id" not in body:
        body["facilitator_id"] = make_staff(clinic)["id"]
    if "room_id" not in body and body.get("modality") != "telehealth":
        body["room_id"] = make_room(clinic)["id"]
    return clinic.staff.post("/v1/groups", json=body)


def make_group(clinic: Clinic, program: dict[str, Any], **overrides: object) -> dict[str, Any]:
    response = post_group(clinic, program, **overrides)
    assert response.status_code == 201, response.text
    return json_object(response)


def admitted_patient(
    app: FastAPI,
    clinic: Clinic,
    program: dict[str, Any],
    *,
    admission_status: str = "approved",
    **patient: object,
) -> uuid.UUID:
    """A patient with an admission to `program` (approved unless said otherwise)."""
    patient_id = make_patient(app, clinic, **patient)
    make_admission(
        app, clinic, patient_id=patient_id, program_id=program["id"], status=admission_status
    )
    return patient_id


def born_years_before(years: int, today: date = date(2026, 3, 2)) -> date:
    """A date of birth making the patient `years` old on `today` (the test clock's date)."""
    return today.replace(year=today.year - years)


def join(
    client: TestClient, group: dict[str, Any], patient_id: uuid.UUID, *, waitlist: bool = False
) -> Any:
    return client.post(
        f"/v1/groups/{group['id']}/members",
        json={"patient_id": str(patient_id), "waitlist_if_full": waitlist},
    )


def leave(client: TestClient, group: dict[str, Any], patient_id: uuid.UUID) -> Any:
    return client.delete(
        f"/v1/groups/{group['id']}/members/{patient_id}", params={"reason": "Stepped down"}
    )


def make_plan(clinic: Clinic, admission_id: uuid.UUID, sessions: list[dict[str, Any]]) -> None:
    """A twelve-week treatment plan from the test clock's Monday."""
    response = clinic.staff.post(
        f"/v1/admissions/{admission_id}/treatment-plan",
        json={"start_date": "2026-03-02", "weeks": 12, "sessions": sessions},
    )
    assert response.status_code == 201, response.text


def planned_group_ids(clinic: Clinic, admission_id: uuid.UUID) -> list[str]:
    """The groups whose meetings the admission's current plan holds, one entry per meeting."""
    response = clinic.staff.get(f"/v1/admissions/{admission_id}/treatment-plan")
    assert response.status_code == 200, response.text
    sessions = response.json()["sessions"]
    return sorted(s["group_id"] for s in sessions if s["group_id"] is not None)
