"""Payers' prior authorizations: recorded on the admission of a patient the payer was asked to
verify, extended by concurrent reviews, and the terms scheduling and attendance count against."""

import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from app.events.models import DomainEventRecord
from app.security import Role
from app.webhooks.catalog import payload
from tests.api.attendance.factories import on, planned_patient
from tests.api.coverages.test_coverages import add_coverage
from tests.api.scheduling.factories import Admitted, admit, make_track, plan_body
from tests.conftest import FixedClock
from tests.factories import Clinic, audited, client_for, if_match, make_key

PAYER = "60054"
CLINICIAN_TERMS: dict[str, Any] = {
    "authorized_days": 2,
    "authorization_starts_on": date(2026, 3, 2),
    "authorization_ends_on": date(2026, 3, 20),
    "next_review_on": date(2026, 3, 16),
}
INITIAL = {
    "kind": "initial", "decision": "approved", "reference_number": "PA-0117",
    "authorized_days": 4, "starts_on": "2026-03-02", "ends_on": "2026-03-31",
    "next_review_on": "2026-03-16",
}  # fmt: skip
REVIEW = {
    "kind": "concurrent_review", "decision": "approved", "reference_number": "PA-0117-R1",
    "authorized_days": 10, "ends_on": "2026-04-30", "next_review_on": "2026-04-13",
}  # fmt: skip


@pytest.fixture
def payer(app: FastAPI, clinic: Clinic) -> TestClient:
    return client_for(app, make_key(app, clinic.organization_id, Role.payer, payer_id=PAYER))


def verification_for(clinic: Clinic, patient: Admitted, **coverage: Any) -> dict[str, Any]:
    """Staff ask the patient's payer to verify a coverage: the payer now reaches the patient."""
    added = add_coverage(clinic, patient.patient_id, **coverage)
    body = {"patient_id": str(patient.patient_id), "coverage_id": added["id"]}
    response = clinic.staff.post("/v1/insurance-verifications", json=body)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def record(payer: TestClient, patient: Admitted, body: dict[str, Any]) -> Any:
    return payer.post(f"/v1/admissions/{patient.admission_id}/authorizations", json=body)


def summary_of(clinic: Clinic, patient: Admitted) -> dict[str, Any]:
    response = clinic.staff.get(f"/v1/admissions/{patient.admission_id}/attendance-summary")
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_an_authorization_extended_by_concurrent_review_is_what_attendance_counts(
    app: FastAPI, clinic: Clinic, payer: TestClient, clock: FixedClock
) -> None:
    patient, _program = planned_patient(app, clinic, **CLINICIAN_TERMS)
    verification_for(clinic, patient)
    clock.now = datetime(2026, 3, 6, 14, 0, tzinfo=UTC)
    for day in ("2026-03-02", "2026-03-04"):
        url = f"/v1/appointments/{on(clinic, patient, day)['id']}/attendance"
        assert clinic.staff.put(url, json={"status": "present"}).status_code == 200
    assert summary_of(clinic, patient)["authorized_days_left"] == 0  # the clinician's 2 days

    initial = record(payer, patient, INITIAL)
    assert initial.status_code == 201, initial.text
    assert summary_of(clinic, patient)["authorized_days_left"] == 2

    review = record(payer, patient, REVIEW)
    assert review.status_code == 201, review.text
    assert review.json()["extends_id"] == initial.json()["id"]
    assert summary_of(clinic, patient)["authorized_days_left"] == 8
    admission = clinic.staff.get(f"/v1/admissions/{patient.admission_id}").json()
    assert admission["authorization"] == {
        "authorized_days": 10, "starts_on": "2026-03-02", "ends_on": "2026-04-30",
        "next_review_on": "2026-04-13", "reference_number": "PA-0117-R1",
    }  # fmt: skip

    denied = {
        "kind": "concurrent_review", "decision": "denied", "reference_number": "PA-0117-R2",
        "denial_reason": "Continued stay criteria not met.",
    }  # fmt: skip
    assert record(payer, patient, denied).status_code == 201
    history = clinic.staff.get(f"/v1/admissions/{patient.admission_id}/authorizations").json()
    assert [(h["reference_number"], h["decision"], h["is_in_force"]) for h in history] == [
        ("PA-0117", "approved", False),
        ("PA-0117-R1", "approved", True),
        ("PA-0117-R2", "denied", False),
    ]
    assert summary_of(clinic, patient)["authorized_days_left"] == 8  # a denial changes nothing


def test_a_concurrent_review_never_shrinks_the_authorization(
    app: FastAPI, clinic: Clinic, payer: TestClient
) -> None:
    patient = admit(app, clinic, make_track(clinic), **CLINICIAN_TERMS)
    verification_for(clinic, patient)
    early = record(payer, patient, REVIEW)
    assert early.status_code == 409
    assert early.json()["type"].endswith("/no-authorization-to-extend")
    assert record(payer, patient, INITIAL).status_code == 201

    shrinking = record(payer, patient, REVIEW | {"authorized_days": 3, "ends_on": "2026-03-20",
                                                 "next_review_on": None})  # fmt: skip
    assert shrinking.status_code == 422
    assert {e["code"] for e in shrinking.json()["errors"]} == {"fewer_days", "earlier_end"}
    starting_anew = record(payer, patient, REVIEW | {"starts_on": "2026-03-09"})
    assert starting_anew.status_code == 422
    history = clinic.staff.get(f"/v1/admissions/{patient.admission_id}/authorizations").json()
    assert [h["reference_number"] for h in history] == ["PA-0117"]


