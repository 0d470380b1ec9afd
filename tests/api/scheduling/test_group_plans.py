"""Group enrollment reaches the plan: `add_group_to_plan` and `remove_group_from_plan`."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, time
from typing import Any

import pytest
from fastapi import FastAPI

from app.admissions.models import Admission
from app.context import Context
from app.groups.models import TherapyGroup
from app.scheduling import service
from app.scheduling.errors import PlanHasViolations
from app.security import Principal, Role
from tests.conftest import FixedClock
from tests.factories import Clinic, if_match, make_room, make_staff

from .factories import Admitted, admit, make_track, plan_body


@contextmanager
def service_context(app: FastAPI, clinic: Clinic) -> Iterator[Context]:
    principal = Principal(uuid.uuid4(), clinic.organization_id, Role.staff, None)
    with app.state.sessionmaker.begin() as session:
        yield Context(session, principal, "req-groups", app.state.clock())


def make_group(app: FastAPI, clinic: Clinic, program: dict[str, Any], **fields: Any) -> uuid.UUID:
    values: dict[str, Any] = {
        "name": "Relapse prevention (Tue)",
        "topic": "process",
        "modality": "in_person",
        "weekdays": ["tuesday"],
        "start_time": time(18, 0),
        "duration_minutes": 90,
        "track": "evening",
        "admission_type": "open",
        "criteria": [],
        "min_size": 8,
        "max_size": 12,
    } | fields
    with app.state.sessionmaker.begin() as session:
        group = TherapyGroup(
            organization_id=clinic.organization_id, program_id=uuid.UUID(program["id"]), **values
        )
        session.add(group)
        session.flush()
        return group.id


def change_groups(
    app: FastAPI, clinic: Clinic, patient: Admitted, group_id: uuid.UUID, *, add: bool
) -> None:
    with service_context(app, clinic) as ctx:
        admission = ctx.get(Admission, patient.admission_id)
        group = ctx.get(TherapyGroup, group_id)
        change = service.add_group_to_plan if add else service.remove_group_from_plan
        change(ctx, admission, group)


@pytest.fixture
def planned(app: FastAPI, clinic: Clinic) -> tuple[Admitted, dict[str, Any], dict[str, Any]]:
    """An evening patient planned Monday, Wednesday and Thursday for four weeks."""
    program = make_track(clinic)
    staff = make_staff(clinic)
    room = make_room(clinic)
    patient = admit(app, clinic, program)
    body = plan_body(weeks=4, staff_id=staff["id"], room_id=room["id"])
    response = clinic.staff.post(f"/v1/admissions/{patient.admission_id}/treatment-plan", json=body)
    assert response.status_code == 201, response.text
    return (
        patient,
        program,
        {"facilitator_id": uuid.UUID(staff["id"]), "room_id": uuid.UUID(room["id"])},
    )


def appointments(clinic: Clinic, patient: Admitted) -> list[dict[str, Any]]:
    page = clinic.staff.get(
        f"/v1/patients/{patient.patient_id}/appointments", params={"limit": 200}
    ).json()
    items: list[dict[str, Any]] = page["items"]
    return items


def test_joining_a_group_plans_and_books_its_meetings(
    app: FastAPI, clinic: Clinic, planned: tuple[Admitted, dict[str, Any], dict[str, Any]]
) -> None:
    patient, program, leads = planned
    group_id = make_group(app, clinic, program, **leads)
    before = {a["id"] for a in appointments(clinic, patient)}

    change_groups(app, clinic, patient, group_id, add=True)

    plan = clinic.staff.get(f"/v1/admissions/{patient.admission_id}/treatment-plan").json()
    assert plan["previous_plan_id"] is not None
    assert (plan["days_per_week"], plan["weekly_hours"]) == (4, 10.5)
    [group_session] = [s for s in plan["sessions"] if s["group_id"] == str(group_id)]
    assert (group_session["weekday"], group_session["start_time"]) == ("tuesday", "18:00")
    after = appointments(clinic, patient)
    tuesdays = [a for a in after if a["group_id"] == str(group_id)]
    assert [a["local_date"] for a in tuesdays] == [
        "2026-03-03", "2026-03-10", "2026-03-17", "2026-03-24",
    ]  # fmt: skip
    # The sessions that did not change keep their appointments, and so their calendar UIDs.
    assert before <= {a["id"] for a in after}
    assert all(a["plan_id"] == plan["id"] for a in after)


def test_joining_twice_changes_nothing(
    app: FastAPI, clinic: Clinic, planned: tuple[Admitted, dict[str, Any], dict[str, Any]]
) -> None:
    patient, program, leads = planned
    group_id = make_group(app, clinic, program, **leads)
    change_groups(app, clinic, patient, group_id, add=True)
    first = clinic.staff.get(f"/v1/admissions/{patient.admission_id}/treatment-plan").json()

    change_groups(app, clinic, patient, group_id, add=True)

    again = clinic.staff.get(f"/v1/admissions/{patient.admission_id}/treatment-plan").json()
    assert again["id"] == first["id"]


def test_a_group_that_breaks_the_plan_is_refused_and_nothing_changes(
    app: FastAPI, clinic: Clinic, planned: tuple[Admitted, dict[str, Any], dict[str, Any]]
) -> None:
    patient, program, leads = planned
    clashing = make_group(app, clinic, program, weekdays=["monday"], **leads)
    plan = clinic.staff.get(f"/v1/admissions/{patient.admission_id}/treatment-plan").json()

    with pytest.raises(PlanHasViolations) as refused:
        change_groups(app, clinic, patient, clashing, add=True)

    assert refused.value.status == 422
    codes = {v["code"] for v in refused.value.extensions["violations"]}
    assert "overlapping_sessions" in codes
    now = clinic.staff.get(f"/v1/admissions/{patient.admission_id}/treatment-plan").json()
    assert now["id"] == plan["id"]


def test_leaving_a_group_cancels_only_its_future_meetings(
    app: FastAPI,
    clinic: Clinic,
    clock: FixedClock,
    planned: tuple[Admitted, dict[str, Any], dict[str, Any]],
) -> None:
    patient, program, leads = planned
    group_id = make_group(app, clinic, program, **leads)
    change_groups(app, clinic, patient, group_id, add=True)
    clock.now = datetime(2026, 3, 12, 12, 0, tzinfo=UTC)  # two Tuesdays have passed
    before = {a["id"]: a for a in appointments(clinic, patient)}

    change_groups(app, clinic, patient, group_id, add=False)

    after = {a["id"]: a for a in appointments(clinic, patient)}
    assert after.keys() == before.keys()
    meetings = sorted((a for a in after.values() if a["group_id"]), key=lambda a: a["starts_at"])
    assert [a["status"] for a in meetings] == ["booked", "booked", "cancelled", "cancelled"]
    assert {a["cancel_reason"] for a in meetings[2:]} == {"plan_changed"}
    others = [a for a in after.values() if not a["group_id"]]
    assert all(a["status"] == "booked" for a in others)
    plan = clinic.staff.get(f"/v1/admissions/{patient.admission_id}/treatment-plan").json()
    assert all(s["group_id"] is None for s in plan["sessions"])


def test_without_a_plan_joining_or_leaving_a_group_does_nothing(
    app: FastAPI, clinic: Clinic
) -> None:
    program = make_track(clinic)
    patient = admit(app, clinic, program)
    group_id = make_group(app, clinic, program)

    change_groups(app, clinic, patient, group_id, add=True)
    change_groups(app, clinic, patient, group_id, add=False)

    assert (
        clinic.staff.get(f"/v1/admissions/{patient.admission_id}/treatment-plan").status_code == 404
    )


def test_two_patients_in_one_group_share_its_meeting_without_double_booking(
    app: FastAPI, clinic: Clinic, planned: tuple[Admitted, dict[str, Any], dict[str, Any]]
) -> None:
    patient, program, leads = planned
    other = admit(app, clinic, program)
    body = plan_body(weeks=4, staff_id=str(leads["facilitator_id"]), room_id=str(leads["room_id"]))
    clinic.staff.post(f"/v1/admissions/{other.admission_id}/treatment-plan", json=body)
    group_id = make_group(app, clinic, program, **leads)

    change_groups(app, clinic, patient, group_id, add=True)
    change_groups(app, clinic, other, group_id, add=True)

    sheet = clinic.staff.get("/v1/appointments", params={"date": "2026-03-03"}).json()
    assert sheet["total"] == 2
    assert {a["group_id"] for a in sheet["items"]} == {str(group_id)}


def test_joining_a_group_reports_a_therapist_who_left_as_a_plan_violation(
    app: FastAPI, clinic: Clinic, planned: tuple[Admitted, dict[str, Any], dict[str, Any]]
) -> None:
    patient, program, leads = planned
    group_id = make_group(app, clinic, program, facilitator_id=uuid.UUID(make_staff(clinic)["id"]))
    left = clinic.admin.patch(
        f"/v1/staff/{leads['facilitator_id']}",
        json={"is_active": False},
        headers=if_match(clinic.admin, f"/v1/staff/{leads['facilitator_id']}"),
    )
    assert left.status_code == 200, left.text

    with pytest.raises(PlanHasViolations) as refused:
        change_groups(app, clinic, patient, group_id, add=True)

    codes = {v["code"] for v in refused.value.extensions["violations"]}
    assert codes == {"staff_not_qualified"}
