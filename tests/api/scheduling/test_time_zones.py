"""A therapist who works in New York and in Chicago is double booked by the clock on the wall
of neither program, but by the instant."""

from typing import Any

from fastapi import FastAPI

from tests.factories import WEEKDAYS, Clinic, make_program, make_staff

from .factories import admit, plan_body

EVENINGS = {day: {"opens": "16:00", "closes": "22:00"} for day in WEEKDAYS}


def validate(clinic: Clinic, program: dict[str, Any], start: str, staff_id: str) -> list[str]:
    body = plan_body(start=start, minutes=60, kind="individual", modality="telehealth",
                     staff_id=staff_id, weeks=4) | {"program_id": program["id"]}  # fmt: skip
    response = clinic.staff.post("/v1/treatment-plans/validate", json=body)
    assert response.status_code == 200, response.text
    return [violation["code"] for violation in response.json()["violations"]]


def plan_in_chicago(app: FastAPI, clinic: Clinic, staff_id: str) -> None:
    chicago = make_program(
        clinic, name="Adult IOP – Chicago", time_zone="America/Chicago", subdivision="IL",
        operating_hours=EVENINGS,
    )  # fmt: skip
    patient = admit(app, clinic, chicago)
    body = plan_body(start="17:00", kind="individual", modality="telehealth",
                     staff_id=staff_id, weeks=4)  # fmt: skip
    response = clinic.staff.post(f"/v1/admissions/{patient.admission_id}/treatment-plan", json=body)
    assert response.status_code == 201, response.text


def test_chicagos_five_oclock_is_new_yorks_six_for_the_same_therapist(
    app: FastAPI, clinic: Clinic
) -> None:
    therapist = make_staff(clinic)["id"]
    plan_in_chicago(app, clinic, therapist)  # 17:00–20:00 Chicago: 18:00–21:00 New York

    new_york = make_program(clinic, operating_hours=EVENINGS)

    assert "staff_double_booked" in validate(clinic, new_york, "18:00", therapist)
    assert "staff_double_booked" in validate(clinic, new_york, "20:00", therapist)
    assert "staff_double_booked" not in validate(clinic, new_york, "21:00", therapist)
    assert "staff_double_booked" not in validate(clinic, new_york, "17:00", therapist)