def test_scheduling_books_what_the_payer_authorized_beyond_the_approval(
    app: FastAPI, clinic: Clinic, payer: TestClient
) -> None:
    patient = admit(app, clinic, make_track(clinic), **CLINICIAN_TERMS)
    verification_for(clinic, patient)
    authorized = INITIAL | {"authorized_days": 12, "next_review_on": None}
    assert record(payer, patient, authorized).status_code == 201
    response = clinic.staff.post(
        f"/v1/admissions/{patient.admission_id}/treatment-plan", json=plan_body(weeks=4)
    )
    assert response.status_code == 201, response.text
    assert response.json()["beyond_authorization"] is None  # 12 days: the whole plan


def test_a_payer_reaches_only_admissions_of_patients_it_was_asked_to_verify(
    app: FastAPI, clinic: Clinic, other_clinic: Clinic, payer: TestClient
) -> None:
    program = make_track(clinic)
    asked, not_asked, other_payers = (admit(app, clinic, program) for _ in range(3))
    verification = verification_for(clinic, asked)
    verification_for(clinic, other_payers, payer_id="87726")
    for patient in (not_asked, other_payers):
        assert record(payer, patient, INITIAL).status_code == 404
    another_payer = client_for(
        app, make_key(app, clinic.organization_id, Role.payer, payer_id="87726")
    )
    assert record(another_payer, asked, INITIAL).status_code == 404
    other_clinics_payer = client_for(
        app, make_key(app, other_clinic.organization_id, Role.payer, payer_id=PAYER)
    )
    assert record(other_clinics_payer, asked, INITIAL).status_code == 404
    missing = payer.post(f"/v1/admissions/{uuid.uuid4()}/authorizations", json=INITIAL)
    assert missing.status_code == 404

    listed = payer.get(f"/v1/insurance-verifications/{verification['id']}").json()
    assert listed["admission_id"] == str(asked.admission_id)  # where to record it
    assert record(payer, asked, INITIAL).status_code == 201
    url = f"/v1/admissions/{asked.admission_id}/authorizations"
    assert payer.get(url).status_code == 403  # the history is the clinic's
    assert clinic.staff.post(url, json=INITIAL).status_code == 403  # decisions are the payer's

    cancelled = clinic.staff.post(f"/v1/insurance-verifications/{verification['id']}/cancel")
    assert cancelled.status_code == 200
    assert record(payer, asked, INITIAL).status_code == 404


def test_recording_an_authorization_is_audited_and_leaves_its_event(
    app: FastAPI, clinic: Clinic, payer: TestClient
) -> None:
    patient = admit(app, clinic, make_track(clinic), **CLINICIAN_TERMS)
    verification_for(clinic, patient)
    recorded = record(payer, patient, INITIAL).json()
    with app.state.sessionmaker() as session:
        events = session.scalars(
            select(DomainEventRecord).where(DomainEventRecord.type == "authorization.recorded")
        ).all()
    assert [(e.subject, e.patient_id) for e in events] == [
        (
            {"prior_authorization_id": recorded["id"], "admission_id": str(patient.admission_id)},
            patient.patient_id,
        )
    ]
    [event] = events
    delivered = payload(str(event.id), event.type, "2026-03-02T15:00:00Z", event.subject,
                        str(event.patient_id))  # fmt: skip
    assert (delivered["type"], delivered["data"]) == (
        "authorization.recorded",
        event.subject | {"patient_id": str(patient.patient_id)},
    )
    assert ("create", "prior_authorization", recorded["id"]) in {
        (a["action"], a["resource_type"], a["resource_id"])
        for a in audited(clinic, patient_id=str(patient.patient_id))
    }


def test_the_payers_page_names_each_patients_open_admission_as_each_read_does(
    app: FastAPI, clinic: Clinic, payer: TestClient
) -> None:
    program = make_track(clinic)
    admitted = [admit(app, clinic, program) for _ in range(3)]
    requests = [verification_for(clinic, patient, member_id=f"M-{n}") for n, patient in
                enumerate(admitted)]  # fmt: skip
    url = f"/v1/admissions/{admitted[1].admission_id}/cancel"
    cancelled = clinic.staff.post(
        url, json={"reason": "Chose another program."}, headers=if_match(clinic.staff, url)
    )
    assert cancelled.status_code == 200, cancelled.text

    page = payer.get("/v1/insurance-verifications").json()["items"]

    assert [item["id"] for item in page] == [request["id"] for request in requests]
    assert [item["admission_id"] for item in page] == [
        str(admitted[0].admission_id),
        None,
        str(admitted[2].admission_id),
    ]
    assert [item["member_id"] for item in page] == ["M-0", "M-1", "M-2"]
    for item in page:
        assert item == payer.get(f"/v1/insurance-verifications/{item['id']}").json()
