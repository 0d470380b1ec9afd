"""The hot spots of the API under concurrent requests to a real server of four worker processes
on PostgreSQL, round after round: the last seats of a group, one idempotency key sent many
times at once, the same patient enrolled twice, one group edited by two clients, and an
admission cancelled while its patient enrolls. Each round checks what must hold (no overfill,
one enrollment, one edit wins and the other gets 412, …) and that nothing answered 5xx.

The seat check is shown once to catch the bug it guards against: a naive read-then-insert
enrollment, written here and never in the service, overfills a group under the same load.
"""

import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.admissions.assessment import Assessment
from app.admissions.examples import REQUESTS
from app.admissions.models import Admission, AdmissionAssessment
from app.admissions.rules import evaluate_eligibility
from app.config import Settings
from app.db import create_db_engine, create_sessionmaker
from app.groups.models import GroupMembership
from app.migrations import upgrade_to_head
from app.patients.models import Patient
from app.programs.settings import ProgramSettings
from app.security import Role
from tests.databases import fresh_postgres_database, reachable_postgres_or_skip
from tests.integration.test_group_concurrency import (
    EVENING,
    SECRET,
    running_server,
    seed_organization,
)

ROUNDS = 3
SEATS = 8  # the program's smallest group by default (docs/domain.md)
CONTENDERS = 12

Answer = tuple[int, dict[str, Any]]


@dataclass
class Hub:
    """The server, the database and what every round shares."""

    base_url: str
    keys: dict[Role, str]
    sessions: sessionmaker[Session]
    organization_id: uuid.UUID
    program_id: str
    answers: list[int]

    def client(self, role: Role = Role.staff) -> httpx.Client:
        return httpx.Client(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {self.keys[role]}"},
            timeout=60,
        )

    def send(self, role: Role, method: str, path: str, **options: Any) -> Answer:
        with self.client(role) as client:
            response = client.request(method, path, **options)
        self.answers.append(response.status_code)
        body = response.json() if response.content else {}
        return response.status_code, body

    def group(self, max_size: int) -> str:
        """A group of its own facilitator and room, so groups made at the same hour fit."""
        _s, staff = self.send(
            Role.admin, "POST", "/v1/staff", json={"name": "Dana W.", "session_kinds": ["group"]}
        )
        _s, room = self.send(
            Role.admin, "POST", "/v1/rooms", json={"name": "Room B", "capacity": 20}
        )
        status, group = self.send(
            Role.admin, "POST", "/v1/groups",
            json={"program_id": self.program_id, "name": f"Group {uuid.uuid4().hex[:6]}",
                  "topic": "process", "facilitator_id": staff["id"], "room_id": room["id"],
                  "weekdays": ["monday"], "start_time": "18:00", "duration_minutes": 90,
                  "max_size": max_size},
        )  # fmt: skip
        assert status == 201, group
        return str(group["id"])


def at_once(calls: list[Callable[[], Answer]]) -> list[Answer]:
    start = threading.Barrier(len(calls))

    def run(call: Callable[[], Answer]) -> Answer:
        start.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


@pytest.mark.postgres
def test_the_hot_spots_hold_under_concurrent_requests_to_four_workers(tmp_path: Path) -> None:
    """Every round on the same server; the naive enrollment last, on the same database."""
    with hub(tmp_path) as shared:
        for _ in range(ROUNDS):
            the_last_seats_go_to_exactly_as_many_patients(shared)
            one_idempotency_key_makes_one_patient(shared)
            the_same_patient_enrolled_twice_has_one_seat(shared)
            of_two_edits_of_one_group_one_wins_and_the_other_is_412(shared)
            a_cancelled_admission_keeps_no_seat_however_its_enrollment_races(shared)
        assert shared.answers, "no request was made"
        assert all(status < 500 for status in shared.answers), Counter(shared.answers)
        a_naive_read_then_insert_enrollment_would_overfill_under_the_same_load(shared)


def a_naive_read_then_insert_enrollment_would_overfill_under_the_same_load(shared: Hub) -> None:
    """The seat check is known to catch an overfill: the same rush on a group, enrolled by
    counting the seats and then inserting without a lock, breaks it."""
    group_id = shared.group(SEATS)
    patients = admitted_patients(shared, CONTENDERS)
    at_once([naive_enrollment(shared, group_id, patient) for patient in patients])
    with pytest.raises(AssertionError, match="overfilled"):
        assert_not_overfilled(shared.sessions, group_id)


