"""The attendance summary over several weeks, a holiday week among them."""

from datetime import UTC, datetime

from fastapi import FastAPI

from tests.api.scheduling.factories import make_track
from tests.conftest import FixedClock
from tests.factories import Clinic

from .factories import on, planned_patient

MARKS = {
    "2026-03-02": "present", "2026-03-04": "present", "2026-03-05": "present",  # W10: met
    "2026-03-09": "present", "2026-03-12": "present",  # W11: closed Wednesday 11 March
    "2026-03-16": "present", "2026-03-18": "unexcused_absence", "2026-03-19": "no_show",
    "2026-03-23": "no_show",
}  # fmt: skip


def test_a_summary_over_four_weeks_shows_the_holiday_week_and_a_drifting_patient(
    app: FastAPI, clinic: Clinic, clock: FixedClock
) -> None:
    closure = [{"date": "2026-03-11", "reason": "Staff training"}]
    patient, _ = planned_patient(app, clinic, make_track(clinic, closures=closure))
    clock.now = datetime(2026, 3, 24, 14, 0, tzinfo=UTC)  # Tuesday of the fourth week
    for day, status in MARKS.items():
        url = f"/v1/appointments/{on(clinic, patient, day)['id']}/attendance"
        assert clinic.staff.put(url, json={"status": status}).status_code == 200

    summary = clinic.staff.get(f"/v1/admissions/{patient.admission_id}/attendance-summary").json()

    weeks = {w["week"]: w for w in summary["weeks"]}
    assert list(weeks) == ["2026-W10", "2026-W11", "2026-W12", "2026-W13"]
    assert (weeks["2026-W10"]["attended_hours"], weeks["2026-W10"]["meets_hours"]) == (9, True)
    assert weeks["2026-W11"]["is_holiday_week"] is True
    assert weeks["2026-W11"]["holidays"] == ["2026-03-11"]
    assert weeks["2026-W11"]["meets_hours"] is None
    assert weeks["2026-W12"]["treatment_days"] == 1
    assert (weeks["2026-W12"]["meets_hours"], weeks["2026-W12"]["meets_days"]) == (False, False)
    assert weeks["2026-W13"]["is_complete"] is False
    assert summary["consecutive_unexcused_absences"] == 3
    assert summary["days_since_last_attendance"] == 8
    assert summary["attendance_rate"] == round(6 / 9, 4)
    assert summary["status"] == "non_compliant"
    assert {r["code"] for r in summary["reasons"]} == {
        "weekly_hours_below_minimum",
        "weekly_days_below_minimum",
        "consecutive_absences",
        "days_without_attendance",
    }


def test_a_patient_who_attends_every_session_is_compliant(
    app: FastAPI, clinic: Clinic, clock: FixedClock
) -> None:
    patient, _ = planned_patient(app, clinic)
    clock.now = datetime(2026, 3, 9, 14, 0, tzinfo=UTC)
    for day in ("2026-03-02", "2026-03-04", "2026-03-05"):
        url = f"/v1/appointments/{on(clinic, patient, day)['id']}/attendance"
        clinic.staff.put(url, json={"status": "present"})

    summary = clinic.staff.get(f"/v1/admissions/{patient.admission_id}/attendance-summary").json()

    assert (summary["status"], summary["reasons"]) == ("compliant", [])
    assert summary["attendance_rate"] == 1


def test_ten_days_without_attendance_suggest_discharge_as_dropped_out(
    app: FastAPI, clinic: Clinic, clock: FixedClock
) -> None:
    patient, _ = planned_patient(app, clinic)
    clock.now = datetime(2026, 3, 3, 14, 0, tzinfo=UTC)
    url = f"/v1/appointments/{on(clinic, patient, '2026-03-02')['id']}/attendance"
    clinic.staff.put(url, json={"status": "present"})
    clock.now = datetime(2026, 3, 12, 14, 0, tzinfo=UTC)

    summary = clinic.staff.get(f"/v1/admissions/{patient.admission_id}/attendance-summary").json()

    assert summary["days_since_last_attendance"] == 10
    assert (summary["status"], summary["suggested_discharge_type"]) == (
        "pending_discharge",
        "dropped_out",
    )


def test_another_clinics_admission_has_no_summary(
    app: FastAPI, clinic: Clinic, other_clinic: Clinic
) -> None:
    patient, _ = planned_patient(app, clinic)

    response = other_clinic.staff.get(f"/v1/admissions/{patient.admission_id}/attendance-summary")

    assert response.status_code == 404
