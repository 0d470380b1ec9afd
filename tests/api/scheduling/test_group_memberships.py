"""A plan names a therapy group only as the groups API enrolled the patient: at the group's
own meetings, and never leaving out the meetings of a group the patient is in."""

from typing import Any

from fastapi import FastAPI

from tests.api.groups.factories import join, leave, make_group
from tests.factories import Clinic

from .factories import Admitted, admit, make_track, session

# Two evening hours of individual work besides the group's three hours: nine in all.
INDIVIDUAL = [
    session("thursday", "17:00", 240, "individual"),
    session("friday", "17:00", 120, "individual"),
]


def meetings(group: dict[str, Any], **changes: Any) -> list[dict[str, Any]]:
    """The group's Monday and Wednesday meetings as plan sessions."""
    leads = {"staff_id": group["facilitator_id"], "room_id": group["room_id"]}
    return [
        session(day, "18:00", 90, "group", group_id=group["id"], **leads) | changes
        for day in ("monday", "wednesday")
    ]


def save(clinic: Clinic, patient: Admitted, sessions: list[dict[str, Any]]) -> Any:
    body = {"start_date": "2026-03-02", "weeks": 4, "sessions": sessions}
    return clinic.staff.post(f"/v1/admissions/{patient.admission_id}/treatment-plan", json=body)


def errors(response: Any) -> list[tuple[str, str]]:
    assert response.status_code == 422, response.text
    return [(e["field"], e["code"]) for e in response.json()["errors"]]


def test_a_plan_cannot_seat_a_patient_in_a_full_group_they_never_joined(
    app: FastAPI, clinic: Clinic
) -> None:
    program = make_track(clinic)
    group = make_group(clinic, program, max_size=1, min_size=1)
    member = admit(app, clinic, program)
    assert join(clinic.staff, group, member.patient_id).status_code == 201
    outsider = admit(app, clinic, program)
    sessions = meetings(group) + INDIVIDUAL

    saved = save(clinic, outsider, sessions)
    dry_run = clinic.staff.post(
        "/v1/treatment-plans/validate",
        json={"start_date": "2026-03-02", "weeks": 4, "sessions": sessions}
        | {"admission_id": str(outsider.admission_id)},
    )

    expected = [
        ("sessions[0].group_id", "not_enrolled"),
        ("sessions[1].group_id", "not_enrolled"),
    ]
    assert errors(saved) == expected
    assert f"POST /v1/groups/{group['id']}/members" in saved.json()["errors"][0]["message"]
    assert errors(dry_run) == expected
    read = clinic.staff.get(f"/v1/groups/{group['id']}").json()
    assert read["enrolled_count"] == 1
    assert clinic.staff.get(f"/v1/patients/{outsider.patient_id}/appointments").json()["total"] == 0


def test_an_enrolled_patients_plan_names_the_group_only_at_its_meetings(
    app: FastAPI, clinic: Clinic
) -> None:
    program = make_track(clinic)
    group = make_group(clinic, program)
    patient = admit(app, clinic, program)
    assert join(clinic.staff, group, patient.patient_id).status_code == 201
    shortened = meetings(group, duration_minutes=60)
    moved = meetings(group)
    moved[1] = moved[1] | {"weekday": "tuesday"}

    assert ("sessions[0].group_id", "not_a_group_meeting") in errors(
        save(clinic, patient, shortened + INDIVIDUAL)
    )
    assert ("sessions[1].group_id", "not_a_group_meeting") in errors(
        save(clinic, patient, moved + INDIVIDUAL)
    )
    assert save(clinic, patient, meetings(group) + INDIVIDUAL).status_code == 201


def test_a_plan_keeps_a_joined_groups_meetings_until_the_patient_leaves_the_group(
    app: FastAPI, clinic: Clinic
) -> None:
    program = make_track(clinic)
    group = make_group(clinic, program)
    patient = admit(app, clinic, program)
    assert join(clinic.staff, group, patient.patient_id).status_code == 201
    without_group = [*INDIVIDUAL, session("monday", "17:00", 180, "individual")]

    refused = save(clinic, patient, without_group)

    assert errors(refused) == [("sessions", "group_meetings_missing")]
    assert group["id"] in refused.json()["errors"][0]["message"]
    assert leave(clinic.staff, group, patient.patient_id).status_code == 200
    assert save(clinic, patient, without_group).status_code == 201


def test_joining_a_group_plans_its_meetings_and_the_plan_can_be_saved_again(
    app: FastAPI, clinic: Clinic
) -> None:
    program = make_track(clinic)
    group = make_group(clinic, program)
    patient = admit(app, clinic, program)
    first = save(clinic, patient, [session("tuesday", "17:00", 240, "individual"), *INDIVIDUAL])
    assert first.status_code == 201, first.text

    assert join(clinic.staff, group, patient.patient_id).status_code == 201

    plan = clinic.staff.get(f"/v1/admissions/{patient.admission_id}/treatment-plan").json()
    assert sorted(s["weekday"] for s in plan["sessions"] if s["group_id"] == group["id"]) == [
        "monday",
        "wednesday",
    ]
    again = [{k: v for k, v in s.items() if k != "id"} for s in plan["sessions"]]
    assert save(clinic, patient, again).status_code == 201
