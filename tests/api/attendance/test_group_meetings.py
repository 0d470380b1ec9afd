"""A whole group meeting in one call: the roster shows everyone the group had that day."""

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI

from tests.api.groups.factories import join, make_group
from tests.api.scheduling.factories import Admitted, admit, make_track, plan_body, session
from tests.conftest import FixedClock
from tests.factories import Clinic


def planned_around_the_group(app: FastAPI, clinic: Clinic, program: dict[str, Any]) -> Admitted:
    """Tuesday, Thursday and Friday 17:00–20:00, leaving Monday and Wednesday to the group."""
    patient = admit(app, clinic, program)
    body = plan_body(weeks=4) | {
        "sessions": [session(day, "17:00", 180) for day in ("tuesday", "thursday", "friday")]
    }
    response = clinic.staff.post(f"/v1/admissions/{patient.admission_id}/treatment-plan", json=body)
    assert response.status_code == 201, response.text
    return patient


@pytest.fixture
def meeting(app: FastAPI, clinic: Clinic, clock: FixedClock) -> dict[str, Any]:
    """A Monday and Wednesday group: one member from the start, a second member from Wednesday."""
    program = make_track(clinic)
    group = make_group(clinic, program)
    first = planned_around_the_group(app, clinic, program)
    assert join(clinic.staff, group, first.patient_id).status_code == 201
    clock.now = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)  # Tuesday: joins mid-week
    second = planned_around_the_group(app, clinic, program)
    assert join(clinic.staff, group, second.patient_id).status_code == 201
    clock.now = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
    return {"group": group, "first": first, "second": second}


def url(meeting: dict[str, Any], day: str) -> str:
    return f"/v1/groups/{meeting['group']['id']}/meetings/{day}/attendance"


def test_a_facilitator_records_the_whole_meeting_in_one_call(
    clinic: Clinic, meeting: dict[str, Any]
) -> None:
    first, second = meeting["first"], meeting["second"]
    marks = [
        {"patient_id": str(first.patient_id), "status": "present"},
        {"patient_id": str(second.patient_id), "status": "late", "minutes_attended": 60},
    ]

    response = clinic.staff.put(url(meeting, "2026-03-04"), json={"marks": marks})

    assert response.status_code == 200, response.text
    members = {m["patient_id"]: m for m in response.json()["members"]}
    assert members[str(first.patient_id)]["attendance"]["minutes_attended"] == 90
    assert members[str(second.patient_id)]["attendance"]["status"] == "late"
    assert {m["appointment_status"] for m in members.values()} == {"fulfilled"}


def test_the_roster_lists_members_not_yet_marked_so_the_facilitator_sees_who_is_missing(
    clinic: Clinic, meeting: dict[str, Any]
) -> None:
    first, second = meeting["first"], meeting["second"]
    marks = [{"patient_id": str(first.patient_id), "status": "present"}]

    response = clinic.staff.put(url(meeting, "2026-03-04"), json={"marks": marks})

    members = {m["patient_id"]: m for m in response.json()["members"]}
    assert set(members) == {str(first.patient_id), str(second.patient_id)}
    assert members[str(second.patient_id)]["attendance"] is None
    assert members[str(second.patient_id)]["given_name"]


def test_a_member_who_joined_mid_week_is_not_on_the_earlier_meeting(
    clinic: Clinic, meeting: dict[str, Any]
) -> None:
    monday = clinic.staff.get(url(meeting, "2026-03-02")).json()["members"]
    wednesday = clinic.staff.get(url(meeting, "2026-03-04")).json()["members"]

    assert [m["patient_id"] for m in monday] == [str(meeting["first"].patient_id)]
    assert len(wednesday) == 2


def test_a_mark_for_someone_not_in_the_meeting_stores_nothing(
    clinic: Clinic, meeting: dict[str, Any]
) -> None:
    first, second = meeting["first"], meeting["second"]
    marks = [
        {"patient_id": str(first.patient_id), "status": "present"},
        {"patient_id": str(second.patient_id), "status": "present"},
    ]

    response = clinic.staff.put(url(meeting, "2026-03-02"), json={"marks": marks})

    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["field"], error["code"]) == ("marks[1].patient_id", "not_in_meeting")
    roster = clinic.staff.get(url(meeting, "2026-03-02")).json()["members"]
    assert roster[0]["attendance"] is None


def test_a_meeting_still_ahead_takes_no_marks(clinic: Clinic, meeting: dict[str, Any]) -> None:
    marks = [{"patient_id": str(meeting["first"].patient_id), "status": "present"}]

    response = clinic.staff.put(url(meeting, "2026-03-09"), json={"marks": marks})

    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "before_session"


@pytest.mark.parametrize("day", ["2026-02-30", "yesterday", "2026-3-4"])
def test_a_meeting_date_that_is_no_date_answers_422(
    clinic: Clinic, meeting: dict[str, Any], day: str
) -> None:
    assert clinic.staff.get(url(meeting, day)).status_code == 422
