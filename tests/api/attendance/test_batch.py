"""Attendance from an EHR in bulk: valid records stored, invalid ones reported, twice the same."""

from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI

from app.patients.models import PatientIdentifier
from tests.conftest import FixedClock
from tests.factories import Clinic, if_match

from .factories import appointments_of, later, on, planned_patient

MRN = "urn:oid:2.16.840.1.113883.19.5"


def with_identifier(app: FastAPI, clinic: Clinic, patient_id: Any, value: str) -> str:
    with app.state.sessionmaker.begin() as session:
        session.add(
            PatientIdentifier(
                organization_id=clinic.organization_id,
                patient_id=patient_id,
                system=MRN,
                value=value,
            )
        )
    return f"{MRN}|{value}"


def test_a_batch_saves_every_valid_record_reports_the_others_and_changes_nothing_twice(
    app: FastAPI, clinic: Clinic, clock: FixedClock
) -> None:
    patient, program = planned_patient(app, clinic)
    other, _ = planned_patient(app, clinic, program)
    identifier = with_identifier(app, clinic, other.patient_id, "4512")
    cancelled = on(clinic, patient, "2026-03-05")
    cancel = {"status": "cancelled", "cancel_reason": "clinic"}
    assert clinic.staff.patch(
        f"/v1/appointments/{cancelled['id']}",
        json=cancel,
        headers=if_match(clinic.staff, f"/v1/appointments/{cancelled['id']}"),
    ).is_success
    later(clock)
    monday, wednesday = on(clinic, patient, "2026-03-02"), on(clinic, patient, "2026-03-04")
    records = [
        {"appointment_id": monday["id"], "status": "present"},  # 0 saved
        {"patient_identifier": identifier, "starts_at": "2026-03-02T23:00:00Z",
         "status": "late", "minutes_attended": 120},  # 1 saved, by identifier
        {"appointment_id": "01a22940-0000-7000-8000-000000000000", "status": "present"},  # 2
        {"appointment_id": wednesday["id"], "status": "present"},  # 3 conflicts with 4
        {"appointment_id": wednesday["id"], "status": "no_show"},  # 4
        {"appointment_id": cancelled["id"], "status": "present"},  # 5 cancelled
        {"appointment_id": on(clinic, patient, "2026-03-09")["id"], "status": "present"},  # 6
        {"patient_identifier": f"{MRN}|nobody", "starts_at": "2026-03-02T23:00:00Z",
         "status": "present"},  # 7 unknown patient
        {"appointment_id": monday["id"], "status": "present"},  # 8 repeats 0: one mark
    ]  # fmt: skip

    first = clinic.staff.post("/v1/attendance/batch", json={"records": records})
    again = clinic.staff.post("/v1/attendance/batch", json={"records": records})

    assert first.status_code == 200, first.text
    assert {k: first.json()[k] for k in ("created", "corrected", "unchanged")} == {
        "created": 2, "corrected": 0, "unchanged": 0,
    }  # fmt: skip
    errors = {e["index"]: e["code"] for e in first.json()["errors"]}
    assert errors == {
        2: "unknown_appointment",
        3: "conflicting_duplicate",
        4: "conflicting_duplicate",
        5: "appointment_cancelled",
        6: "before_session",
        7: "unknown_appointment",
    }
    assert {k: again.json()[k] for k in ("created", "corrected", "unchanged")} == {
        "created": 0, "corrected": 0, "unchanged": 2,
    }  # fmt: skip
    assert again.json()["errors"] == first.json()["errors"]
    statuses = {a["local_date"]: a["status"] for a in appointments_of(clinic, patient)}
    assert statuses["2026-03-02"] == "fulfilled"
    assert statuses["2026-03-04"] == "booked"
    assert on(clinic, other, "2026-03-02")["status"] == "fulfilled"


def test_a_batch_corrects_earlier_marks_and_keeps_them_in_the_history(
    app: FastAPI, clinic: Clinic, clock: FixedClock
) -> None:
    patient, _ = planned_patient(app, clinic)
    later(clock)
    monday = on(clinic, patient, "2026-03-02")
    clinic.staff.put(f"/v1/appointments/{monday['id']}/attendance", json={"status": "no_show"})

    result = clinic.staff.post(
        "/v1/attendance/batch",
        json={"records": [{"appointment_id": monday["id"], "status": "excused_absence"}]},
    ).json()

    assert result["corrected"] == 1
    recorded = clinic.staff.get(f"/v1/appointments/{monday['id']}/attendance").json()
    assert recorded["status"] == "excused_absence"
    assert [h["status"] for h in recorded["history"]] == ["no_show"]


def test_a_batch_of_thousands_of_records_is_saved_in_one_request(
    app: FastAPI, clinic: Clinic, clock: FixedClock
) -> None:
    patients = [planned_patient(app, clinic)[0] for _ in range(3)]
    clock.now = datetime(2026, 3, 30, 12, 0, tzinfo=UTC)
    appointments = [a for p in patients for a in appointments_of(clinic, p)]
    records = [
        {"appointment_id": a["id"], "status": "present"} for a in appointments
    ] * 300  # the same marks repeated: every repeat agrees

    result = clinic.staff.post("/v1/attendance/batch", json={"records": records[:10_000]}).json()

    assert result["errors"] == []
    assert result["created"] == len(appointments) == 36


def test_a_batch_over_ten_thousand_records_or_naming_no_appointment_answers_422(
    clinic: Clinic,
) -> None:
    record = {"appointment_id": "01a22940-0000-7000-8000-000000000000", "status": "present"}
    too_many = clinic.staff.post("/v1/attendance/batch", json={"records": [record] * 10_001})
    unnamed = clinic.staff.post(
        "/v1/attendance/batch", json={"records": [record, {"status": "present"}]}
    )
    bad_identifier = clinic.staff.post(
        "/v1/attendance/batch",
        json={"records": [{"patient_identifier": "no-bar", "starts_at": "2026-03-02T23:00:00Z",
                           "status": "present"}]},
    )  # fmt: skip

    assert too_many.status_code == 422
    assert unnamed.status_code == 422
    assert unnamed.json()["errors"][0]["field"] == "records[1]"
    assert bad_identifier.status_code == 422
