"""The step-down grace is measured from the start of treatment, not from each plan
(docs/domain.md §2)."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.scheduling.rules.calendar import weeks_in_treatment
from app.scheduling.rules.validation import validate_plan

from .factories import make_context, make_settings, make_week

START = dt.date(2026, 3, 2)


@pytest.mark.parametrize(
    ("plan_ends_on", "weeks"),
    [
        pytest.param(dt.date(2026, 3, 2), 1, id="the first day is week one"),
        pytest.param(dt.date(2026, 3, 8), 1, id="seven days are one week"),
        pytest.param(dt.date(2026, 3, 9), 2, id="the eighth day starts week two"),
        pytest.param(dt.date(2026, 3, 15), 2, id="fourteen days are two weeks"),
        pytest.param(dt.date(2026, 3, 29), 4, id="a second two-week plan ends in week four"),
    ],
)
def test_weeks_count_from_the_start_of_treatment_to_the_plans_end(
    plan_ends_on: dt.date, weeks: int
) -> None:
    assert weeks_in_treatment(START, plan_ends_on) == weeks


@settings(deadline=None)
@given(
    start=st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)),
    first=st.integers(0, 400),
    second=st.integers(0, 400),
)
def test_a_later_plan_is_never_earlier_in_treatment(
    start: dt.date, first: int, second: int
) -> None:
    earlier, later = sorted((first, second))
    earlier_end = start + dt.timedelta(days=earlier)
    later_end = start + dt.timedelta(days=later)

    assert 1 <= weeks_in_treatment(start, earlier_end) <= weeks_in_treatment(start, later_end)


def test_a_second_short_plan_after_the_grace_keeps_the_weekly_minimum() -> None:
    second_plan_ends = dt.date(2026, 3, 29)  # two more weeks after a first two-week plan
    context = make_context(is_stepping_down=True, weeks=weeks_in_treatment(START, second_plan_ends))

    check = validate_plan(make_week(minutes=120), context, make_settings())

    assert [violation.code for violation in check.violations] == ["weekly_hours_below_minimum"]
