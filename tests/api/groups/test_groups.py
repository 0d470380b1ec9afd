"""Therapy groups: setup within the program's bounds, derived status, finding a seat."""

from typing import Any

import pytest
from fastapi import FastAPI

from app.groups.models import TherapyGroup
from app.groups.schemas import GroupUpdate
from tests.api.groups.factories import admitted_patient, join, leave, make_group, post_group
from tests.factories import Clinic, if_match, make_program, make_room, make_staff


@pytest.fixture
def program(clinic: Clinic) -> dict[str, Any]:
    return make_program(clinic)


def field_errors(response: Any) -> dict[str, str]:
    return {error["field"]: error["code"] for error in response.json()["errors"]}


def test_a_new_group_takes_the_programs_size_bounds_and_is_forming(
    clinic: Clinic, program: dict[str, Any]
) -> None:
    group = make_group(clinic, program)
    assert (group["min_size"], group["max_size"]) == (8, 15)
    assert group["status"] == "forming"
    assert (group["enrolled_count"], group["waitlisted_count"], group["seats_left"]) == (0, 0, 15)
    assert group["track"] == "evening"
    read = clinic.staff.get(f"/v1/groups/{group['id']}")
    assert read.json() == group
    assert read.headers["ETag"] == '"1"'


def test_the_default_size_follows_the_programs_current_settings(
    clinic: Clinic, program: dict[str, Any]
) -> None:
    settings = program["settings"] | {"group_min_size": 6, "group_max_size": 12}
    response = clinic.admin.put(
        f"/v1/programs/{program['id']}/settings",
        json=settings,
        headers=if_match(clinic.admin, f"/v1/programs/{program['id']}/settings"),
    )
    assert response.status_code == 200, response.text
    group = make_group(clinic, program)
    assert (group["min_size"], group["max_size"]) == (6, 12)


def test_a_maximum_above_the_programs_ceiling_is_rejected(
    clinic: Clinic, program: dict[str, Any]
) -> None:
    room = make_room(clinic, capacity=40)
    response = post_group(clinic, program, room_id=room["id"], max_size=16)
    assert response.status_code == 422
    assert field_errors(response) == {"max_size": "above_program_maximum"}


def test_smaller_groups_than_the_program_allows_are_fine(
    clinic: Clinic, program: dict[str, Any]
) -> None:
    group = make_group(clinic, program, min_size=4, max_size=6)
    assert (group["min_size"], group["max_size"]) == (4, 6)


def test_a_minimum_above_the_maximum_is_rejected(clinic: Clinic, program: dict[str, Any]) -> None:
    response = post_group(clinic, program, min_size=10, max_size=9)
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("staff", "group", "code"),
    [
        pytest.param(
            {"session_kinds": ["individual"]},
            {"topic": "process"},
            "staff_not_qualified",
            id="individual_therapist_cannot_lead_a_process_group",
        ),
        pytest.param(
            {"session_kinds": ["group"]},
            {"topic": "relapse_prevention"},
            "staff_not_qualified",
            id="relapse_prevention_is_education",
        ),
        pytest.param(
            {"session_kinds": ["complementary"], "therapies": ["art"]},
            {"topic": "complementary", "therapy": "music"},
            "staff_not_qualified",
            id="art_therapist_cannot_lead_music_therapy",
        ),
    ],
)
def test_the_facilitator_must_be_qualified_for_the_topic(
    clinic: Clinic, program: dict[str, Any], staff: dict[str, Any], group: dict[str, Any], code: str
) -> None:
    facilitator = make_staff(clinic, **staff)
    response = post_group(clinic, program, facilitator_id=facilitator["id"], **group)
    assert response.status_code == 422, response.text
    assert field_errors(response) == {"facilitator_id": code}


def test_a_trained_music_therapist_leads_a_music_group(
    clinic: Clinic, program: dict[str, Any]
) -> None:
    therapist = make_staff(clinic, session_kinds=["complementary"], therapies=["Music"])
    group = make_group(
        clinic, program, topic="complementary", therapy="music", facilitator_id=therapist["id"]
    )
    assert group["therapy"] == "music"


def test_a_facilitator_cannot_lead_two_groups_at_once(
    clinic: Clinic, program: dict[str, Any]
) -> None:
    facilitator = make_staff(clinic)
    make_group(clinic, program, facilitator_id=facilitator["id"])
    clashing = {"weekdays": ["wednesday"], "start_time": "19:00", "duration_minutes": 60}
    response = post_group(clinic, program, facilitator_id=facilitator["id"], **clashing)
    assert response.status_code == 422
    assert field_errors(response) == {"facilitator_id": "staff_double_booked"}


