"""The group maximum is a hard ceiling under concurrent enrollment (docs/domain.md §4).

A hundred patients ask for the last seats of a 15-seat group at the same moment, half of them
ready to wait: exactly 15 get a seat, the others a 409 `group-full` or a waitlist place, the
places run 1, 2, 3… without gaps or repeats, nobody gets a 5xx, and the database agrees.
On PostgreSQL through a real server with several worker processes; on SQLite in process.
"""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.access import service as access_service
from app.access.schemas import ApiKeyCreate
from app.admissions.models import Admission
from app.config import Settings
from app.db import create_db_engine, create_sessionmaker
from app.groups.models import GroupMembership
from app.main import create_app
from app.migrations import upgrade_to_head
from app.patients.models import Patient
from app.security import Role
from tests.databases import fresh_postgres_database, reachable_postgres_or_skip
from tests.factories import client_for, make_licensed_staff

PATIENTS = 100
SEATS = 15
SECRET = "concurrency-test-secret-0123456789"
IOP = Path(sys.executable).with_name("iop")
EVENING = {
    day: {"opens": "17:00", "closes": "21:00"}
    for day in ("monday", "tuesday", "wednesday", "thursday", "friday")
}

# (status, body) of one POST, given its path and JSON body.
Post = Callable[[str, dict[str, Any]], tuple[int, dict[str, Any]]]


@pytest.mark.postgres
def test_a_hundred_simultaneous_enrollments_never_overfill_a_group_on_postgres(
    tmp_path: Path,
) -> None:
    with fresh_postgres_database(reachable_postgres_or_skip()) as url:
        upgrade_to_head(url)
        engine = create_db_engine(Settings(database_url=url, key_secret=SECRET))
        sessions = create_sessionmaker(engine)
        try:
            organization_id, keys = seed_organization(sessions)
            with running_server(url, tmp_path / "server.log") as base_url:
                admin, staff = (
                    http_post(base_url, keys[role]) for role in (Role.admin, Role.staff)
                )
                program_id, group_id = setup_group(admin)
                patient_ids = seed_admitted_patients(sessions, organization_id, program_id)
                answers = enroll_all_at_once(staff, group_id, patient_ids)
            assert_the_ceiling_held(answers, sessions, group_id)
        finally:
            engine.dispose()


