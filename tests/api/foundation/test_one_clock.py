"""One clock per request: records, audit events and domain events read the same "now".

Except the instants that must follow a row lock's order: `now` is read when the request
starts, before it queues on a group's lock, so a seat's `enrolled_at`, a promotion's
`promoted_at` and a waitlist place's `requested_at` are read again once the group's lock is
held (`Context.clock`, never earlier than `now`); racing requests then date their seats in the
order they really took them (`tests/integration/test_seat_times.py`)."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session

from app.context import Context
from app.security import Principal, Role
from tests.api.groups.factories import admitted_patient, join, leave, make_group
from tests.conftest import FixedClock
from tests.factories import Clinic, audited, if_match, make_program

PATIENT = {"given_name": "Jordan", "family_name": "Lee", "date_of_birth": "1991-04-12"}


def test_a_records_timestamps_are_the_request_clocks(clinic: Clinic, clock: FixedClock) -> None:
    created = clinic.staff.post("/v1/patients", json=PATIENT).json()
    assert created["created_at"] == created["updated_at"] == "2026-03-02T15:00:00Z"

    clock.now += timedelta(hours=2)
    url = f"/v1/patients/{created['id']}"
    updated = clinic.staff.patch(
        url, json={"phone": "+1 555 0100"}, headers=if_match(clinic.staff, url)
    ).json()
    assert (updated["created_at"], updated["updated_at"]) == (
        "2026-03-02T15:00:00Z",
        "2026-03-02T17:00:00Z",
    )


def test_lists_in_creation_order_follow_the_request_clock(
    clinic: Clinic, clock: FixedClock
) -> None:
    later = clinic.staff.post("/v1/patients", json=PATIENT | {"given_name": "Later"}).json()
    clock.now -= timedelta(days=1)  # entered afterwards, dated earlier
    earlier = clinic.staff.post("/v1/patients", json=PATIENT | {"given_name": "Earlier"}).json()
    audit = audited(clinic, resource_type="patient", action="create")  # oldest event first
    # By the clock of the requests that made them, not the order they were made in.
    assert [access["resource_id"] for access in audit] == [earlier["id"], later["id"]]
    assert earlier["created_at"] < later["created_at"]


@dataclass
class TickingClock:
    """A clock that moves a second each time it is read, as a real one moves while a request
    waits for a lock."""

    now: datetime

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def test_a_promotion_is_dated_under_the_groups_lock_after_the_departure_that_freed_it(
    app: FastAPI, clinic: Clinic, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    program = make_program(clinic)
    group = make_group(clinic, program, min_size=1, max_size=1)
    member, waiting = (admitted_patient(app, clinic, program) for _ in range(2))
    monkeypatch.setattr(app.state, "clock", TickingClock(clock.now))
    seat = join(clinic.staff, group, member).json()
    place = join(clinic.staff, group, waiting, waitlist=True).json()
    assert seat["requested_at"] == seat["enrolled_at"] < place["requested_at"]

    removal = leave(clinic.staff, group, member).json()
    removed, promoted = removal["removed"], removal["promoted"]
    # The departure is the request's instant; the seat it freed is taken under the lock, later.
    assert removed["ended_at"] < promoted["promoted_at"] == promoted["enrolled_at"]
    assert promoted["requested_at"] == place["requested_at"]


@pytest.mark.parametrize(
    ("clock_reads", "expected"),
    [(timedelta(seconds=-5), timedelta(0)), (timedelta(0), timedelta(0)),
     (timedelta(seconds=5), timedelta(seconds=5))],
)  # fmt: skip
def test_a_clock_read_under_a_lock_is_never_earlier_than_the_requests(
    clock_reads: timedelta, expected: timedelta
) -> None:
    now = FixedClock().now
    principal = Principal(None, uuid.uuid4(), Role.admin, None)
    ctx = Context(Session(), principal, None, now, source=lambda: now + clock_reads)
    assert ctx.clock() == now + expected
    assert Context(Session(), principal, None, now).clock() == now  # no clock: one instant
