"""Flows that take the same rows at the same moment wait for each other instead of deadlocking
(the lock order of `app.flows.locks`), on PostgreSQL with real row locks.

Each round: patient B holds the one seat of group G1 and patient A waits for it, A also sits in
group G2. Then, at once, A is discharged (A's groups, then A's admission) while B leaves G1
(G1, then the promoted A's admission). Taken in the opposite orders, these two deadlock.
"""

import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import TypeVar

import psycopg
import pytest
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from app.access import service as access_service
from app.access.schemas import ApiKeyCreate
from app.admissions.assessment import Assessment
from app.admissions.examples import REQUESTS
from app.admissions.models import Admission, AdmissionAssessment
from app.admissions.rules import evaluate_eligibility
from app.admissions.schemas import Discharge
from app.config import Settings
from app.context import Context
from app.db import create_db_engine, create_sessionmaker
from app.flows import admissions as admission_flows
from app.flows import groups as group_flows
from app.groups import service as groups_service
from app.groups.schemas import GroupCreate, MembershipCreate
from app.migrations import upgrade_to_head
from app.patients.models import Patient
from app.programs import service as programs_service
from app.programs.schemas import ProgramCreate, RoomCreate, StaffCreate
from app.programs.settings import ProgramSettings
from app.security import Principal, Role
from app.vocabulary import AdmissionStatus
from tests.databases import fresh_postgres_database, reachable_postgres_or_skip

ROUNDS = 40
SECRET = "lock-order-test-secret-0123456789"
NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
DEADLOCK = "40P01"

Flow = Callable[[Context], object]
T = TypeVar("T")


@pytest.mark.postgres
def test_a_discharge_and_a_departure_that_meet_never_deadlock_on_postgres() -> None:
    with fresh_postgres_database(reachable_postgres_or_skip()) as url:
        upgrade_to_head(url)
        engine = create_db_engine(Settings(database_url=url, key_secret=SECRET, db_pool_size=4))
        try:
            sessions = create_sessionmaker(engine)
            principal = seed_staff_principal(sessions)
            program_id = run(sessions, principal, setup_program)
            deadlocks = sum(one_round(sessions, principal, program_id) for _ in range(ROUNDS))
            assert deadlocks == 0
        finally:
            engine.dispose()


def one_round(
    sessions: sessionmaker[Session],
    principal: Principal,
    program_id: uuid.UUID,
) -> int:
    def setup(ctx: Context) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID, uuid.UUID]:
        room_id, staff_id = make_room_and_facilitator(ctx)
        g1 = make_group(ctx, program_id, room_id, staff_id, seats=1, weekday="monday")
        g2 = make_group(ctx, program_id, room_id, staff_id, seats=2, weekday="wednesday")
        (a, admission_a), (b, _) = admitted(ctx, program_id), admitted(ctx, program_id)
        group_flows.enroll(ctx, g1, MembershipCreate(patient_id=b))
        group_flows.enroll(ctx, g1, MembershipCreate(patient_id=a, waitlist_if_full=True))
        group_flows.enroll(ctx, g2, MembershipCreate(patient_id=a))
        return g1, g2, b, admission_a

    g1, g2, b, admission_a = run(sessions, principal, setup)
    discharge = Discharge(type="completed", reason="Completed the program.")
    answers = at_once(
        sessions,
        principal,
        [
            lambda ctx: admission_flows.discharge(ctx, admission_a, discharge),
            lambda ctx: group_flows.leave(ctx, g1, b, "Stepped down"),
        ],
    )
    deadlocks = sum(
        isinstance(a, DBAPIError)
        and isinstance(a.orig, psycopg.Error)
        and a.orig.sqlstate == DEADLOCK
        for a in answers
    )
    unexpected = [a for a in answers if isinstance(a, Exception) and not isinstance(a, DBAPIError)]
    assert unexpected == []
    if deadlocks == 0:
        assert_everyone_left(sessions, principal, admission_a, [g1, g2])
    return deadlocks


def at_once(
    sessions: sessionmaker[Session], principal: Principal, flows: list[Flow]
) -> list[object]:
    """Run each flow in its own transaction, released together; an exception is an answer."""
    start = threading.Barrier(len(flows))

    def attempt(flow: Flow) -> object:
        start.wait()
        try:
            return run(sessions, principal, flow)
        except Exception as error:
            return error

    with ThreadPoolExecutor(len(flows)) as pool:
        return list(pool.map(attempt, flows))


