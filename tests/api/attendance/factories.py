"""Patients planned in an evening track, and a clock moved past their sessions."""

from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI

from tests.api.scheduling.factories import Admitted, admit, make_track, plan_body
from tests.conftest import FixedClock
from tests.factories import Clinic

# The evening sessions (18:00 in New York) start at 23:00 UTC in early March.
AFTER_FIRST_WEEK = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)


def planned_patient(
    app: FastAPI, clinic: Clinic, program: dict[str, Any] | None = None, **admission: Any
) -> tuple[Admitted, dict[str, Any]]:
    """An approved patient planned Monday, Wednesday and Thursday 18:00–21:00 for four weeks
    from Monday 2 March 2026 (the test clock's day)."""
    program = program or make_track(clinic)
    patient = admit(app, clinic, program, **admission)
    response = clinic.staff.post(
        f"/v1/admissions/{patient.admission_id}/treatment-plan", json=plan_body(weeks=4)
    )
    assert response.status_code == 201, response.text
    return patient, program


def appointments_of(clinic: Clinic, patient: Admitted) -> list[dict[str, Any]]:
    response = clinic.staff.get(
        f"/v1/patients/{patient.patient_id}/appointments", params={"limit": 200}
    )
    assert response.status_code == 200, response.text
    return response.json()["items"]  # type: ignore[no-any-return]


def on(clinic: Clinic, patient: Admitted, day: str) -> dict[str, Any]:
    [found] = [a for a in appointments_of(clinic, patient) if a["local_date"] == day]
    return found


def later(clock: FixedClock, when: datetime = AFTER_FIRST_WEEK) -> None:
    clock.now = when
