"""Appointments: the day sheet, rescheduling with the same conflict checks, cancelling."""

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI

from tests.conftest import FixedClock
from tests.factories import Clinic, if_match, make_room, make_staff

from .factories import Admitted, admit, make_track, plan_body, session


@pytest.fixture
def evening(app: FastAPI, clinic: Clinic) -> dict[str, Any]:
    """Two evening patients, each with an individual hour at 17:00 (Monday for the first,
    Tuesday for the second) with the same therapist, and the shared evening group."""
    program = make_track(clinic)
    therapist, room = make_staff(clinic)["id"], make_room(clinic)["id"]
    patients: list[Admitted] = []
    for day in ("monday", "tuesday"):
        patient = admit(app, clinic, program)
        body = plan_body(weeks=2, staff_id=therapist, room_id=room)
        body["sessions"].append(
            session(day, "17:00", 60, "individual", staff_id=therapist, room_id=room)
        )
        response = clinic.staff.post(
            f"/v1/admissions/{patient.admission_id}/treatment-plan", json=body
        )
        assert response.status_code == 201, response.text
        patients.append(patient)
    return {"program": program, "therapist": therapist, "room": room, "patients": patients}


def individual_on(clinic: Clinic, patient: Admitted, day: str) -> dict[str, Any]:
    items: list[dict[str, Any]] = clinic.staff.get(
        f"/v1/patients/{patient.patient_id}/appointments"
    ).json()["items"]
    [found] = [a for a in items if a["local_date"] == day and a["kind"] == "individual"]
    return found


def test_the_day_sheet_lists_a_therapists_sessions_of_one_local_date(
    clinic: Clinic, evening: dict[str, Any]
) -> None:
    sheet = clinic.staff.get(
        "/v1/appointments", params={"date": "2026-03-02", "staff_id": evening["therapist"]}
    ).json()

    assert sheet["total"] == 3  # the first patient's individual hour, both in the group
    assert [a["kind"] for a in sheet["items"]] == ["individual", "group", "group"]
    assert clinic.staff.get("/v1/appointments", params={"date": "2026-03-07"}).json()["total"] == 0


def test_a_moved_appointment_keeps_its_length_and_is_marked_rescheduled(
    clinic: Clinic, evening: dict[str, Any]
) -> None:
    first = evening["patients"][0]
    appointment = individual_on(clinic, first, "2026-03-09")

    response = clinic.staff.patch(
        f"/v1/appointments/{appointment['id']}",
        json={"starts_at": "2026-03-10T21:00:00Z"},
        headers=if_match(
            clinic.staff, f"/v1/appointments/{appointment['id']}"
        ),  # Tuesday 17:00 EDT: the other patient's
    )

    assert response.status_code == 409
    problem = response.json()
    assert problem["type"].endswith("/appointment-conflicts")
    assert {v["code"] for v in problem["violations"]} == {"staff_double_booked"}

    moved = clinic.staff.patch(
        f"/v1/appointments/{appointment['id']}",
        json={"starts_at": "2026-03-11T21:00:00Z"},  # Wednesday 17:00: free
        headers={"If-Match": f'"{appointment["version"]}"'},
    )

    assert moved.status_code == 200, moved.text
    body = moved.json()
    assert (body["local_date"], body["is_rescheduled"]) == ("2026-03-11", True)
    assert body["ends_at"].startswith("2026-03-11T22:00:00")
    assert moved.headers["ETag"] == f'"{appointment["version"] + 1}"'


def test_a_move_into_the_patients_own_group_or_a_closed_evening_is_refused(
    clinic: Clinic, evening: dict[str, Any]
) -> None:
    first = evening["patients"][0]
    appointment = individual_on(clinic, first, "2026-03-09")

    into_group = clinic.staff.patch(
        f"/v1/appointments/{appointment['id']}",
        json={"starts_at": "2026-03-11T22:30:00Z"},
        headers=if_match(clinic.staff, f"/v1/appointments/{appointment['id']}"),
    )
    on_saturday = clinic.staff.patch(
        f"/v1/appointments/{appointment['id']}",
        json={"starts_at": "2026-03-14T21:00:00Z"},
        headers=if_match(clinic.staff, f"/v1/appointments/{appointment['id']}"),
    )

    codes = {v["code"] for v in into_group.json()["violations"]}
    # The group's 15 seats and an individual session do not fit a room of 16 either.
    assert codes == {"patient_double_booked", "staff_double_booked", "room_over_capacity"}
    assert {v["code"] for v in on_saturday.json()["violations"]} == {"outside_operating_hours"}


def test_a_stale_if_match_is_refused(clinic: Clinic, evening: dict[str, Any]) -> None:
    appointment = individual_on(clinic, evening["patients"][0], "2026-03-09")

    response = clinic.staff.patch(
        f"/v1/appointments/{appointment['id']}",
        json={"status": "cancelled", "cancel_reason": "patient"},
        headers={"If-Match": '"7"'},
    )

    assert response.status_code == 412