def the_last_seats_go_to_exactly_as_many_patients(shared: Hub) -> None:
    group_id = shared.group(SEATS)
    patients = admitted_patients(shared, CONTENDERS)
    answers = at_once([enrollment(shared, group_id, patient) for patient in patients])
    statuses = Counter(status for status, _body in answers)
    assert statuses == {201: SEATS, 409: CONTENDERS - SEATS}, statuses
    assert all(body["type"].endswith("/group-full") for status, body in answers if status == 409)
    assert_not_overfilled(shared.sessions, group_id)
    assert enrolled(shared.sessions, group_id) == SEATS


def one_idempotency_key_makes_one_patient(shared: Hub) -> None:
    family_name = f"Once-{uuid.uuid4().hex[:8]}"
    body = {"given_name": "Alex", "family_name": family_name, "date_of_birth": "1990-05-17"}
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    answers = at_once(
        [lambda: shared.send(Role.staff, "POST", "/v1/patients", json=body, headers=headers)]
        * CONTENDERS
    )
    statuses = Counter(status for status, _body in answers)
    assert set(statuses) <= {201, 409}, statuses
    assert statuses[201] >= 1, statuses
    assert len({str(body) for status, body in answers if status == 201}) == 1
    conflicts = [body for status, body in answers if status == 409]
    assert all(body["type"].endswith("/idempotency-key-in-use") for body in conflicts)
    with shared.sessions() as session:
        count = session.scalar(select(func.count()).where(Patient.family_name == family_name))
    assert count == 1


def the_same_patient_enrolled_twice_has_one_seat(shared: Hub) -> None:
    group_id = shared.group(SEATS)
    [patient] = admitted_patients(shared, 1)
    answers = at_once([enrollment(shared, group_id, patient)] * 2)
    assert sorted(status for status, _body in answers) == [201, 409], answers
    with shared.sessions() as session:
        memberships = session.scalar(
            select(func.count()).where(
                GroupMembership.group_id == uuid.UUID(group_id),
                GroupMembership.patient_id == patient.patient_id,
            )
        )
    assert memberships == 1


def of_two_edits_of_one_group_one_wins_and_the_other_is_412(shared: Hub) -> None:
    group_id = shared.group(SEATS)
    _status, group = shared.send(Role.staff, "GET", f"/v1/groups/{group_id}")
    etag = f'"{group["version"]}"'

    def rename(name: str) -> Callable[[], Answer]:
        return lambda: shared.send(
            Role.staff, "PATCH", f"/v1/groups/{group_id}",
            json={"name": name}, headers={"If-Match": etag},
        )  # fmt: skip

    answers = at_once([rename("Monday process A"), rename("Monday process B")])
    assert sorted(status for status, _body in answers) == [200, 412], answers
    [winner] = [body for status, body in answers if status == 200]
    _status, stored = shared.send(Role.staff, "GET", f"/v1/groups/{group_id}")
    assert stored["name"] == winner["name"]
    assert stored["version"] == group["version"] + 1


def a_cancelled_admission_keeps_no_seat_however_its_enrollment_races(shared: Hub) -> None:
    group_id = shared.group(SEATS)
    [patient] = admitted_patients(shared, 1)
    cancel = lambda: shared.send(  # noqa: E731
        Role.staff, "POST", f"/v1/admissions/{patient.admission_id}/cancel",
        json={"reason": "Chose another program"}, headers={"If-Match": "*"},
    )  # fmt: skip
    (cancelled, _), (joined, body) = at_once([cancel, enrollment(shared, group_id, patient)])
    assert cancelled == 200
    assert joined in {201, 409}, body
    if joined == 409:
        assert body["type"].endswith("/admission-required"), body
    with shared.sessions() as session:
        seats = session.scalar(
            select(func.count()).where(
                GroupMembership.patient_id == patient.patient_id,
                GroupMembership.status == "enrolled",
            )
        )
    assert seats == 0


@dataclass(frozen=True)
class Admitted:
    patient_id: uuid.UUID
    admission_id: uuid.UUID


