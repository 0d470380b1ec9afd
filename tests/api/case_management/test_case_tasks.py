"""Case-management tasks: an owner of the clinic's staff, a due date and a status that ends in
done or cancelled; listed with filters, updated under If-Match, audited, and kept from payers
and from other clinics."""

import uuid
from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI

from app.security import Role
from tests.api.scheduling.factories import Admitted, admit, make_track
from tests.factories import Clinic, audited, if_match, make_staff


def patient_of(app: FastAPI, clinic: Clinic, **admission: Any) -> Admitted:
    fields = {"status": "active", "started_on": date(2026, 3, 2)} | admission
    return admit(app, clinic, make_track(clinic), **fields)


def task_body(owner: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    return {
        "category": "insurance",
        "title": "Ask the payer to extend the authorization",
        "owner_staff_id": owner["id"],
        "due_on": "2026-03-13",
    } | overrides


def open_task(clinic: Clinic, patient: Admitted, body: dict[str, Any]) -> dict[str, Any]:
    url = f"/v1/admissions/{patient.admission_id}/case-tasks"
    response = clinic.staff.post(url, json=body)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def listed(clinic: Clinic, patient: Admitted, **params: str) -> list[str]:
    url = f"/v1/admissions/{patient.admission_id}/case-tasks"
    response = clinic.staff.get(url, params=params)
    assert response.status_code == 200, response.text
    return [task["title"] for task in response.json()["items"]]


def test_tasks_list_due_first_and_filter_by_status_category_owner_and_due_date(
    app: FastAPI, clinic: Clinic
) -> None:
    patient = patient_of(app, clinic)
    dana, lee = make_staff(clinic), make_staff(clinic, name="Lee Park")
    open_task(clinic, patient, task_body(dana, title="Court letter", category="legal"))
    housing = task_body(lee, title="Sober housing", category="housing", due_on=None)
    open_task(clinic, patient, housing | {"status": "in_progress"})
    open_task(clinic, patient, task_body(dana, title="Insurer call", due_on="2026-03-05"))

    assert listed(clinic, patient) == ["Insurer call", "Court letter", "Sober housing"]
    assert listed(clinic, patient, status="in_progress") == ["Sober housing"]
    assert listed(clinic, patient, category="legal") == ["Court letter"]
    assert listed(clinic, patient, owner_staff_id=dana["id"]) == ["Insurer call", "Court letter"]
    assert listed(clinic, patient, due_by="2026-03-06") == ["Insurer call"]


def test_a_task_is_done_with_who_and_when_and_then_kept_as_it_was(
    app: FastAPI, clinic: Clinic
) -> None:
    patient = patient_of(app, clinic)
    task = open_task(clinic, patient, task_body(make_staff(clinic)))
    url = f"/v1/admissions/{patient.admission_id}/case-tasks/{task['id']}"

    started = clinic.staff.patch(url, json={"status": "in_progress"}, headers={"If-Match": '"1"'})
    done = clinic.staff.patch(url, json={"status": "done"}, headers={"If-Match": '"2"'})
    reopened = clinic.staff.patch(url, json={"status": "open"}, headers={"If-Match": '"3"'})
    edited = clinic.staff.patch(url, json={"title": "Something else"}, headers={"If-Match": '"3"'})

    assert started.status_code == 200, started.text
    assert done.status_code == 200, done.text
    assert done.json()["closed_at"] == "2026-03-02T15:00:00Z"
    assert done.json()["closed_by_key_id"] is not None
    assert done.headers["ETag"] == '"3"'
    assert reopened.status_code == 409
    assert edited.status_code == 409
    assert clinic.staff.get(url).json()["status"] == "done"


def test_an_update_of_an_older_version_is_refused(app: FastAPI, clinic: Clinic) -> None:
    patient = patient_of(app, clinic)
    owner, other = make_staff(clinic), make_staff(clinic, name="Lee Park")
    task = open_task(clinic, patient, task_body(owner))
    url = f"/v1/admissions/{patient.admission_id}/case-tasks/{task['id']}"

    moved = clinic.staff.patch(
        url, json={"owner_staff_id": other["id"], "due_on": None}, headers={"If-Match": '"1"'}
    )
    stale = clinic.staff.patch(url, json={"status": "cancelled"}, headers={"If-Match": '"1"'})

    assert moved.status_code == 200, moved.text
    assert (moved.json()["owner_staff_id"], moved.json()["due_on"]) == (other["id"], None)
    assert stale.status_code == 412
    assert clinic.staff.get(url).json()["status"] == "open"


def test_the_owner_must_be_an_active_staff_member_of_the_clinic(
    app: FastAPI, clinic: Clinic, other_clinic: Clinic
) -> None:
    patient = patient_of(app, clinic)
    theirs = make_staff(other_clinic)
    gone = make_staff(clinic, name="Former Counselor")
    staff_url = f"/v1/staff/{gone['id']}"
    deactivated = clinic.admin.patch(
        staff_url, json={"is_active": False}, headers=if_match(clinic.admin, staff_url)
    )
    assert deactivated.status_code == 200, deactivated.text
    url = f"/v1/admissions/{patient.admission_id}/case-tasks"

    codes = []
    for owner in (theirs, gone, {"id": str(uuid.uuid4())}):
        response = clinic.staff.post(url, json=task_body(owner))
        assert response.status_code == 422, response.text
        [error] = response.json()["errors"]
        codes.append((error["field"], error["code"]))

    assert codes == [
        ("owner_staff_id", "unknown_staff"),
        ("owner_staff_id", "inactive_staff"),
        ("owner_staff_id", "unknown_staff"),
    ]
    assert listed(clinic, patient) == []


@pytest.mark.parametrize(
    "change",
    [{"category": "spiritual"}, {"status": "waiting"}, {"title": ""}, {"owner_staff_id": None}],
)
def test_a_malformed_task_is_a_422(app: FastAPI, clinic: Clinic, change: dict[str, Any]) -> None:
    patient = patient_of(app, clinic)
    url = f"/v1/admissions/{patient.admission_id}/case-tasks"

    assert clinic.staff.post(url, json=task_body(make_staff(clinic)) | change).status_code == 422


def test_no_new_task_on_a_closed_admission(app: FastAPI, clinic: Clinic) -> None:
    patient = patient_of(app, clinic, status="cancelled", started_on=None)
    url = f"/v1/admissions/{patient.admission_id}/case-tasks"

    response = clinic.staff.post(url, json=task_body(make_staff(clinic)))

    assert response.status_code == 409
    assert response.json()["type"].endswith("admission-closed")


def test_case_tasks_are_audited(app: FastAPI, clinic: Clinic) -> None:
    patient = patient_of(app, clinic)
    task = open_task(clinic, patient, task_body(make_staff(clinic)))
    url = f"/v1/admissions/{patient.admission_id}/case-tasks/{task['id']}"
    clinic.staff.get(url)
    clinic.staff.patch(url, json={"status": "in_progress"}, headers={"If-Match": '"1"'})
    listed(clinic, patient)

    accesses = audited(clinic, patient_id=str(patient.patient_id))

    actions = [a["action"] for a in accesses if a["resource_type"] == "case_task"]
    assert sorted(actions) == ["create", "list", "read", "update"]


@pytest.mark.parametrize(
    ("role", "writes", "reads"),
    [("payer", 403, 403), ("ehr", 403, 200), ("clinician", 201, 200), ("admin", 201, 200)],
)
def test_payers_never_see_case_tasks(
    app: FastAPI, clinic: Clinic, role: str, writes: int, reads: int
) -> None:
    patient = patient_of(app, clinic)
    task = open_task(clinic, patient, task_body(make_staff(clinic)))
    url = f"/v1/admissions/{patient.admission_id}/case-tasks"
    client = clinic.as_role(Role(role))

    assert client.post(url, json=task_body(make_staff(clinic))).status_code == writes
    assert client.get(url).status_code == reads
    assert client.get(f"{url}/{task['id']}").status_code == reads


def test_another_clinic_cannot_reach_a_case_task(
    app: FastAPI, clinic: Clinic, other_clinic: Clinic
) -> None:
    patient = patient_of(app, clinic)
    task = open_task(clinic, patient, task_body(make_staff(clinic)))
    url = f"/v1/admissions/{patient.admission_id}/case-tasks"

    assert other_clinic.staff.get(url).status_code == 404
    assert other_clinic.staff.get(f"{url}/{task['id']}").status_code == 404
    assert (
        other_clinic.staff.patch(f"{url}/{task['id']}", json={"status": "done"}).status_code == 404
    )
    assert other_clinic.staff.post(url, json=task_body(make_staff(other_clinic))).status_code == 404
