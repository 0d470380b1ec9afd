"""Enrollment under a rush, for `bench/run`: 64 clients at once against the real server with
four worker processes on PostgreSQL, each asking for a seat in one of several 15-seat groups
(half of them ready to wait). Reports enrollments per second and checks, in the database, that
no group holds more members than its seats.
"""

import asyncio
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import httpx
from sqlalchemy import create_engine, func, select

from app.admissions.models import Admission
from app.db import new_id
from app.groups.models import GroupMembership
from app.patients.models import Patient

CLIENTS = 64
SEATS = 15
GROUPS = 8
PATIENTS_PER_GROUP = 40
EVENING = {
    day: {"opens": "17:00", "closes": "21:00"}
    for day in ("monday", "tuesday", "wednesday", "thursday", "friday")
}


@dataclass(frozen=True)
class Rush:
    requests: int
    seconds: float
    statuses: dict[int, int]
    largest_group: int  # members enrolled in the fullest group

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds


def rush(base_url: str, key: str, database_url: str, organization_id: uuid.UUID) -> Rush:
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=60) as client:
        program = _post(client, "/v1/programs", {
            "name": "Evening IOP", "track": "evening", "time_zone": "America/New_York",
            "operating_hours": EVENING,
        })  # fmt: skip
        groups = [_group(client, program["id"], n) for n in range(GROUPS)]
    asks = _admitted(database_url, organization_id, uuid.UUID(program["id"]), groups)
    statuses, seconds = asyncio.run(_enroll(base_url, headers, asks))
    engine = create_engine(database_url)
    with engine.connect() as connection:
        counts = connection.execute(
            select(GroupMembership.group_id, func.count())
            .where(GroupMembership.status == "enrolled")
            .group_by(GroupMembership.group_id)
        ).all()
    engine.dispose()
    return Rush(len(asks), seconds, statuses, max((count for _, count in counts), default=0))


def _post(client: httpx.Client, path: str, body: dict[str, Any]) -> dict[str, Any]:
    answer = client.post(path, json=body)
    if answer.status_code != 201:
        raise SystemExit(f"{path} answered {answer.status_code}: {answer.text[:300]}")
    result: dict[str, Any] = answer.json()
    return result


def _group(client: httpx.Client, program_id: str, number: int) -> str:
    staff = _post(
        client, "/v1/staff", {"name": f"Facilitator {number}", "session_kinds": ["group"]}
    )
    room = _post(client, "/v1/rooms", {"name": f"Room {number}", "capacity": 20})
    group = _post(client, "/v1/groups", {
        "program_id": program_id, "name": f"Process group {number}", "topic": "process",
        "facilitator_id": staff["id"], "room_id": room["id"], "weekdays": ["monday"],
        "start_time": "18:00", "duration_minutes": 90, "max_size": SEATS,
    })  # fmt: skip
    return str(group["id"])


def _admitted(
    database_url: str, organization_id: uuid.UUID, program_id: uuid.UUID, groups: list[str]
) -> list[tuple[str, uuid.UUID, bool]]:
    """Approved admissions, set-based; each asks for a seat in one group, groups interleaved."""
    now = datetime.now(UTC)
    common = {
        "organization_id": organization_id,
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }
    patients, admissions, asks = [], [], []
    for index in range(GROUPS * PATIENTS_PER_GROUP):
        patient_id = new_id()
        patients.append(common | {
            "id": patient_id, "given_name": f"Patient {index}", "family_name": "Doe",
            "given_name_folded": f"patient {index}", "family_name_folded": "doe",
            "date_of_birth": date(1985, 1, 1), "tags": [],
        })  # fmt: skip
        admissions.append(common | {
            "id": new_id(), "patient_id": patient_id, "program_id": program_id,
            "status": "approved", "settings_version": 1, "outcome": "eligible",
            "is_adolescent": False, "is_step_down": False,
        })  # fmt: skip
        asks.append((groups[index % GROUPS], patient_id, index % 2 == 0))
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(Patient.__table__.insert(), patients)
        connection.execute(Admission.__table__.insert(), admissions)
    engine.dispose()
    return asks


async def _enroll(
    base_url: str, headers: dict[str, str], asks: list[tuple[str, uuid.UUID, bool]]
) -> tuple[dict[int, int], float]:
    statuses: dict[int, int] = {}
    queue = list(reversed(asks))
    limits = httpx.Limits(max_connections=CLIENTS)
    async with httpx.AsyncClient(
        base_url=base_url, headers=headers, limits=limits, timeout=120
    ) as client:

        async def one_client() -> None:
            while queue:
                group_id, patient_id, waitlist = queue.pop()
                body = {"patient_id": str(patient_id), "waitlist_if_full": waitlist}
                try:
                    answer = await client.post(f"/v1/groups/{group_id}/members", json=body)
                    status = answer.status_code
                except httpx.TransportError:
                    status = 0  # the connection dropped: no answer at all
                statuses[status] = statuses.get(status, 0) + 1

        started = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(CLIENTS)))
        return statuses, time.perf_counter() - started