def enrollment(shared: Hub, group_id: str, patient: Admitted) -> Callable[[], Answer]:
    return lambda: shared.send(
        Role.staff, "POST", f"/v1/groups/{group_id}/members",
        json={"patient_id": str(patient.patient_id)},
    )  # fmt: skip


def naive_enrollment(shared: Hub, group_id: str, patient: Admitted) -> Callable[[], Answer]:
    """What the service must never do: count the seats, then insert, with no lock between."""

    def enroll() -> Answer:
        with shared.sessions.begin() as session:
            taken = enrolled_in(session, group_id)
            time.sleep(0.05)  # the time a request spends between its read and its write
            if taken >= SEATS:
                return 409, {}
            now = datetime.now(UTC)
            session.add(
                GroupMembership(
                    organization_id=shared.organization_id,
                    group_id=uuid.UUID(group_id),
                    patient_id=patient.patient_id,
                    admission_id=patient.admission_id,
                    status="enrolled",
                    requested_at=now,
                    enrolled_at=now,
                )
            )
        return 201, {}

    return enroll


def enrolled_in(session: Session, group_id: str) -> int:
    statement = select(func.count()).where(
        GroupMembership.group_id == uuid.UUID(group_id), GroupMembership.status == "enrolled"
    )
    return int(session.scalar(statement) or 0)


def enrolled(sessions: sessionmaker[Session], group_id: str) -> int:
    with sessions() as session:
        return enrolled_in(session, group_id)


def assert_not_overfilled(sessions: sessionmaker[Session], group_id: str) -> None:
    seats = enrolled(sessions, group_id)
    assert seats <= SEATS, f"the group is overfilled: {seats} members for {SEATS} seats"


def admitted_patients(shared: Hub, count: int) -> list[Admitted]:
    """Patients with approved admissions to the program, stored directly."""
    with shared.sessions.begin() as session:
        patients = [
            Patient(
                organization_id=shared.organization_id,
                given_name=f"Patient {n}",
                family_name="Doe",
                given_name_folded=f"patient {n}",
                family_name_folded="doe",
                date_of_birth=date(1985, 1, 1),
                tags=[],
            )
            for n in range(count)
        ]
        session.add_all(patients)
        session.flush()
        admissions = [
            Admission(
                organization_id=shared.organization_id,
                patient_id=patient.id,
                program_id=uuid.UUID(shared.program_id),
                status="approved",
                settings_version=1,
                outcome="eligible",
                recommended_level="2.1",
            )
            for patient in patients
        ]
        session.add_all(admissions)
        session.flush()
        # Each admission with the eligible assessment it was approved on, as the API keeps it.
        assessment = Assessment.model_validate(REQUESTS["eligible"][1])
        decision = evaluate_eligibility(assessment, ProgramSettings(), date(2026, 3, 2))
        session.add_all(
            AdmissionAssessment(
                organization_id=shared.organization_id,
                admission_id=admission.id,
                assessed_on=date(2026, 3, 2),
                asam_edition=3,
                assessment=assessment.model_dump(mode="json"),
                decision=decision.model_dump(mode="json"),
                outcome=decision.outcome,
                recommended_level=decision.recommended_level,
                by_key_id=None,
            )
            for admission in admissions
        )
        return [Admitted(a.patient_id, a.id) for a in admissions]


@contextmanager
def hub(tmp_path: Path) -> Iterator[Hub]:
    with fresh_postgres_database(reachable_postgres_or_skip()) as url:
        upgrade_to_head(url)
        engine = create_db_engine(Settings(database_url=url, key_secret=SECRET, db_pool_size=3))
        sessions = create_sessionmaker(engine)
        try:
            organization_id, keys = seed_organization(sessions)
            with running_server(url, tmp_path / "server.log", pool_size=3) as base_url:
                shared = Hub(base_url, keys, sessions, organization_id, "", [])
                shared.program_id = make_program(shared)
                yield shared
        finally:
            engine.dispose()


def make_program(shared: Hub) -> str:
    status, program = shared.send(
        Role.admin, "POST", "/v1/programs",
        json={"name": "Evening IOP", "track": "evening", "time_zone": "America/New_York",
              "operating_hours": EVENING},
    )  # fmt: skip
    assert status == 201, program
    return str(program["id"])
