"""A feed raises an event's SEQUENCE only when the event itself changed (RFC 5545)."""

from typing import Any

from fastapi import FastAPI
from icalendar import Calendar

from tests.factories import Clinic, if_match, make_room, make_staff

from .factories import admit, make_track, plan_body, session


def sequences(clinic: Clinic, url: str) -> dict[str, Any]:
    calendar = Calendar.from_ical(clinic.staff.get(url).content)
    return {
        event.decoded("DTSTART").isoformat(): (event.decoded("SEQUENCE"), str(event["STATUS"]))
        for event in calendar.walk("VEVENT")
    }


def test_a_plan_change_that_keeps_an_appointment_keeps_its_sequence(
    app: FastAPI, clinic: Clinic
) -> None:
    patient = admit(app, clinic, make_track(clinic))
    staff, room = make_staff(clinic)["id"], make_room(clinic)["id"]
    url = f"/v1/admissions/{patient.admission_id}/treatment-plan"
    body = plan_body(weeks=2, staff_id=staff, room_id=room)
    assert clinic.staff.post(url, json=body).status_code == 201

    body["sessions"].append(
        session("tuesday", "17:00", 60, "individual", staff_id=staff, room_id=room)
    )
    changed = clinic.staff.post(url, json=body).json()

    assert changed["appointments_kept"] == 6
    feed = sequences(clinic, f"/v1/patients/{patient.patient_id}/calendar.ics")
    assert {sequence for sequence, _ in feed.values()} == {0}


def test_one_members_cancellation_leaves_the_group_meeting_in_the_therapists_feed(
    app: FastAPI, clinic: Clinic
) -> None:
    program = make_track(clinic)
    therapist, room = make_staff(clinic)["id"], make_room(clinic)["id"]
    patients = [admit(app, clinic, program) for _ in range(2)]
    for patient in patients:
        clinic.staff.post(
            f"/v1/admissions/{patient.admission_id}/treatment-plan",
            json=plan_body(weeks=1, staff_id=therapist, room_id=room),
        )
    mondays = [
        clinic.staff.get(f"/v1/patients/{p.patient_id}/appointments").json()["items"][0]
        for p in patients
    ]
    feed_url = f"/v1/staff/{therapist}/calendar.ics"
    cancel = {"status": "cancelled", "cancel_reason": "patient"}

    clinic.staff.patch(
        f"/v1/appointments/{mondays[0]['id']}",
        json=cancel,
        headers=if_match(clinic.staff, f"/v1/appointments/{mondays[0]['id']}"),
    )
    after_one = sequences(clinic, feed_url)
    clinic.staff.patch(
        f"/v1/appointments/{mondays[1]['id']}",
        json=cancel,
        headers=if_match(clinic.staff, f"/v1/appointments/{mondays[1]['id']}"),
    )
    after_both = sequences(clinic, feed_url)

    monday = "2026-03-02T23:00:00+00:00"
    assert after_one[monday] == (0, "CONFIRMED")
    assert after_both[monday] == (1, "CANCELLED")
