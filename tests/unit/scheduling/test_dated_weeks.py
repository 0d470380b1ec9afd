"""Dated weeks, not only the weekly template: closures that cut a week below the program's
minimums, and make-up days only where the sessions fit (docs/domain.md §2)."""

import datetime as dt
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.scheduling.rules.calendar import MakeUpCheck, Materialized, materialize
from app.scheduling.rules.plan import PlanContext, PlanSession
from app.scheduling.rules.validation import conflicts
from app.scheduling.rules.weeks import short_weeks

from .factories import WEEKDAYS, make_busy, make_context, make_settings, make_week

MONDAY = dt.date(2026, 6, 1)


def dated(
    sessions: list[PlanSession],
    closed_offsets: Sequence[int],
    move: bool = False,
    can_move: MakeUpCheck | None = None,
) -> Materialized:
    closed = {MONDAY + dt.timedelta(days=offset): "holiday" for offset in closed_offsets}
    end = MONDAY + dt.timedelta(days=13)
    return materialize(sessions, MONDAY, end, "America/New_York", closed, move, WEEKDAYS, can_move)


@pytest.mark.parametrize(
    ("closed_offsets", "expected"),
    [
        pytest.param([], [], id="no closure"),
        pytest.param([0], [(MONDAY, 2, 6.0)], id="a Monday holiday leaves two days"),
        pytest.param([1], [], id="a holiday on a day without sessions"),
        pytest.param(
            [0, 9], [(MONDAY, 2, 6.0), (MONDAY + dt.timedelta(days=7), 2, 6.0)],
            id="one holiday in each week",
        ),
    ],
)  # fmt: skip
def test_a_week_that_a_closure_cuts_below_the_minimums_is_reported(
    closed_offsets: list[int], expected: list[tuple[dt.date, int, float]]
) -> None:
    sessions = make_week()  # three evenings of three hours: 9 hours, the minimum
    weeks = short_weeks(sessions, dated(sessions, closed_offsets), 3, 9)

    assert [(week.week_starts_on, week.days, week.hours) for week in weeks] == expected


def test_a_week_that_keeps_its_minimums_after_a_closure_is_not_reported() -> None:
    sessions = make_week("monday", "tuesday", "wednesday", "thursday")  # 4 days, 12 hours

    assert short_weeks(sessions, dated(sessions, [0]), 3, 9) == []


def test_a_moved_day_keeps_its_week_whole() -> None:
    sessions = make_week()

    assert short_weeks(sessions, dated(sessions, [0], move=True), 3, 9) == []


def test_sessions_move_only_to_a_day_the_check_accepts() -> None:
    refused = {MONDAY + dt.timedelta(days=1)}  # Tuesday: the therapist is busy

    planned = dated(make_week(), [0], move=True, can_move=lambda day, _: day not in refused)

    assert planned.skipped[0].moved_to == MONDAY + dt.timedelta(days=3)  # Thursday


def test_sessions_no_day_accepts_are_lost_and_the_week_is_reported() -> None:
    sessions = make_week()
    planned = dated(sessions, [0], move=True, can_move=lambda day, _: False)

    assert planned.skipped[0].moved_to is None
    assert [week.days for week in short_weeks(sessions, planned, 3, 9)] == [2]


@pytest.mark.parametrize(
    ("context", "codes"),
    [
        pytest.param(make_context(), [], id="open and free"),
        pytest.param(make_context(closes="20:00"), ["outside_operating_hours"], id="closes early"),
        pytest.param(
            make_context(staff_busy=[make_busy(weekday="tuesday", start="19:00", end="20:00")]),
            ["staff_double_booked"], id="the therapist is busy",
        ),
        pytest.param(
            make_context(patient_busy=[make_busy(weekday="tuesday")]),
            ["patient_double_booked"], id="the patient is busy",
        ),
        pytest.param(make_context(room_capacity=10), ["room_over_capacity"], id="the room is full"),
    ],
)  # fmt: skip
def test_a_make_up_session_must_fit_the_day(context: PlanContext, codes: list[str]) -> None:
    [tuesday] = make_week("tuesday")

    found = conflicts([tuesday], context, make_settings())

    assert sorted({violation.code for violation in found}) == codes


@settings(deadline=None)
@given(
    closed=st.sets(st.integers(0, 13), max_size=6),
    refused=st.sets(st.integers(0, 13), max_size=6),
)
def test_no_session_moves_to_a_refused_day(closed: set[int], refused: set[int]) -> None:
    refused_days = {MONDAY + dt.timedelta(days=offset) for offset in refused}
    planned = dated(
        make_week(), sorted(closed), move=True, can_move=lambda day, _: day not in refused_days
    )

    moved_to = {skipped.moved_to for skipped in planned.skipped if skipped.moved_to}
    assert moved_to.isdisjoint(refused_days)
    weeks = short_weeks(make_week(), planned, 3, 9)
    lost_weeks = {
        skipped.date - dt.timedelta(days=skipped.date.weekday())
        for skipped in planned.skipped
        if skipped.moved_to is None
    }
    assert {week.week_starts_on for week in weeks} == lost_weeks
