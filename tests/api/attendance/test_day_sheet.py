"""The day sheet the front desk prints: the day's sessions with names and attendance so far."""

from datetime import UTC, datetime

from fastapi import FastAPI

from tests.api.groups.factories import join, make_group
from tests.api.scheduling.factories import admit, make_track, plan_body, session
from tests.conftest import FixedClock
from tests.factories import Clinic

from .factories import on


def test_the_day_sheet_names_patients_groups_staff_and_rooms_with_attendance_so_far(
    app: FastAPI, clinic: Clinic, clock: FixedClock
) -> None:
    program = make_track(clinic)
    group = make_group(clinic, program, name="Relapse prevention")
    patient = admit(app, clinic, program)
    body = plan_body(weeks=2) | {
        "sessions": [session(day, "17:00", 180) for day in ("tuesday", "thursday", "friday")]
    }
    assert clinic.staff.post(
        f"/v1/admissions/{patient.admission_id}/treatment-plan", json=body
    ).is_success
    assert join(clinic.staff, group, patient.patient_id).status_code == 201
    clock.now = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)  # the group has begun
    url = f"/v1/appointments/{on(clinic, patient, '2026-03-02')['id']}/attendance"
    assert clinic.staff.put(url, json={"status": "present"}).status_code == 200

    sheet = clinic.staff.get(
        f"/v1/programs/{program['id']}/day-sheet", params={"date": "2026-03-02"}
    ).json()

    [entry] = sheet["entries"]
    assert entry["group_name"] == "Relapse prevention"
    assert entry["staff_name"]
    assert entry["room_name"]
    assert entry["family_name"]
    assert (entry["attendance_status"], entry["minutes_attended"]) == ("present", 90)
    assert (
        clinic.staff.get(
            f"/v1/programs/{program['id']}/day-sheet", params={"date": "2026-03-03"}
        ).json()["entries"][0]["attendance_status"]
        is None
    )


def test_a_day_sheet_needs_a_real_date_and_a_program_of_the_clinic(
    clinic: Clinic, other_clinic: Clinic
) -> None:
    program = make_track(clinic)
    url = f"/v1/programs/{program['id']}/day-sheet"

    assert clinic.staff.get(url, params={"date": "2026-02-30"}).status_code == 422
    assert clinic.staff.get(url).status_code == 422
    assert other_clinic.staff.get(url, params={"date": "2026-03-02"}).status_code == 404