def assert_everyone_left(
    sessions: sessionmaker[Session],
    principal: Principal,
    admission_id: uuid.UUID,
    group_ids: list[uuid.UUID],
) -> None:
    def read(ctx: Context) -> tuple[str, list[int]]:
        admission = ctx.get(Admission, admission_id)
        counts = groups_service.membership_counts(ctx.session, group_ids)
        return admission.status, [counts[g].enrolled if g in counts else 0 for g in group_ids]

    status, enrolled = run(sessions, principal, read)
    assert (status, enrolled) == (AdmissionStatus.discharged, [0, 0])


def run(sessions: sessionmaker[Session], principal: Principal, flow: Callable[[Context], T]) -> T:
    with context(sessions, principal) as ctx:
        return flow(ctx)


@contextmanager
def context(sessions: sessionmaker[Session], principal: Principal) -> Iterator[Context]:
    """A request's context without HTTP: one transaction, committed when the flow returns."""
    with sessions.begin() as session:
        yield Context(session=session, principal=principal, request_id=None, now=NOW)


def seed_staff_principal(sessions: sessionmaker[Session]) -> Principal:
    with sessions.begin() as session:
        organization_id = access_service.create_organization(session, "Riverbend Recovery").id
        key, _raw = access_service.issue_key(
            session, organization_id, ApiKeyCreate(name="staff", role=Role.staff), SECRET
        )
        return Principal(key.id, organization_id, Role.staff, None)


def setup_program(ctx: Context) -> uuid.UUID:
    evening = {day: {"opens": "17:00", "closes": "21:00"} for day in ("monday", "wednesday")}
    program = programs_service.create_program(
        ctx,
        ProgramCreate.model_validate(
            {"name": "Evening IOP", "track": "evening", "time_zone": "America/New_York",
             "country": "US", "operating_hours": evening}
        ),
    )  # fmt: skip
    return program.id


def make_room_and_facilitator(ctx: Context) -> tuple[uuid.UUID, uuid.UUID]:
    room = programs_service.create_room(ctx, RoomCreate(name="Group room B", capacity=20))
    staff = programs_service.create_staff(
        ctx, StaffCreate.model_validate({"name": "Dana Whitfield", "session_kinds": ["group"]})
    )
    return room.id, staff.id


def make_group(
    ctx: Context,
    program_id: uuid.UUID,
    room_id: uuid.UUID,
    staff_id: uuid.UUID,
    *,
    seats: int,
    weekday: str,
) -> uuid.UUID:
    body = GroupCreate.model_validate(
        {"program_id": program_id, "name": f"Process group {uuid.uuid4().hex[:6]}",
         "topic": "process", "facilitator_id": staff_id, "room_id": room_id,
         "weekdays": [weekday], "start_time": "18:00", "duration_minutes": 90,
         "min_size": 1, "max_size": seats}
    )  # fmt: skip
    return groups_service.create_group(ctx, body).id


def admitted(ctx: Context, program_id: uuid.UUID) -> tuple[uuid.UUID, uuid.UUID]:
    """A patient in treatment: an active admission to the program."""
    patient = Patient(
        organization_id=ctx.organization_id,
        given_name="Alex",
        family_name="Doe",
        given_name_folded="alex",
        family_name_folded="doe",
        date_of_birth=date(1985, 1, 1),
        tags=[],
    )
    ctx.session.add(patient)
    ctx.session.flush()
    admission = Admission(
        organization_id=ctx.organization_id,
        patient_id=patient.id,
        program_id=program_id,
        status=AdmissionStatus.active,
        settings_version=1,
        outcome="eligible",
        started_on=date(2026, 3, 2),
    )
    ctx.session.add(admission)
    ctx.session.flush()
    assessment = Assessment.model_validate(REQUESTS["eligible"][1])
    decision = evaluate_eligibility(assessment, ProgramSettings(), NOW.date())
    ctx.session.add(
        AdmissionAssessment(
            organization_id=ctx.organization_id,
            admission_id=admission.id,
            assessed_on=NOW.date(),
            assessment=assessment.model_dump(mode="json"),
            decision=decision.model_dump(mode="json"),
            outcome=decision.outcome,
        )
    )
    return patient.id, admission.id