def test_a_cancellation_keeps_its_reason_and_cannot_be_undone_by_moving(
    clinic: Clinic, evening: dict[str, Any]
) -> None:
    appointment = individual_on(clinic, evening["patients"][0], "2026-03-09")
    url = f"/v1/appointments/{appointment['id']}"

    cancelled = clinic.staff.patch(
        url,
        json={"status": "cancelled", "cancel_reason": "clinic", "note": "Therapist ill"},
        headers=if_match(clinic.staff, url),
    ).json()
    moved = clinic.staff.patch(
        url, json={"starts_at": "2026-03-11T21:00:00Z"}, headers=if_match(clinic.staff, url)
    )

    assert (cancelled["status"], cancelled["cancel_reason"]) == ("cancelled", "clinic")
    assert cancelled["cancel_note"] == "Therapist ill"
    assert moved.status_code == 409
    assert moved.json()["type"].endswith("/invalid-transition")


@pytest.mark.parametrize(
    "body",
    [
        {"status": "cancelled"},
        {"status": "cancelled", "cancel_reason": "patient", "starts_at": "2026-03-11T21:00:00Z"},
        {"cancel_reason": "patient"},
        {"starts_at": "2026-03-11T21:00:00"},
        {"status": "cancelled", "cancel_reason": "plan_changed"},
    ],
    ids=["no-reason", "both", "reason-alone", "naive-time", "reserved-reason"],
)
def test_an_unclear_change_is_a_validation_error(
    clinic: Clinic, evening: dict[str, Any], body: dict[str, Any]
) -> None:
    appointment = individual_on(clinic, evening["patients"][0], "2026-03-09")

    response = clinic.staff.patch(
        f"/v1/appointments/{appointment['id']}",
        json=body,
        headers=if_match(clinic.staff, f"/v1/appointments/{appointment['id']}"),
    )

    assert response.status_code == 422
    assert response.json()["type"].endswith("/validation-error")


def test_a_music_therapy_hour_moves_with_its_trained_therapist_but_not_onto_a_holiday(
    app: FastAPI, clinic: Clinic
) -> None:
    program = make_track(clinic)
    musician = make_staff(clinic, session_kinds=["complementary"], therapies=["music"])["id"]
    patient = admit(app, clinic, program)
    body = plan_body(weeks=4, modality="telehealth", staff_id=make_staff(clinic)["id"])
    body["sessions"].append(
        session("tuesday", "17:00", 60, "complementary", staff_id=musician, therapy="music",
                modality="telehealth")
    )  # fmt: skip
    assert (
        clinic.staff.post(
            f"/v1/admissions/{patient.admission_id}/treatment-plan", json=body
        ).status_code
        == 201
    )
    music = [
        a
        for a in clinic.staff.get(f"/v1/patients/{patient.patient_id}/appointments").json()["items"]
        if a["kind"] == "complementary"
    ]

    friday = clinic.staff.patch(
        f"/v1/appointments/{music[0]['id']}",
        json={"starts_at": "2026-03-06T22:00:00Z"},
        headers=if_match(clinic.staff, f"/v1/appointments/{music[0]['id']}"),
    )
    # Patriots' Day, a Massachusetts holiday: the program is closed.
    patriots_day = clinic.staff.patch(
        f"/v1/appointments/{music[-1]['id']}",
        json={"starts_at": "2026-04-20T21:00:00Z"},
        headers=if_match(clinic.staff, f"/v1/appointments/{music[-1]['id']}"),
    )

    assert friday.status_code == 200, friday.text
    assert patriots_day.status_code == 409
    assert [v["code"] for v in patriots_day.json()["violations"]] == ["outside_operating_hours"]


def test_an_appointment_that_has_started_cannot_be_cancelled(
    clinic: Clinic, clock: FixedClock, evening: dict[str, Any]
) -> None:
    first = individual_on(clinic, evening["patients"][0], "2026-03-02")  # Monday 17:00
    clock.now = datetime(2026, 3, 2, 22, 30, tzinfo=UTC)  # 17:30 in New York

    response = clinic.staff.patch(
        f"/v1/appointments/{first['id']}",
        json={"status": "cancelled", "cancel_reason": "clinic"},
        headers=if_match(clinic.staff, f"/v1/appointments/{first['id']}"),
    )

    assert response.status_code == 409, response.text
    assert response.json()["type"].endswith("/invalid-transition")
    assert "record its attendance" in response.json()["detail"]
    assert clinic.staff.get(f"/v1/appointments/{first['id']}").json()["status"] == "booked"


@pytest.mark.parametrize("starts_at", ["2101-01-01T12:00:00Z", "9999-12-31T23:00:00Z"])
def test_an_appointment_cannot_move_past_the_calendars_end(
    clinic: Clinic, evening: dict[str, Any], starts_at: str
) -> None:
    appointment = individual_on(clinic, evening["patients"][0], "2026-03-09")

    response = clinic.staff.patch(
        f"/v1/appointments/{appointment['id']}",
        json={"starts_at": starts_at},
        headers=if_match(clinic.staff, f"/v1/appointments/{appointment['id']}"),
    )

    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["starts_at"]
