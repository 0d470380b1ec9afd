"""Closing an admission ends what hangs on it: group seats go on, future bookings are cancelled."""

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI

from tests.api.groups.factories import join, make_group, make_plan
from tests.api.scheduling.factories import admit, make_track, session
from tests.conftest import FixedClock
from tests.factories import Clinic, if_match


@pytest.mark.parametrize(
    ("status", "action", "body"),
    [
        ("active", "discharge", {"type": "dropped_out", "reason": "No contact for three weeks."}),
        ("approved", "cancel", {"reason": "Moved out of state before starting."}),
    ],
)
def test_closing_an_admission_frees_the_seat_and_cancels_only_future_bookings(
    app: FastAPI,
    clinic: Clinic,
    clock: FixedClock,
    status: str,
    action: str,
    body: dict[str, Any],
) -> None:
    program = make_track(clinic)
    group = make_group(clinic, program, min_size=1, max_size=1)
    leaving, waiting = admit(app, clinic, program, status=status), admit(app, clinic, program)
    make_plan(
        clinic, leaving.admission_id, [session(day) for day in ("tuesday", "thursday", "friday")]
    )
    assert join(clinic.staff, group, leaving.patient_id).status_code == 201
    assert join(clinic.staff, group, waiting.patient_id, waitlist=True).status_code == 202

    clock.now = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
    url = f"/v1/admissions/{leaving.admission_id}/{action}"
    response = clinic.clinician.post(url, json=body, headers=if_match(clinic.clinician, url))
    assert response.status_code == 200, response.text

    members = clinic.staff.get(f"/v1/groups/{group['id']}/members").json()["items"]
    assert [(m["patient_id"], m["status"]) for m in members] == [
        (str(waiting.patient_id), "enrolled")
    ]
    booked = clinic.staff.get(
        f"/v1/patients/{leaving.patient_id}/appointments", params={"limit": 200}
    ).json()["items"]
    past = [a for a in booked if a["starts_at"] < "2026-03-10T15:00:00Z"]
    future = [a for a in booked if a["starts_at"] > "2026-03-10T15:00:00Z"]
    assert past
    assert all(a["status"] == "booked" for a in past)
    assert future
    assert all(a["status"] == "cancelled" for a in future)
    plan = clinic.staff.get(f"/v1/admissions/{leaving.admission_id}/treatment-plans").json()
    assert plan["items"][0]["status"] == "ended"