def test_a_group_meets_within_the_programs_hours_in_a_room_or_by_telehealth(
    clinic: Clinic, program: dict[str, Any]
) -> None:
    late = post_group(clinic, program, weekdays=["friday", "saturday"], start_time="20:00")
    assert late.status_code == 422
    assert field_errors(late) == {
        "weekdays[0]": "outside_operating_hours",
        "weekdays[1]": "outside_operating_hours",
    }
    assert post_group(clinic, program, room_id=None).status_code == 422
    online = make_group(clinic, program, modality="telehealth")
    assert online["room_id"] is None


def test_a_room_too_small_for_the_group_is_rejected(
    clinic: Clinic, program: dict[str, Any]
) -> None:
    response = post_group(clinic, program, room_id=make_room(clinic, capacity=10)["id"])
    assert response.status_code == 422
    assert field_errors(response) == {"room_id": "room_over_capacity"}


def test_criteria_on_an_attribute_no_patient_has_are_rejected(
    clinic: Clinic, program: dict[str, Any]
) -> None:
    typo = [{"attribute": "veteran", "operator": "is_true"}]
    response = post_group(clinic, program, criteria=typo)
    assert response.status_code == 422
    assert field_errors(response) == {"criteria[0].attribute": "unknown_attribute"}


def test_status_moves_from_forming_to_active_to_full(
    app: FastAPI, clinic: Clinic, program: dict[str, Any]
) -> None:
    group = make_group(clinic, program, min_size=2, max_size=3)
    statuses = []
    for _ in range(3):
        assert join(clinic.staff, group, admitted_patient(app, clinic, program)).status_code == 201
        read = clinic.staff.get(f"/v1/groups/{group['id']}").json()
        statuses.append((read["status"], read["seats_left"]))
        listed = clinic.staff.get("/v1/groups", params={"status": read["status"]}).json()
        assert [g["id"] for g in listed["items"]] == [group["id"]]
    assert statuses == [("forming", 2), ("active", 1), ("full", 0)]


def test_has_seats_finds_open_groups_with_room_for_one_more(
    app: FastAPI, clinic: Clinic, program: dict[str, Any]
) -> None:
    full = make_group(clinic, program, name="Full", min_size=1, max_size=1)
    join(clinic.staff, full, admitted_patient(app, clinic, program))
    closed = make_group(clinic, program, name="Closed")
    clinic.staff.post(
        f"/v1/groups/{closed['id']}/close",
        headers=if_match(clinic.staff, f"/v1/groups/{closed['id']}/close"),
    )
    open_group = make_group(clinic, program, name="Open")
    with_seats = clinic.staff.get("/v1/groups", params={"has_seats": True}).json()
    assert [g["name"] for g in with_seats["items"]] == ["Open"]
    without = clinic.staff.get("/v1/groups", params={"has_seats": False}).json()
    assert [g["name"] for g in without["items"]] == ["Closed", "Full"]
    assert open_group["seats_left"] == 15


def test_groups_are_found_by_program_and_specialization(
    clinic: Clinic, program: dict[str, Any]
) -> None:
    other_program = make_program(clinic, name="Adult IOP – Day")
    make_group(clinic, program, name="Veterans", specialization="Veterans")
    make_group(clinic, program, name="General")
    make_group(clinic, other_program, name="Other veterans", specialization="veterans")

    def names(**params: str) -> list[str]:
        page = clinic.staff.get("/v1/groups", params=params).json()
        return [g["name"] for g in page["items"]]

    assert names(program_id=program["id"], specialization="VETERANS") == ["Veterans"]
    assert names(specialization="general") == ["General"]
    assert names(program_id=other_program["id"]) == ["Other veterans"]