def test_a_hundred_simultaneous_enrollments_never_overfill_a_group_on_sqlite(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path}/concurrency.db"
    upgrade_to_head(url)
    app = create_app(Settings(database_url=url, key_secret=SECRET, log_level="WARNING"))
    try:
        organization_id, keys = seed_organization(app.state.sessionmaker)

        def post_as(key: str) -> Post:
            def post(path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
                # A client per call: each thread drives its own request into the app.
                response = client_for(app, key).post(path, json=body)
                return response.status_code, response.json()

            return post

        program_id, group_id = setup_group(post_as(keys[Role.admin]))
        patient_ids = seed_admitted_patients(app.state.sessionmaker, organization_id, program_id)
        answers = enroll_all_at_once(post_as(keys[Role.staff]), group_id, patient_ids)
        assert_the_ceiling_held(answers, app.state.sessionmaker, group_id)
    finally:
        app.state.engine.dispose()


def enroll_all_at_once(
    post: Post, group_id: str, patient_ids: list[uuid.UUID]
) -> list[tuple[bool, int, dict[str, Any]]]:
    """Every patient asks at the same moment; even ones join the waitlist if it is full."""
    start = threading.Barrier(len(patient_ids))

    def enroll(index: int) -> tuple[bool, int, dict[str, Any]]:
        waitlist = index % 2 == 0
        body = {"patient_id": str(patient_ids[index]), "waitlist_if_full": waitlist}
        start.wait()
        return (waitlist, *post(f"/v1/groups/{group_id}/members", body))

    with ThreadPoolExecutor(max_workers=len(patient_ids)) as pool:
        return list(pool.map(enroll, range(len(patient_ids))))


def assert_the_ceiling_held(
    answers: list[tuple[bool, int, dict[str, Any]]],
    sessions: sessionmaker[Session],
    group_id: str,
) -> None:
    statuses = Counter(status for _waitlist, status, _body in answers)
    assert set(statuses) <= {201, 202, 409}, statuses
    assert statuses[201] == SEATS
    refused = [body for waitlist, status, body in answers if status == 409]
    assert all(body["type"].endswith("/group-full") for body in refused)
    assert all(not waitlist for waitlist, status, _body in answers if status == 409)
    waiting = [body for _waitlist, status, body in answers if status == 202]
    assert all(waitlist for waitlist, status, _body in answers if status == 202)
    assert sorted(body["position"] for body in waiting) == list(range(1, len(waiting) + 1))
    assert len(waiting) + len(refused) == PATIENTS - SEATS
    with sessions() as session:
        stored = dict(
            session.execute(
                select(GroupMembership.status, func.count())
                .where(GroupMembership.group_id == uuid.UUID(group_id))
                .group_by(GroupMembership.status)
            ).all()
        )
    assert stored == {"enrolled": SEATS, "waitlisted": len(waiting)}


def setup_group(post: Post) -> tuple[str, str]:
    """A program, a facilitator, a room and a 15-seat group, through the API."""
    status, program = post(
        "/v1/programs",
        {"name": "Evening IOP", "track": "evening", "time_zone": "America/New_York",
         "operating_hours": EVENING},
    )  # fmt: skip
    assert status == 201, program
    status, staff = post("/v1/staff", {"name": "Dana Whitfield", "session_kinds": ["group"]})
    assert status == 201, staff
    status, room = post("/v1/rooms", {"name": "Group room B", "capacity": 20})
    assert status == 201, room
    status, group = post(
        "/v1/groups",
        {"program_id": program["id"], "name": "Evening process group", "topic": "process",
         "facilitator_id": staff["id"], "room_id": room["id"], "weekdays": ["monday"],
         "start_time": "18:00", "duration_minutes": 90, "max_size": SEATS},
    )  # fmt: skip
    assert status == 201, group
    return program["id"], group["id"]


def seed_organization(sessions: sessionmaker[Session]) -> tuple[uuid.UUID, dict[Role, str]]:
    with sessions.begin() as session:
        organization_id = access_service.create_organization(session, "Riverbend Recovery").id
    return organization_id, {role: issue_key(sessions, organization_id, role) for role in Role}


def issue_key(sessions: sessionmaker[Session], organization_id: uuid.UUID, role: Role) -> str:
    with sessions.begin() as session:
        staff_id = make_licensed_staff(session, organization_id) if role == Role.clinician else None
        request = ApiKeyCreate(
            name=f"{role} key", role=role, staff_id=staff_id,
            payer_id="payer-demo" if role == Role.payer else None,
        )  # fmt: skip
        _key, raw_key = access_service.issue_key(session, organization_id, request, SECRET)
    return raw_key


def seed_admitted_patients(
    sessions: sessionmaker[Session], organization_id: uuid.UUID, program_id: str
) -> list[uuid.UUID]:
    """A hundred patients with approved admissions, stored in one transaction."""
    with sessions.begin() as session:
        patients = [
            Patient(
                organization_id=organization_id,
                given_name=f"Patient {n}",
                family_name="Doe",
                given_name_folded=f"patient {n}",
                family_name_folded="doe",
                date_of_birth=date(1985, 1, 1),
                tags=[],
            )
            for n in range(PATIENTS)
        ]
        session.add_all(patients)
        session.flush()
        session.add_all(
            Admission(
                organization_id=organization_id,
                patient_id=patient.id,
                program_id=uuid.UUID(program_id),
                status="approved",
                settings_version=1,
                outcome="eligible",
            )
            for patient in patients
        )
        return [patient.id for patient in patients]


def http_post(base_url: str, key: str) -> Post:
    client = httpx.Client(
        base_url=base_url,
        headers={"Authorization": f"Bearer {key}"},
        timeout=120,
        limits=httpx.Limits(max_connections=PATIENTS),
    )

    def post(path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        response = client.post(path, json=body)
        return response.status_code, response.json()

    return post


@contextmanager
def running_server(database_url: str, log: Path, pool_size: int = 5) -> Iterator[str]:
    """`iop serve` with four worker processes on a free port, stopped however the test ends."""
    port = free_port()
    env = os.environ | {
        "IOP_DATABASE_URL": database_url,
        "IOP_KEY_SECRET": SECRET,
        "IOP_LOG_LEVEL": "WARNING",
        # Four workers stay well inside PostgreSQL's connection limit.
        "IOP_DB_POOL_SIZE": str(pool_size),
    }
    with log.open("w") as output:
        server = subprocess.Popen(
            [str(IOP), "serve", "--port", str(port), "--workers", "4"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            wait_until_ready(base_url, server, log)
            yield base_url
        finally:
            stop(server)


def wait_until_ready(base_url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120  # a busy machine starts four workers slowly
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server exited with {server.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{base_url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"the server was not ready within 120 seconds:\n{log.read_text()}")


def stop(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM lets uvicorn stop its workers; the process group is killed if it hangs."""
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
