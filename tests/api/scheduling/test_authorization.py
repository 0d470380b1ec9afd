"""A plan books what the admission's authorization covers; the rest is reported, and booked
only when the request says so (docs/domain.md §3, §6)."""

from datetime import date
from typing import Any

from fastapi import FastAPI

from tests.factories import Clinic, make_room, make_staff

from .factories import admit, make_track, plan_body

AUTHORIZED = {
    "authorized_days": 10,
    "authorization_starts_on": date(2026, 3, 2),
    "authorization_ends_on": date(2026, 4, 30),
    "next_review_on": date(2026, 3, 30),
}


def resources(clinic: Clinic) -> dict[str, Any]:
    return {"staff_id": make_staff(clinic)["id"], "room_id": make_room(clinic)["id"]}


def booked_dates(clinic: Clinic, patient_id: object) -> list[str]:
    page = clinic.staff.get(f"/v1/patients/{patient_id}/appointments", params={"limit": 200})
    return [item["local_date"] for item in page.json()["items"] if item["status"] == "booked"]


def test_treatment_days_past_the_authorized_number_are_reported_not_booked(
    app: FastAPI, clinic: Clinic
) -> None:
    patient = admit(app, clinic, make_track(clinic), **AUTHORIZED)

    response = clinic.staff.post(
        f"/v1/admissions/{patient.admission_id}/treatment-plan",
        json=plan_body(weeks=6, **resources(clinic)),
    )

    assert response.status_code == 201, response.text
    saved = response.json()
    booked = booked_dates(clinic, patient.patient_id)
    assert len(booked) == saved["appointment_count"] == 10
    beyond = saved["beyond_authorization"]
    assert beyond["appointment_count"] == 6 * 3 - 10
    assert beyond["dates_over_authorized_days"][0] == "2026-03-25"  # the eleventh evening
    assert beyond["dates_outside_period"] == []
    assert beyond["is_booked"] is False
    assert "beyond_authorization" in [flag["code"] for flag in saved["flags"]]
    assert max(booked) == "2026-03-23"


def test_treatment_after_the_authorizations_end_is_reported_not_booked(
    app: FastAPI, clinic: Clinic
) -> None:
    ends_early = AUTHORIZED | {"authorized_days": 60, "authorization_ends_on": date(2026, 3, 15)}
    patient = admit(app, clinic, make_track(clinic), **ends_early)

    response = clinic.staff.post(
        "/v1/treatment-plans/validate",
        json=plan_body(weeks=4, **resources(clinic)) | {"admission_id": str(patient.admission_id)},
    )

    assert response.status_code == 200, response.text
    beyond = response.json()["beyond_authorization"]
    assert beyond["dates_outside_period"] == [
        "2026-03-16", "2026-03-18", "2026-03-19", "2026-03-23", "2026-03-25", "2026-03-26",
    ]  # fmt: skip
    assert response.json()["appointment_count"] == 6


def test_a_plan_books_beyond_the_authorization_only_when_told_to(
    app: FastAPI, clinic: Clinic
) -> None:
    patient = admit(app, clinic, make_track(clinic), **AUTHORIZED)
    body = plan_body(weeks=6, **resources(clinic)) | {"book_beyond_authorization": True}

    saved = clinic.staff.post(
        f"/v1/admissions/{patient.admission_id}/treatment-plan", json=body
    ).json()

    assert saved["appointment_count"] == len(booked_dates(clinic, patient.patient_id)) == 18
    assert saved["beyond_authorization"]["is_booked"] is True
    assert saved["plan"]["book_beyond_authorization"] is True


def test_a_plan_within_the_authorization_reports_nothing_beyond_it(
    app: FastAPI, clinic: Clinic
) -> None:
    patient = admit(app, clinic, make_track(clinic), **AUTHORIZED)

    saved = clinic.staff.post(
        f"/v1/admissions/{patient.admission_id}/treatment-plan",
        json=plan_body(weeks=3, **resources(clinic)),
    ).json()

    assert saved["beyond_authorization"] is None
    assert saved["appointment_count"] == 9
