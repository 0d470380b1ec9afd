"""The step-down grace cannot be renewed by saving short plans one after another
(docs/domain.md §2)."""

from datetime import date, timedelta
from typing import Any

from fastapi import FastAPI

from tests.conftest import FixedClock
from tests.factories import Clinic, make_room, make_staff

from .factories import admit, make_track, plan_body


def resources(clinic: Clinic) -> dict[str, Any]:
    return {"staff_id": make_staff(clinic)["id"], "room_id": make_room(clinic)["id"]}


def test_a_second_short_step_down_plan_after_the_grace_is_held_to_the_minimum(
    app: FastAPI, clinic: Clinic, clock: FixedClock
) -> None:
    program = make_track(clinic)
    patient = admit(app, clinic, program, is_step_down=True)
    url = f"/v1/admissions/{patient.admission_id}/treatment-plan"
    both = resources(clinic)
    first = clinic.staff.post(url, json=plan_body(minutes=120, weeks=2, **both))
    assert first.status_code == 201, first.text

    clock.now += timedelta(days=14)
    second = clinic.staff.post(
        url, json=plan_body(minutes=120, weeks=2, start_date="2026-03-16", **both)
    )

    assert second.status_code == 422
    codes = [violation["code"] for violation in second.json()["violations"]]
    assert codes == ["weekly_hours_below_minimum"]


def test_the_grace_counts_from_the_admissions_start_even_before_any_plan(
    app: FastAPI, clinic: Clinic
) -> None:
    program = make_track(clinic)
    patient = admit(
        app, clinic, program, status="active", is_step_down=True, started_on=date(2026, 2, 9)
    )

    response = clinic.staff.post(
        f"/v1/admissions/{patient.admission_id}/treatment-plan",
        json=plan_body(minutes=120, weeks=2, **resources(clinic)),
    )

    assert response.status_code == 422
    assert response.json()["violations"][0]["code"] == "weekly_hours_below_minimum"
