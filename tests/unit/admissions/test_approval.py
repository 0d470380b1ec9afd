"""An authorization's dates are checked against today and the program's longest period."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.admissions.schemas import Approval

TODAY = dt.date(2026, 3, 2)


def approval(starts: dt.date, ends: dt.date) -> Approval:
    return Approval(
        authorized_days=1,
        authorization_starts_on=starts,
        authorization_ends_on=ends,
        next_review_on=starts,
    )


@pytest.mark.parametrize(
    ("starts", "ends", "codes"),
    [
        pytest.param(TODAY, dt.date(2026, 4, 30), [], id="from today"),
        pytest.param(dt.date(2026, 2, 1), TODAY, [], id="retroactive, ends today"),
        pytest.param(dt.date(2026, 1, 1), dt.date(2026, 3, 1), ["already_ended"], id="ended"),
        pytest.param(TODAY, dt.date(2026, 8, 28), [], id="180 days"),
        pytest.param(TODAY, dt.date(2026, 8, 29), ["period_too_long"], id="181 days"),
    ],
)
def test_an_authorization_is_plausible_until_it_ends_and_up_to_the_longest_period(
    starts: dt.date, ends: dt.date, codes: list[str]
) -> None:
    errors = approval(starts, ends).implausible(TODAY, max_days=180)

    assert [error.code for error in errors] == codes


@settings(deadline=None)
@given(
    starts=st.dates(dt.date(2025, 1, 1), dt.date(2027, 1, 1)),
    length=st.integers(1, 400),
    max_days=st.integers(1, 400),
)
def test_an_authorization_running_today_within_the_longest_period_is_accepted(
    starts: dt.date, length: int, max_days: int
) -> None:
    ends = starts + dt.timedelta(days=length - 1)

    codes = [error.code for error in approval(starts, ends).implausible(TODAY, max_days)]

    assert ("already_ended" in codes) == (ends < TODAY)
    assert ("period_too_long" in codes) == (length > max_days)
