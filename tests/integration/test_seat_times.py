"""Seats are dated in the order they were really taken (docs/domain.md §4: first come, first
served), however requests race for them.

A request reads its clock (`ctx.now`) when it starts, before it queues on the group's row
lock, so the instants that must follow that queue (`enrolled_at`, `promoted_at`, a waitlist
place's `requested_at`) are read under the lock (`Context.clock`). On PostgreSQL, patients race
for the last seats of a nearly full group and its waitlist, then every seated member leaves at
once and the waitlist is promoted seat by seat. The order in which seats were really taken is
the order of the organization's audit chain: each request appends its link just before it
commits, while it still holds the group's lock. Memberships ordered by their times must list
that order.
"""

import itertools
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from threading import Barrier
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.audit.models import AuditEvent
from app.config import Settings
from app.groups.models import GroupMembership
from app.main import create_app
from app.migrations import upgrade_to_head
from app.security import Role
from tests.databases import fresh_postgres_database, reachable_postgres_or_skip
from tests.factories import client_for
from tests.integration.test_group_concurrency import (
    SEATS,
    SECRET,
    seed_admitted_patients,
    seed_organization,
    setup_group,
)

SEATED_BEFORE = SEATS - 4  # a nearly full group: four seats left when the rush starts
RACERS = 40  # the rush: four get a seat, the others a place on the waitlist

Request = Callable[[str, str, dict[str, Any] | None], tuple[int, dict[str, Any]]]


@pytest.mark.postgres
def test_racing_enrollments_and_departures_date_seats_in_the_order_they_were_taken() -> None:
    with fresh_postgres_database(reachable_postgres_or_skip()) as url:
        upgrade_to_head(url)
        # The app's own clock (the system's), as a server has: readings differ between requests.
        app = create_app(
            Settings(database_url=url, key_secret=SECRET, log_level="WARNING", db_pool_size=8)
        )
        try:
            race(app)
        finally:
            app.state.engine.dispose()


def race(app: FastAPI) -> None:
    sessions: sessionmaker[Session] = app.state.sessionmaker
    organization_id, keys = seed_organization(sessions)
    admin, staff = (caller(app, keys[role]) for role in (Role.admin, Role.staff))
    program_id, group_id = setup_group(lambda path, body: admin("POST", path, body))
    patient_ids = seed_admitted_patients(sessions, organization_id, program_id)
    members = f"/v1/groups/{group_id}/members"
    for patient_id in patient_ids[:SEATED_BEFORE]:
        status, body = staff("POST", members, {"patient_id": str(patient_id)})
        assert status == 201, body

    rush = patient_ids[SEATED_BEFORE : SEATED_BEFORE + RACERS]
    answers = at_once(
        staff,
        [("POST", members, {"patient_id": str(p), "waitlist_if_full": True}) for p in rush],
    )
    assert sorted(status for status, _body in answers) == [201] * 4 + [202] * (RACERS - 4)
    seated = [p for p in patient_ids[: SEATED_BEFORE + RACERS] if seated_in(sessions, p)]
    assert len(seated) == SEATS

    answers = at_once(
        staff, [("DELETE", f"{members}/{p}?reason=Stepped+down", None) for p in seated]
    )
    assert all(status == 200 and body["promoted"] for status, body in answers), answers

    seats_taken, places_taken = chain_order(sessions, organization_id, uuid.UUID(group_id))
    memberships = {m.id: m for m in memberships_of(sessions, uuid.UUID(group_id))}
    assert len(seats_taken) == 2 * SEATS
    assert len(places_taken) == RACERS - 4

    def dated(time_of: Callable[[GroupMembership], datetime | None]) -> list[uuid.UUID]:
        times = sorted((t, m.id) for m in memberships.values() if (t := time_of(m)) is not None)
        assert all(a < b for (a, _), (b, _) in itertools.pairwise(times)), "a tie or a repeat"
        return [membership_id for _time, membership_id in times]

    # Every seat's enrolled_at, the promoted ones' promoted_at and the waitlist's places follow
    # the order in which the group's lock really gave them, each a later instant than the last.
    assert dated(lambda m: m.enrolled_at) == seats_taken
    promoted = [i for i in seats_taken if memberships[i].promoted_at is not None]
    assert dated(lambda m: m.promoted_at) == promoted
    waitlist = sorted((memberships[i] for i in places_taken), key=lambda m: m.requested_at)
    assert [m.id for m in waitlist] == places_taken


def chain_order(
    sessions: sessionmaker[Session], organization_id: uuid.UUID, group_id: uuid.UUID
) -> tuple[list[uuid.UUID], list[uuid.UUID]]:
    """The memberships in the order their seats, then their waitlist places, were taken: the
    order of the audit chain. A seat is taken by a membership created enrolled, or by the
    transition that promotes a waitlisted one; a place by a membership created waitlisted."""
    with sessions() as session:
        memberships = {m.id: m for m in memberships_of(sessions, group_id)}
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.organization_id == organization_id)
            .order_by(AuditEvent.sequence)
        )
        seats: list[uuid.UUID] = []
        places: list[uuid.UUID] = []
        for audit_event in events:
            for access in audit_event.accesses:
                if access["resource_type"] != "group_membership":
                    continue
                membership = memberships[uuid.UUID(access["resource_id"])]
                promoted = membership.promoted_at is not None
                if access["action"] == "create":
                    (places if promoted or membership.status == "waitlisted" else seats).append(
                        membership.id
                    )
                elif access["action"] == "transition" and promoted and membership.id not in seats:
                    seats.append(membership.id)
    return seats, places


def memberships_of(sessions: sessionmaker[Session], group_id: uuid.UUID) -> list[GroupMembership]:
    with sessions() as session:
        return list(
            session.scalars(select(GroupMembership).where(GroupMembership.group_id == group_id))
        )


def seated_in(sessions: sessionmaker[Session], patient_id: uuid.UUID) -> bool:
    with sessions() as session:
        status = session.scalar(
            select(GroupMembership.status).where(GroupMembership.patient_id == patient_id)
        )
    return status == "enrolled"


def caller(app: FastAPI, key: str) -> Request:
    def send(method: str, path: str, body: dict[str, Any] | None) -> tuple[int, dict[str, Any]]:
        # A client per call: each thread drives its own request into the app.
        response = client_for(app, key).request(method, path, json=body)
        return response.status_code, response.json()

    return send


def at_once(
    send: Request, requests: list[tuple[str, str, dict[str, Any] | None]]
) -> list[tuple[int, dict[str, Any]]]:
    """Every request starts at the same moment, from a thread of its own."""
    start = Barrier(len(requests))

    def one(request: tuple[str, str, dict[str, Any] | None]) -> tuple[int, dict[str, Any]]:
        start.wait()
        return send(*request)

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(one, requests))
