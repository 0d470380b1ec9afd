"""Attendance from an EHR in bulk: valid records stored, invalid ones reported, twice the same."""

from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

from fastapi import FastAPI

from app.patients.models import PatientIdentifier
from tests.api.scheduling.factories import Admitted, admit, make_track, plan_body
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


# Three patients of one program, each in another situation: an authorization of 2 days that
# four attended days outrun, three absences in a row, and steady attendance.
SITUATIONS: dict[str, tuple[dict[str, Any], dict[str, str]]] = {
    "outruns its authorization": (
        {"authorized_days": 2, "authorization_starts_on": date(2026, 3, 2),
         "authorization_ends_on": date(2026, 3, 20)},
        {"2026-03-02": "present", "2026-03-04": "present", "2026-03-05": "present",
         "2026-03-09": "present"},
    ),
    "misses three in a row": (
        {},
        {"2026-03-02": "present", "2026-03-04": "no_show", "2026-03-05": "no_show",
         "2026-03-09": "unexcused_absence"},
    ),
    "attends every session": (
        {},
        {"2026-03-02": "present", "2026-03-04": "present", "2026-03-05": "present",
         "2026-03-09": "present"},
    ),
}  # fmt: skip


def what_staff_see(clinic: Clinic, patient: Admitted, days: list[str]) -> dict[str, Any]:
    alerts = clinic.staff.get("/v1/alerts", params={"limit": 200}).json()["items"]
    summary = clinic.staff.get(f"/v1/admissions/{patient.admission_id}/attendance-summary")
    marks = {}
    for day in days:
        url = f"/v1/appointments/{on(clinic, patient, day)['id']}/attendance"
        marks[day] = {
            k: clinic.staff.get(url).json()[k] for k in ("status", "is_beyond_authorization")
        }
    return {
        "alerts": Counter(
            (a["code"], a["message"])
            for a in alerts
            if a["admission_id"] == str(patient.admission_id)
        ),
        "summary": summary.json() | {"admission_id": None},
        "marks": marks,
        "appointments": {a["local_date"]: a["status"] for a in appointments_of(clinic, patient)},
    }


def situated(app: FastAPI, clinic: Clinic) -> dict[str, Admitted]:
    """The three patients in one program, planned for four weeks, booked past what is
    authorized."""
    program = make_track(clinic)
    patients = {}
    for name, (terms, _) in SITUATIONS.items():
        patient = patients[name] = admit(app, clinic, program, **terms)
        body = plan_body(weeks=4) | {"book_beyond_authorization": True}
        url = f"/v1/admissions/{patient.admission_id}/treatment-plan"
        assert clinic.staff.post(url, json=body).status_code == 201
    return patients


def test_a_batch_over_several_admissions_leaves_each_as_its_own_batch_would(
    app: FastAPI, clinic: Clinic, other_clinic: Clinic, clock: FixedClock
) -> None:
    together, apart = situated(app, clinic), situated(app, other_clinic)
    clock.now = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
    records = []
    for name, (_, marks) in SITUATIONS.items():
        own = [
            {"appointment_id": on(other_clinic, apart[name], day)["id"], "status": status}
            for day, status in marks.items()
        ]
        assert other_clinic.staff.post("/v1/attendance/batch", json={"records": own}).is_success
        records += [
            {"appointment_id": on(clinic, together[name], day)["id"], "status": status}
            for day, status in marks.items()
        ]

    result = clinic.staff.post("/v1/attendance/batch", json={"records": records})

    assert result.status_code == 200, result.text
    assert result.json()["created"] == len(records)
    for name, (_, marks) in SITUATIONS.items():
        seen = what_staff_see(clinic, together[name], list(marks))
        assert seen == what_staff_see(other_clinic, apart[name], list(marks)), name
    outrun = what_staff_see(clinic, together["outruns its authorization"], ["2026-03-05"])
    assert outrun["marks"]["2026-03-05"]["is_beyond_authorization"] is True
    assert "authorization_exhausted" in {code for code, _ in outrun["alerts"]}
    absent = what_staff_see(clinic, together["misses three in a row"], [])
    assert "consecutive_absences" in {code for code, _ in absent["alerts"]}
    steady = what_staff_see(clinic, together["attends every session"], [])
    assert not steady["alerts"]
