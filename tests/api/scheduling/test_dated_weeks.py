"""Dated weeks are checked, not only the weekly template: closures that cut a week short are
reported, and a closed day's sessions move only where the program is open and everyone is
free (docs/domain.md §2)."""

from typing import Any

from fastapi import FastAPI

from tests.factories import Clinic, make_admission, make_program, make_room, make_staff

from .factories import Admitted, admit, make_track, plan_body

TRAINING = [{"date": "2026-03-09", "reason": "Staff training"}]
EVERY_EVENING = {
    day: {"opens": "17:00", "closes": "21:00"}
    for day in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
}


def resources(clinic: Clinic) -> dict[str, Any]:
    return {"staff_id": make_staff(clinic)["id"], "room_id": make_room(clinic)["id"]}


def also_planned_elsewhere(app: FastAPI, clinic: Clinic, patient: Admitted, *days: str) -> None:
    """The patient's evenings in another program open every evening."""
    other = make_program(clinic, name="Dual diagnosis IOP", operating_hours=EVERY_EVENING)
    admission = make_admission(app, clinic, patient_id=patient.patient_id, program_id=other["id"])
    response = clinic.staff.post(
        f"/v1/admissions/{admission}/treatment-plan",
        json=plan_body(*days, weeks=3, kind="individual", modality="telehealth",
                       staff_id=make_staff(clinic, name="Sam Ortiz")["id"]),
    )  # fmt: skip
    assert response.status_code == 201, response.text


def test_a_week_cut_short_by_a_closure_is_reported_with_its_days_and_hours(
    app: FastAPI, clinic: Clinic
) -> None:
    patient = admit(app, clinic, make_track(clinic, closures=TRAINING))

    response = clinic.staff.post(
        f"/v1/admissions/{patient.admission_id}/treatment-plan",
        json=plan_body(weeks=3, **resources(clinic)),
    )

    assert response.status_code == 201, response.text
    saved = response.json()
    assert saved["short_weeks"] == [
        {"week_starts_on": "2026-03-09", "days": 2, "hours": 6.0, "lost_dates": ["2026-03-09"]}
    ]
    assert "week_below_minimum" in [flag["code"] for flag in saved["flags"]]


def test_a_closed_days_sessions_skip_a_day_the_patient_is_busy(
    app: FastAPI, clinic: Clinic
) -> None:
    program = make_track(clinic, closures=TRAINING)
    patient = admit(app, clinic, program)
    also_planned_elsewhere(app, clinic, patient, "tuesday", "saturday", "sunday")

    saved = clinic.staff.post(
        f"/v1/admissions/{patient.admission_id}/treatment-plan",
        json=plan_body(weeks=3, move_skipped_days=True, **resources(clinic)),
    ).json()

    assert saved["skipped_days"] == [
        {"date": "2026-03-09", "reason": "Staff training", "moved_to": "2026-03-13"}
    ]  # Friday: Tuesday evening belongs to the other program
    assert saved["short_weeks"] == []


def test_sessions_no_day_can_take_are_reported_and_not_booked(app: FastAPI, clinic: Clinic) -> None:
    program = make_track(clinic, closures=TRAINING)
    patient = admit(app, clinic, program)
    also_planned_elsewhere(app, clinic, patient, "tuesday", "friday", "saturday")

    response = clinic.staff.post(
        f"/v1/admissions/{patient.admission_id}/treatment-plan",
        json=plan_body(weeks=3, move_skipped_days=True, **resources(clinic)),
    )

    saved = response.json()
    assert saved["skipped_days"] == [
        {"date": "2026-03-09", "reason": "Staff training", "moved_to": None}
    ]
    assert "sessions_not_moved" in [flag["code"] for flag in saved["flags"]]
    assert saved["short_weeks"][0]["lost_dates"] == ["2026-03-09"]
    page = clinic.staff.get(
        f"/v1/patients/{patient.patient_id}/appointments", params={"limit": 200}
    ).json()
    ours = [a for a in page["items"] if a["admission_id"] == str(patient.admission_id)]
    assert len(ours) == saved["appointment_count"] == 8
    assert "2026-03-09" not in {a["local_date"] for a in ours}


def test_a_make_up_day_must_be_open_at_the_sessions_time(app: FastAPI, clinic: Clinic) -> None:
    short_friday = {
        day: {"opens": "17:00", "closes": "21:00"}
        for day in ("monday", "tuesday", "wednesday", "thursday")
    } | {"friday": {"opens": "09:00", "closes": "13:00"}}
    program = make_program(clinic, closures=TRAINING, operating_hours=short_friday)
    patient = admit(app, clinic, program)
    also_planned_elsewhere(app, clinic, patient, "tuesday", "saturday", "sunday")

    saved = clinic.staff.post(
        f"/v1/admissions/{patient.admission_id}/treatment-plan",
        json=plan_body(weeks=3, move_skipped_days=True, **resources(clinic)),
    ).json()

    assert saved["skipped_days"][0]["moved_to"] is None  # Friday closes at 13:00
