"""Changing a plan mid-treatment re-books the future only: the past is never touched."""

import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from sqlalchemy import update

from app.scheduling.models import Appointment
from tests.conftest import FixedClock
from tests.factories import Clinic, make_room, make_staff

from .factories import admit, make_track, plan_body


def set_status(app: FastAPI, appointment_id: str, status: str, **fields: Any) -> None:
    """What attendance (and a phone call) will do; there is no attendance API yet."""
    with app.state.sessionmaker.begin() as session:
        session.execute(
            update(Appointment)
            .where(Appointment.id == uuid.UUID(appointment_id))
            .values(status=status, version=Appointment.version + 1, **fields)
        )


def by_date(clinic: Clinic, patient_id: uuid.UUID) -> dict[str, dict[str, Any]]:
    items = clinic.staff.get(
        f"/v1/patients/{patient_id}/appointments", params={"limit": 200}
    ).json()["items"]
    return {a["local_date"]: a for a in items}


def test_a_mid_treatment_change_rebooks_the_future_and_keeps_the_past(
    app: FastAPI, clinic: Clinic, clock: FixedClock
) -> None:
    program = make_track(clinic)
    patient = admit(app, clinic, program, status="active")
    leads = {"staff_id": make_staff(clinic)["id"], "room_id": make_room(clinic)["id"]}
    url = f"/v1/admissions/{patient.admission_id}/treatment-plan"
    first = clinic.staff.post(url, json=plan_body(weeks=4, **leads)).json()["plan"]
    before = by_date(clinic, patient.patient_id)
    set_status(app, before["2026-03-02"]["id"], "fulfilled")
    set_status(app, before["2026-03-04"]["id"], "noshow")
    set_status(app, before["2026-03-19"]["id"], "cancelled", cancel_reason="patient")
    past = by_date(clinic, patient.patient_id)
    clock.now = datetime(2026, 3, 12, 12, tzinfo=UTC)  # Thursday morning in New York

    # Wednesdays become Tuesdays from now on.
    response = clinic.staff.post(
        url, json=plan_body("monday", "tuesday", "thursday", weeks=4, **leads)
    )

    assert response.status_code == 201, response.text
    saved = response.json()
    after = by_date(clinic, patient.patient_id)
    for day in ("2026-03-02", "2026-03-04", "2026-03-05", "2026-03-09", "2026-03-11"):
        assert after[day] == past[day]  # status, plan, version: untouched
    assert (after["2026-03-02"]["status"], after["2026-03-04"]["status"]) == ("fulfilled", "noshow")
    for day in ("2026-03-12", "2026-03-16", "2026-03-23", "2026-03-26"):
        assert after[day]["id"] == past[day]["id"]  # kept, so calendars keep their events
        assert after[day]["plan_id"] == saved["plan"]["id"]
    for day in ("2026-03-18", "2026-03-25"):
        assert (after[day]["status"], after[day]["cancel_reason"]) == ("cancelled", "plan_changed")
    assert after["2026-03-19"] == past["2026-03-19"]  # the patient's cancellation stands
    assert [after[day]["status"] for day in ("2026-03-17", "2026-03-24")] == ["booked", "booked"]
    assert (saved["appointments_added"], saved["appointments_kept"]) == (2, 4)
    assert saved["appointments_cancelled"] == 2
    history = clinic.staff.get(f"/v1/admissions/{patient.admission_id}/treatment-plans").json()
    assert [(p["id"], p["status"]) for p in history["items"]] == [
        (saved["plan"]["id"], "current"), (first["id"], "superseded"),
    ]  # fmt: skip
    assert history["items"][0]["previous_plan_id"] == first["id"]


def test_a_change_that_starts_later_books_from_its_own_start(
    app: FastAPI, clinic: Clinic, clock: FixedClock
) -> None:
    program = make_track(clinic)
    patient = admit(app, clinic, program)
    leads = {"staff_id": make_staff(clinic)["id"], "room_id": make_room(clinic)["id"]}
    url = f"/v1/admissions/{patient.admission_id}/treatment-plan"
    clinic.staff.post(url, json=plan_body(weeks=2, **leads))

    later = plan_body(weeks=1, start_date="2026-03-16", **leads)
    saved = clinic.staff.post(url, json=later).json()

    booked = {day: a["status"] for day, a in by_date(clinic, patient.patient_id).items()}
    assert saved["appointments_cancelled"] == 6  # the first plan's two weeks
    assert [day for day, status in booked.items() if status == "booked"] == [
        "2026-03-16", "2026-03-18", "2026-03-19",
    ]  # fmt: skip


def test_each_plan_version_in_the_history_lists_its_own_sessions(
    app: FastAPI, clinic: Clinic, clock: FixedClock
) -> None:
    program = make_track(clinic)
    patient = admit(app, clinic, program, status="active")
    url = f"/v1/admissions/{patient.admission_id}/treatment-plan"
    first = clinic.staff.post(url, json=plan_body(weeks=4)).json()["plan"]
    clock.now = datetime(2026, 3, 12, 12, tzinfo=UTC)
    changed = plan_body("monday", "tuesday", "friday", weeks=4)
    assert clinic.staff.post(url, json=changed).is_success

    history = clinic.staff.get(f"/v1/admissions/{patient.admission_id}/treatment-plans").json()

    newest, oldest = history["items"]
    assert list(newest.items()) == list(clinic.staff.get(url).json().items())
    assert oldest["id"] == first["id"]
    assert oldest["sessions"] == first["sessions"]
    assert [s["weekday"] for s in newest["sessions"]] == ["monday", "tuesday", "friday"]
    assert [s["weekday"] for s in oldest["sessions"]] == ["monday", "wednesday", "thursday"]
