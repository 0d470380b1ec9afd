"""A first plan that starts in the past books what already happened, so it can be recorded."""

from datetime import UTC, datetime

from fastapi import FastAPI

from tests.api.scheduling.factories import admit, make_track, plan_body
from tests.conftest import FixedClock
from tests.factories import Clinic, if_match

from .factories import appointments_of


def test_a_plan_entered_late_books_its_past_sessions_for_attendance(
    app: FastAPI, clinic: Clinic, clock: FixedClock
) -> None:
    clock.now = datetime(2026, 3, 16, 15, 0, tzinfo=UTC)  # two weeks after the plan began
    patient = admit(app, clinic, make_track(clinic))
    body = plan_body(weeks=4, start_date="2026-03-02")
    assert clinic.staff.post(
        f"/v1/admissions/{patient.admission_id}/treatment-plan", json=body
    ).is_success

    booked = appointments_of(clinic, patient)
    first = booked[0]
    response = clinic.staff.put(
        f"/v1/appointments/{first['id']}/attendance", json={"status": "present"}
    )

    assert len(booked) == 12
    assert first["local_date"] == "2026-03-02"
    assert response.status_code == 200


def test_the_program_bounds_how_far_back_a_plan_books(
    app: FastAPI, clinic: Clinic, clock: FixedClock
) -> None:
    program = make_track(clinic)
    settings = program["settings"] | {"past_booking_days": 7}
    assert clinic.admin.put(
        f"/v1/programs/{program['id']}/settings",
        json=settings,
        headers=if_match(clinic.admin, f"/v1/programs/{program['id']}/settings"),
    ).is_success
    clock.now = datetime(2026, 3, 16, 15, 0, tzinfo=UTC)
    patient = admit(app, clinic, program, settings_version=2)
    body = plan_body(weeks=4, start_date="2026-03-02")
    assert clinic.staff.post(
        f"/v1/admissions/{patient.admission_id}/treatment-plan", json=body
    ).is_success

    dates = [a["local_date"] for a in appointments_of(clinic, patient)]

    assert dates[0] == "2026-03-09"  # a week back from Monday 16 March, no further


def test_a_revised_plan_leaves_the_past_as_it_was(
    app: FastAPI, clinic: Clinic, clock: FixedClock
) -> None:
    patient = admit(app, clinic, make_track(clinic))
    url = f"/v1/admissions/{patient.admission_id}/treatment-plan"
    assert clinic.staff.post(url, json=plan_body(weeks=4)).is_success
    clock.now = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)

    revised = plan_body("monday", "tuesday", "thursday", weeks=4)
    assert clinic.staff.post(url, json=revised).is_success

    past = [a for a in appointments_of(clinic, patient) if a["local_date"] < "2026-03-10"]
    assert {a["local_date"] for a in past} == {
        "2026-03-02", "2026-03-04", "2026-03-05", "2026-03-09",
    }  # fmt: skip
