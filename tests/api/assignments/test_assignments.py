"""Home assignments: given, listed by status, updated under If-Match and completed once, with
who and when; audited, scoped and role-checked."""

import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi import FastAPI

from app.security import Role
from tests.api.scheduling.factories import Admitted, admit, make_track
from tests.conftest import FixedClock
from tests.factories import Clinic, audited, if_match

READING = {"kind": "reading", "title": "Chapter 3: triggers", "due_on": "2026-03-09"}
EXERCISE = {"kind": "exercise", "title": "Craving log", "due_on": "2026-03-06"}


def patient_of(app: FastAPI, clinic: Clinic, **admission: Any) -> Admitted:
    fields = {"status": "active", "started_on": date(2026, 3, 2)} | admission
    return admit(app, clinic, make_track(clinic), **fields)


def assign(clinic: Clinic, patient: Admitted, body: dict[str, Any]) -> dict[str, Any]:
    response = clinic.staff.post(f"/v1/admissions/{patient.admission_id}/assignments", json=body)
    assert response.status_code == 201, response.text
    assert response.headers["ETag"] == '"1"'
    return response.json()  # type: ignore[no-any-return]


def listed(clinic: Clinic, patient: Admitted, **params: str) -> list[dict[str, Any]]:
    url = f"/v1/admissions/{patient.admission_id}/assignments"
    response = clinic.staff.get(url, params=params)
    assert response.status_code == 200, response.text
    return response.json()["items"]  # type: ignore[no-any-return]


def test_assignments_list_by_due_date_and_filter_by_status_and_kind(
    app: FastAPI, clinic: Clinic, clock: FixedClock
) -> None:
    patient = patient_of(app, clinic)
    reading = assign(clinic, patient, READING)
    exercise = assign(clinic, patient, EXERCISE)
    clock.now = datetime(2026, 3, 6, 18, 0, tzinfo=UTC)
    url = f"/v1/admissions/{patient.admission_id}/assignments/{exercise['id']}/complete"
    done = clinic.clinician.post(
        url, json={"note": "Went over it in group."}, headers=if_match(clinic.clinician, url)
    )

    assert done.status_code == 200, done.text
    assert done.json()["status"] == "completed"
    assert done.json()["completed_at"] == "2026-03-06T18:00:00Z"
    assert done.json()["completed_by_key_id"] is not None
    assert [a["id"] for a in listed(clinic, patient)] == [exercise["id"], reading["id"]]
    assert [a["id"] for a in listed(clinic, patient, status="assigned")] == [reading["id"]]
    assert [a["id"] for a in listed(clinic, patient, status="completed")] == [exercise["id"]]
    assert [a["id"] for a in listed(clinic, patient, kind="reading")] == [reading["id"]]


def test_an_assignment_is_completed_only_once(app: FastAPI, clinic: Clinic) -> None:
    patient = patient_of(app, clinic)
    assignment = assign(clinic, patient, READING)
    url = f"/v1/admissions/{patient.admission_id}/assignments/{assignment['id']}/complete"
    assert clinic.staff.post(url, json={}, headers=if_match(clinic.staff, url)).status_code == 200

    again = clinic.staff.post(url, json={}, headers=if_match(clinic.staff, url))

    assert again.status_code == 409
    assert again.json()["type"].endswith("invalid-transition")


def test_an_update_applies_only_to_the_version_read(app: FastAPI, clinic: Clinic) -> None:
    patient = patient_of(app, clinic)
    assignment = assign(clinic, patient, READING)
    url = f"/v1/admissions/{patient.admission_id}/assignments/{assignment['id']}"

    moved = clinic.staff.patch(url, json={"due_on": "2026-03-11"}, headers={"If-Match": '"1"'})
    stale = clinic.staff.patch(url, json={"title": "Other"}, headers={"If-Match": '"1"'})
    cleared_null = clinic.staff.patch(url, json={"title": None})
    read = clinic.staff.get(url)

    assert moved.status_code == 200, moved.text
    assert moved.headers["ETag"] == '"2"'
    assert stale.status_code == 412
    assert cleared_null.status_code == 422
    assert read.json()["due_on"] == "2026-03-11"
    assert read.json()["title"] == READING["title"]
    assert read.headers["ETag"] == '"2"'


@pytest.mark.parametrize(
    "body",
    [
        READING | {"kind": "podcast"},
        READING | {"title": ""},
        {"kind": "video", "title": "Relapse prevention"},  # no due date
        READING | {"due_on": "9 March"},
    ],
)
def test_a_malformed_assignment_is_a_422(
    app: FastAPI, clinic: Clinic, body: dict[str, Any]
) -> None:
    patient = patient_of(app, clinic)
    url = f"/v1/admissions/{patient.admission_id}/assignments"

    assert clinic.staff.post(url, json=body).status_code == 422
    assert listed(clinic, patient) == []


def test_nothing_more_is_assigned_on_a_closed_admission(app: FastAPI, clinic: Clinic) -> None:
    patient = patient_of(app, clinic, status="discharged")
    url = f"/v1/admissions/{patient.admission_id}/assignments"

    response = clinic.staff.post(url, json=READING)

    assert response.status_code == 409
    assert response.json()["type"].endswith("admission-closed")


def test_assignments_are_audited(app: FastAPI, clinic: Clinic) -> None:
    patient = patient_of(app, clinic)
    assignment = assign(clinic, patient, READING)
    clinic.ehr.get(f"/v1/admissions/{patient.admission_id}/assignments/{assignment['id']}")
    listed(clinic, patient)

    accesses = audited(clinic, patient_id=str(patient.patient_id))

    actions = [a["action"] for a in accesses if a["resource_type"] == "home_assignment"]
    assert sorted(actions) == ["create", "list", "read"]


@pytest.mark.parametrize(
    ("role", "writes", "reads"),
    [("ehr", 403, 200), ("payer", 403, 403), ("clinician", 201, 200), ("admin", 201, 200)],
)
def test_who_may_give_and_read_assignments(
    app: FastAPI, clinic: Clinic, role: str, writes: int, reads: int
) -> None:
    patient = patient_of(app, clinic)
    url = f"/v1/admissions/{patient.admission_id}/assignments"
    client = clinic.as_role(Role(role))

    assert client.post(url, json=READING).status_code == writes
    assert client.get(url).status_code == reads


def test_another_clinic_cannot_reach_an_assignment(
    app: FastAPI, clinic: Clinic, other_clinic: Clinic
) -> None:
    patient = patient_of(app, clinic)
    assignment = assign(clinic, patient, READING)
    url = f"/v1/admissions/{patient.admission_id}/assignments/{assignment['id']}"
    elsewhere = patient_of(app, clinic)

    assert other_clinic.staff.get(url).status_code == 404
    assert other_clinic.staff.patch(url, json={"title": "Mine"}).status_code == 404
    assert other_clinic.staff.post(url + "/complete", json={}).status_code == 404
    wrong_admission = f"/v1/admissions/{elsewhere.admission_id}/assignments/{assignment['id']}"
    assert clinic.staff.get(wrong_admission).status_code == 404
    assert clinic.staff.get(f"/v1/admissions/{uuid.uuid4()}/assignments").status_code == 404