def test_an_update_needs_the_current_version_and_keeps_the_ceiling(
    app: FastAPI, clinic: Clinic, program: dict[str, Any]
) -> None:
    group = make_group(clinic, program)
    url = f"/v1/groups/{group['id']}"
    renamed = clinic.staff.patch(url, json={"name": "Renamed"}, headers={"If-Match": '"1"'})
    assert renamed.status_code == 200, renamed.text
    assert renamed.headers["ETag"] == '"2"'
    stale = clinic.staff.patch(url, json={"name": "Again"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    too_big = clinic.staff.patch(url, json={"max_size": 20}, headers=if_match(clinic.staff, url))
    assert too_big.status_code == 422
    assert field_errors(too_big)["max_size"] == "above_program_maximum"


def test_the_maximum_cannot_drop_below_the_members_enrolled(
    app: FastAPI, clinic: Clinic, program: dict[str, Any]
) -> None:
    group = make_group(clinic, program, min_size=1, max_size=3)
    for _ in range(3):
        join(clinic.staff, group, admitted_patient(app, clinic, program))
    response = clinic.staff.patch(
        f"/v1/groups/{group['id']}",
        json={"max_size": 2},
        headers=if_match(clinic.staff, f"/v1/groups/{group['id']}"),
    )
    assert response.status_code == 409


def test_raising_the_maximum_gives_the_new_seats_to_the_waitlist(
    app: FastAPI, clinic: Clinic, program: dict[str, Any]
) -> None:
    group = make_group(clinic, program, min_size=1, max_size=1)
    join(clinic.staff, group, admitted_patient(app, clinic, program))
    waiting = admitted_patient(app, clinic, program)
    assert join(clinic.staff, group, waiting, waitlist=True).status_code == 202
    raised = clinic.staff.patch(
        f"/v1/groups/{group['id']}",
        json={"max_size": 2},
        headers=if_match(clinic.staff, f"/v1/groups/{group['id']}"),
    ).json()
    assert (raised["enrolled_count"], raised["waitlisted_count"]) == (2, 0)


def test_closing_a_group_ends_its_memberships_and_refuses_new_ones(
    app: FastAPI, clinic: Clinic, program: dict[str, Any]
) -> None:
    group = make_group(clinic, program, min_size=1, max_size=1)
    member = admitted_patient(app, clinic, program)
    join(clinic.staff, group, member)
    join(clinic.staff, group, admitted_patient(app, clinic, program), waitlist=True)
    closed = clinic.staff.post(
        f"/v1/groups/{group['id']}/close",
        headers=if_match(clinic.staff, f"/v1/groups/{group['id']}/close"),
    )
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    assert (closed.json()["enrolled_count"], closed.json()["waitlisted_count"]) == (0, 0)
    listed = clinic.staff.get("/v1/groups", params={"status": "closed"}).json()
    assert [g["id"] for g in listed["items"]] == [group["id"]]
    ended = clinic.staff.get(
        f"/v1/groups/{group['id']}/members", params={"status": ["left", "removed"]}
    ).json()
    assert sorted(m["status"] for m in ended["items"]) == ["left", "removed"]
    late = join(clinic.staff, group, admitted_patient(app, clinic, program))
    assert late.status_code == 409
    assert late.json()["type"].endswith("/group-closed")
    assert (
        clinic.staff.post(
            f"/v1/groups/{group['id']}/close",
            headers=if_match(clinic.staff, f"/v1/groups/{group['id']}/close"),
        ).status_code
        == 409
    )
    assert leave(clinic.staff, group, member).status_code == 404


def test_another_organizations_groups_patients_and_programs_are_not_found(
    app: FastAPI, clinic: Clinic, other_clinic: Clinic, program: dict[str, Any]
) -> None:
    group = make_group(clinic, program)
    theirs = make_program(other_clinic)
    stranger = admitted_patient(app, other_clinic, theirs)
    assert other_clinic.staff.get(f"/v1/groups/{group['id']}").status_code == 404
    assert other_clinic.staff.get(f"/v1/groups/{group['id']}/members").status_code == 404
    assert join(other_clinic.staff, group, stranger).status_code == 404
    assert join(clinic.staff, group, stranger).status_code == 404
    assert other_clinic.staff.get("/v1/groups").json()["total"] == 0
    foreign_program = post_group(clinic, theirs)
    assert foreign_program.status_code == 404


def test_payers_see_no_groups_and_ehr_integrations_only_read_them(
    app: FastAPI, clinic: Clinic, program: dict[str, Any]
) -> None:
    group = make_group(clinic, program)
    patient = admitted_patient(app, clinic, program)
    assert clinic.payer.get("/v1/groups").status_code == 403
    assert clinic.payer.get(f"/v1/groups/{group['id']}/members").status_code == 403
    assert clinic.ehr.get(f"/v1/groups/{group['id']}").status_code == 200
    assert clinic.ehr.get(f"/v1/groups/{group['id']}/members").status_code == 200
    assert join(clinic.ehr, group, patient).status_code == 403
    assert (
        clinic.ehr.patch(
            f"/v1/groups/{group['id']}",
            json={"name": "X"},
            headers=if_match(clinic.ehr, f"/v1/groups/{group['id']}"),
        ).status_code
        == 403
    )
    assert (
        clinic.ehr.post(
            f"/v1/groups/{group['id']}/close",
            headers=if_match(clinic.ehr, f"/v1/groups/{group['id']}/close"),
        ).status_code
        == 403
    )
    sizing = clinic.ehr.post(
        "/v1/groups/sizing", json={"program_id": program["id"], "counts": {"general": 8}}
    )
    assert sizing.status_code == 403
    assert clinic.clinician.get("/v1/groups").status_code == 200


# Every field a group always has (a NOT NULL column) that an update may change.
REQUIRED_FIELDS = sorted(
    name for name in GroupUpdate.model_fields if not TherapyGroup.__table__.columns[name].nullable
)


@pytest.mark.parametrize("field", REQUIRED_FIELDS)
def test_an_update_cannot_empty_a_field_every_group_has(
    clinic: Clinic, program: dict[str, Any], field: str
) -> None:
    group = make_group(clinic, program)
    response = clinic.staff.patch(
        f"/v1/groups/{group['id']}",
        json={field: None},
        headers=if_match(clinic.staff, f"/v1/groups/{group['id']}"),
    )
    assert response.status_code == 422, response.text
    assert response.json()["type"].endswith("/validation-error")
    assert field_errors(response) == {field: "null_not_allowed"}
    assert clinic.staff.get(f"/v1/groups/{group['id']}").json()["version"] == group["version"]


def test_an_update_may_empty_what_a_group_may_lack(clinic: Clinic, program: dict[str, Any]) -> None:
    group = make_group(clinic, program, specialization="veterans")
    emptied = {"specialization": None, "facilitator_id": None, "room_id": None}
    response = clinic.staff.patch(
        f"/v1/groups/{group['id']}",
        json=emptied | {"modality": "telehealth"},
        headers=if_match(clinic.staff, f"/v1/groups/{group['id']}"),
    )
    assert response.status_code == 200, response.text
    assert {name: response.json()[name] for name in emptied} == emptied


def test_the_programs_shortest_session_decides_the_shortest_group(
    clinic: Clinic, program: dict[str, Any]
) -> None:
    assert field_errors(post_group(clinic, program, duration_minutes=10)) == {
        "duration_minutes": "session_too_short"
    }
    settings = program["settings"] | {"min_session_minutes": 10}
    response = clinic.admin.put(
        f"/v1/programs/{program['id']}/settings",
        json=settings,
        headers=if_match(clinic.admin, f"/v1/programs/{program['id']}/settings"),
    )
    assert response.status_code == 200, response.text
    group = make_group(clinic, program, duration_minutes=10)
    assert group["duration_minutes"] == 10
    shorter = clinic.staff.patch(
        f"/v1/groups/{group['id']}",
        json={"duration_minutes": 5},
        headers=if_match(clinic.staff, f"/v1/groups/{group['id']}"),
    )
    assert field_errors(shorter) == {"duration_minutes": "session_too_short"}
    longer = clinic.staff.patch(
        f"/v1/groups/{group['id']}",
        json={"duration_minutes": 12},
        headers=if_match(clinic.staff, f"/v1/groups/{group['id']}"),
    )
    assert longer.status_code == 200, longer.text
    assert post_group(clinic, program, duration_minutes=4).status_code == 422


@pytest.mark.parametrize("start_time", ["18:00:30", "18:00+02:00"])
def test_a_meeting_time_is_a_local_time_to_the_minute_on_create_and_on_update(
    clinic: Clinic, program: dict[str, Any], start_time: str
) -> None:
    assert post_group(clinic, program, start_time=start_time).status_code == 422
    group = make_group(clinic, program)
    moved = clinic.staff.patch(
        f"/v1/groups/{group['id']}",
        json={"start_time": start_time},
        headers=if_match(clinic.staff, f"/v1/groups/{group['id']}"),
    )
    assert moved.status_code == 422
    assert moved.json()["errors"][0]["field"] == "start_time"
