"""Care flows called as a service would: a `Context` built directly, one transaction each.

What a flow changes across domains, and the domain events it leaves in its transaction.
"""

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from app.admissions.schemas import Discharge
from app.context import Context
from app.errors import InvalidTransition
from app.events.models import DomainEventRecord
from app.flows import admissions as admission_flows
from app.flows import groups as group_flows
from app.flows import patients as patient_flows
from app.flows.patients import PatientInCare
from app.groups.schemas import GroupUpdate, MembershipCreate
from app.security import Principal, Role
from tests.api.groups.factories import admitted_patient, join, make_group, make_plan
from tests.api.scheduling.factories import make_track
from tests.factories import Clinic

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
T = TypeVar("T")


@pytest.fixture
def program(clinic: Clinic) -> dict[str, Any]:
    return make_track(clinic)


@pytest.fixture
def run(app: FastAPI, clinic: Clinic) -> Callable[[Callable[[Context], T]], T]:
    """Run a flow in its own committed transaction, as staff of the clinic."""
    principal = Principal(uuid.uuid4(), clinic.organization_id, Role.staff, None)

    def run_flow(flow: Callable[[Context], T]) -> T:
        with context(app, principal, request_id=f"req-{uuid.uuid4().hex[:8]}") as ctx:
            return flow(ctx)

    return run_flow


@contextmanager
def context(app: FastAPI, principal: Principal, request_id: str) -> Iterator[Context]:
    with app.state.sessionmaker.begin() as session:
        yield Context(session=session, principal=principal, request_id=request_id, now=NOW)


def events_of(app: FastAPI, request_id: str | None = None) -> list[tuple[str, dict[str, str]]]:
    with app.state.sessionmaker() as session:
        # In the order they were made: the test's clock stands still, and ids follow creation.
        statement = select(DomainEventRecord).order_by(
            DomainEventRecord.occurred_at, DomainEventRecord.id
        )
        if request_id is not None:
            statement = statement.where(DomainEventRecord.request_id == request_id)
        return [(event.type, event.subject) for event in session.scalars(statement)]


def event_types(app: FastAPI) -> list[str]:
    return [event_type for event_type, _subject in events_of(app)]


def test_discharging_frees_the_seat_ends_the_plan_and_leaves_every_event(
    app: FastAPI, clinic: Clinic, program: dict[str, Any], run: Any
) -> None:
    group = make_group(clinic, program, min_size=1, max_size=1)
    leaving = admitted_patient(app, clinic, program, admission_status="active")
    waiting = admitted_patient(app, clinic, program)
    admission_id = admission_of(app, clinic, leaving)
    make_plan(clinic, admission_id, plan_sessions())
    assert join(clinic.staff, group, leaving).status_code == 201
    assert join(clinic.staff, group, waiting, waitlist=True).status_code == 202
    before = len(event_types(app))

    discharge = Discharge(type="completed", reason="Completed the program.")
    read = run(lambda ctx: admission_flows.discharge(ctx, admission_id, discharge))

    assert read.status == "discharged"
    emitted = event_types(app)[before:]
    assert sorted(emitted) == sorted(
        [
            "group_membership.ended",
            "group_membership.promoted",
            "treatment_plan.saved",  # the group's meetings left the plan
            "treatment_plan.ended",
            "admission.discharged",
        ]
    )
    members = clinic.staff.get(f"/v1/groups/{group['id']}/members").json()["items"]
    assert [(m["patient_id"], m["status"]) for m in members] == [(str(waiting), "enrolled")]


def test_a_refused_flow_changes_nothing_and_emits_nothing(
    app: FastAPI, clinic: Clinic, program: dict[str, Any], run: Any
) -> None:
    group = make_group(clinic, program)
    patient = admitted_patient(app, clinic, program)
    assert join(clinic.staff, group, patient).status_code == 201
    before = event_types(app)

    with pytest.raises(PatientInCare):
        run(lambda ctx: patient_flows.delete_patient(ctx, patient, None))
    admission_id = admission_of(app, clinic, patient)
    discharge = Discharge(type="completed", reason="Done")
    with pytest.raises(InvalidTransition):  # an approved admission is not discharged
        run(lambda ctx: admission_flows.discharge(ctx, admission_id, discharge))

    assert event_types(app) == before
    assert clinic.staff.get(f"/v1/patients/{patient}").status_code == 200


def test_moving_a_groups_meetings_moves_every_members_plan(
    app: FastAPI, clinic: Clinic, program: dict[str, Any], run: Any
) -> None:
    group = make_group(clinic, program)
    members = [admitted_patient(app, clinic, program) for _ in range(2)]
    for patient in members:
        make_plan(clinic, admission_of(app, clinic, patient), plan_sessions())
        assert join(clinic.staff, group, patient).status_code == 201
    before = len(event_types(app))

    change = GroupUpdate.model_validate({"start_time": "19:00"})
    read = run(lambda ctx: group_flows.change_group(ctx, uuid.UUID(group["id"]), change, None))

    assert read.start_time.isoformat(timespec="minutes") == "19:00"
    emitted = event_types(app)[before:]
    # Each member's plan: one version without the old meetings, one with the new.
    assert sorted(emitted) == ["group.changed"] + ["treatment_plan.saved"] * 4
    for patient in members:
        planned = clinic.staff.get(
            f"/v1/admissions/{admission_of(app, clinic, patient)}/treatment-plan"
        ).json()["sessions"]
        meetings = sorted(
            (s["weekday"], s["start_time"][:5]) for s in planned if s["group_id"] == group["id"]
        )
        assert meetings == [("monday", "19:00"), ("wednesday", "19:00")]


def test_enrolling_and_waiting_are_events_naming_ids_only(
    app: FastAPI, clinic: Clinic, program: dict[str, Any], run: Any
) -> None:
    group = make_group(clinic, program, min_size=1, max_size=1)
    first, second = (admitted_patient(app, clinic, program) for _ in range(2))
    group_id = uuid.UUID(group["id"])

    run(lambda ctx: group_flows.enroll(ctx, group_id, MembershipCreate(patient_id=first)))
    run(
        lambda ctx: group_flows.enroll(
            ctx, group_id, MembershipCreate(patient_id=second, waitlist_if_full=True)
        )
    )

    events = events_of(app)[-2:]
    assert [event_type for event_type, _ in events] == [
        "group_membership.enrolled",
        "group_membership.waitlisted",
    ]
    for _type, subject in events:
        assert set(subject) == {"group_id", "group_membership_id"}
        assert subject["group_id"] == group["id"]


def admission_of(app: FastAPI, clinic: Clinic, patient_id: uuid.UUID) -> uuid.UUID:
    page = clinic.staff.get("/v1/admissions", params={"patient_id": str(patient_id)}).json()
    return uuid.UUID(page["items"][0]["id"])


def plan_sessions() -> list[dict[str, Any]]:
    """Three evenings of individual sessions that leave Monday and Wednesday at 18:00 free for
    the test groups' meetings."""
    return [
        {"weekday": day, "start_time": "17:00", "duration_minutes": 180, "kind": "individual"}
        for day in ("tuesday", "thursday", "friday")
    ]
