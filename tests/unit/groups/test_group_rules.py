"""Group status, enrollment and waitlist promotion (domain reference §4)."""

from datetime import UTC, datetime, timedelta

import pytest

from app.groups.criteria import Criterion
from app.groups.rules import (
    EnrollmentOutcome,
    WaitlistEntry,
    enrollment_outcome,
    group_status,
    next_to_promote,
)
from app.vocabulary import GroupStatus

MONDAY_9AM = datetime(2025, 1, 6, 9, tzinfo=UTC)
ADOLESCENTS = [Criterion(attribute="age", operator="between", value=[13, 17])]


def make_entry(patient_id: str = "p1", *, minutes_after: int = 0, age: int = 15) -> WaitlistEntry:
    return WaitlistEntry(
        patient_id=patient_id,
        joined_at=MONDAY_9AM + timedelta(minutes=minutes_after),
        profile={"age": age},
    )


@pytest.mark.parametrize(
    ("enrolled", "min_size", "max_size", "is_closed", "status"),
    [
        pytest.param(0, 8, 15, False, GroupStatus.FORMING, id="empty_group_is_forming"),
        pytest.param(7, 8, 15, False, GroupStatus.FORMING, id="seven_members_do_not_run_yet"),
        pytest.param(8, 8, 15, False, GroupStatus.ACTIVE, id="eighth_member_starts_the_group"),
        pytest.param(14, 8, 15, False, GroupStatus.ACTIVE, id="fourteen_leaves_one_seat"),
        pytest.param(15, 8, 15, False, GroupStatus.FULL, id="fifteen_fills_the_group"),
        pytest.param(6, 6, 6, False, GroupStatus.FULL, id="fixed_size_group_is_full_once_met"),
        pytest.param(15, 8, 15, True, GroupStatus.CLOSED, id="closed_full_group_is_closed"),
        pytest.param(3, 8, 15, True, GroupStatus.CLOSED, id="closed_forming_group_is_closed"),
    ],
)
def test_group_status_follows_enrollment_and_bounds(
    enrolled: int, min_size: int, max_size: int, is_closed: bool, status: GroupStatus
) -> None:
    assert group_status(enrolled, min_size, max_size, is_closed) == status


@pytest.mark.parametrize(
    ("enrolled", "waitlist_if_full", "outcome"),
    [
        pytest.param(0, True, "enrolled", id="first_member_enrolls"),
        pytest.param(3, False, "enrolled", id="forming_group_takes_members"),
        pytest.param(14, True, "enrolled", id="fifteenth_member_takes_the_last_seat"),
        pytest.param(15, True, "waitlisted", id="sixteenth_member_goes_to_waitlist"),
        pytest.param(15, False, "full", id="sixteenth_member_is_turned_away_without_waitlist"),
    ],
)
def test_enrollment_never_passes_the_maximum(
    enrolled: int, waitlist_if_full: bool, outcome: EnrollmentOutcome
) -> None:
    assert enrollment_outcome(enrolled, 15, waitlist_if_full) == outcome


def test_longest_waiting_patient_is_promoted_first() -> None:
    waitlist = [make_entry("late", minutes_after=30), make_entry("early", minutes_after=5)]
    assert next_to_promote(waitlist, ADOLESCENTS) == waitlist[1]


def test_patient_who_no_longer_fits_is_passed_over() -> None:
    waitlist = [make_entry("turned_18", minutes_after=0, age=18), make_entry("p2", minutes_after=9)]
    promoted = next_to_promote(waitlist, ADOLESCENTS)
    assert promoted is not None
    assert promoted.patient_id == "p2"


def test_patients_who_joined_at_the_same_moment_go_by_id() -> None:
    waitlist = [make_entry("p9"), make_entry("p2")]
    promoted = next_to_promote(waitlist, ADOLESCENTS)
    assert promoted is not None
    assert promoted.patient_id == "p2"


@pytest.mark.parametrize(
    "waitlist",
    [pytest.param([], id="empty_waitlist"), pytest.param([make_entry(age=30)], id="nobody_fits")],
)
def test_nobody_is_promoted_when_nobody_waiting_fits(waitlist: list[WaitlistEntry]) -> None:
    assert next_to_promote(waitlist, ADOLESCENTS) is None
