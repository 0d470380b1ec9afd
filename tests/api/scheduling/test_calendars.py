"""iCalendar feeds: calendar apps read back the same events, with stable UIDs and no
clinical details."""

from datetime import datetime
from typing import Any

from fastapi import FastAPI
from icalendar import Calendar

from tests.factories import Clinic, if_match, make_room, make_staff

from .factories import admit, make_track, plan_body, session


def events(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def as_booked(appointment: dict[str, Any]) -> tuple[str, datetime, datetime]:
    return (
        f"{appointment['id']}@iop",
        datetime.fromisoformat(appointment["starts_at"]),
        datetime.fromisoformat(appointment["ends_at"]),
    )


def as_read(uid: str, event: Any) -> tuple[str, datetime, datetime]:
    return uid, event.decoded("DTSTART"), event.decoded("DTEND")


def test_a_day_and_an_evening_patient_read_their_calendars_back_as_booked(
    app: FastAPI, clinic: Clinic
) -> None:
    room = make_room(clinic, name="Group room B")
    day_program, evening_program = make_track(clinic, "day"), make_track(clinic, "evening")
    plans = {
        "day": plan_body(
            start="09:30", weeks=2, staff_id=make_staff(clinic)["id"], room_id=room["id"]
        ),
        "evening": plan_body(weeks=2, staff_id=make_staff(clinic)["id"], room_id=room["id"]),
    }
    for track, program in (("day", day_program), ("evening", evening_program)):
        patient = admit(app, clinic, program)
        url = f"/v1/admissions/{patient.admission_id}/treatment-plan"
        assert clinic.staff.post(url, json=plans[track]).status_code == 201

        booked = clinic.staff.get(f"/v1/patients/{patient.patient_id}/appointments").json()
        feed = events(clinic.staff.get(f"/v1/patients/{patient.patient_id}/calendar.ics"))

        assert sorted(as_read(uid, event) for uid, event in feed.items()) == sorted(
            as_booked(appointment) for appointment in booked["items"]
        )
        # It is Monday 10:00 in New York: the day track's first morning has already begun,
        # and a first plan books it too, so that its attendance can be recorded.
        assert len(feed) == {"day": 6, "evening": 6}[track]
        for event in feed.values():
            assert (str(event["SUMMARY"]), str(event["LOCATION"])) == (
                "IOP session",
                "Group room B",
            )
            assert str(event["STATUS"]) == "CONFIRMED"
            assert event.decoded("SEQUENCE") == 0


def test_a_change_replaces_the_event_with_the_same_uid_and_a_higher_sequence(
    app: FastAPI, clinic: Clinic
) -> None:
    program = make_track(clinic)
    patient = admit(app, clinic, program)
    body = plan_body(
        weeks=1, kind="family", modality="telehealth", staff_id=make_staff(clinic)["id"]
    )
    clinic.staff.post(f"/v1/admissions/{patient.admission_id}/treatment-plan", json=body)
    monday, wednesday, _ = clinic.staff.get(
        f"/v1/patients/{patient.patient_id}/appointments"
    ).json()["items"]

    clinic.staff.patch(
        f"/v1/appointments/{monday['id']}",
        json={"starts_at": "2026-03-03T23:00:00Z"},
        headers=if_match(clinic.staff, f"/v1/appointments/{monday['id']}"),
    )
    clinic.staff.patch(
        f"/v1/appointments/{wednesday['id']}",
        json={"status": "cancelled", "cancel_reason": "patient"},
        headers=if_match(clinic.staff, f"/v1/appointments/{wednesday['id']}"),
    )
    feed = events(clinic.staff.get(f"/v1/patients/{patient.patient_id}/calendar.ics"))

    moved, cancelled = feed[f"{monday['id']}@iop"], feed[f"{wednesday['id']}@iop"]
    assert moved.decoded("DTSTART").isoformat() == "2026-03-03T23:00:00+00:00"
    assert (moved.decoded("SEQUENCE"), cancelled.decoded("SEQUENCE")) == (1, 1)
    assert str(cancelled["STATUS"]) == "CANCELLED"
    # Telehealth family therapy: the feed says neither.
    text = clinic.staff.get(f"/v1/patients/{patient.patient_id}/calendar.ics").text.lower()
    assert "family" not in text
    assert "therapy" not in text
    assert {str(event["LOCATION"]) for event in feed.values()} == {"Telehealth"}


def test_a_therapists_feed_shows_a_shared_group_once_and_each_individual_hour(
    app: FastAPI, clinic: Clinic
) -> None:
    program = make_track(clinic)
    therapist, room = make_staff(clinic)["id"], make_room(clinic)["id"]
    for day in ("monday", "tuesday"):
        patient = admit(app, clinic, program)
        body = plan_body(weeks=1, staff_id=therapist, room_id=room)
        body["sessions"].append(
            session(day, "17:00", 60, "individual", staff_id=therapist, room_id=room)
        )
        assert (
            clinic.staff.post(
                f"/v1/admissions/{patient.admission_id}/treatment-plan", json=body
            ).status_code
            == 201
        )

    feed = events(clinic.staff.get(f"/v1/staff/{therapist}/calendar.ics"))

    starts = sorted(event.decoded("DTSTART").isoformat() for event in feed.values())
    assert len(starts) == 3 + 2  # three group evenings, two individual hours
    assert len(set(starts)) == 5
