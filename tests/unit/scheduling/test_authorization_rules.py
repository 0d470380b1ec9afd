"""Which appointments the admission's authorization covers: its period and its number of
treatment days (docs/domain.md §3, §6)."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.scheduling.rules.authorization import (
    AuthorizationTerms,
    authorization_flag,
    check_authorization,
)
from app.scheduling.rules.calendar import PlannedAppointment

MONDAY = dt.date(2026, 3, 2)


def on(*days: int, sessions: int = 1) -> list[PlannedAppointment]:
    """Appointments on MONDAY + each day offset, `sessions` of them a day."""
    booked = []
    for offset in days:
        day = MONDAY + dt.timedelta(days=offset)
        for index in range(sessions):
            start = dt.datetime.combine(day, dt.time(17 + index), tzinfo=dt.UTC)
            booked.append(PlannedAppointment(index, day, start, start + dt.timedelta(hours=1)))
    return booked


def terms(days: int, first: int = 0, last: int = 60) -> AuthorizationTerms:
    return AuthorizationTerms(
        days, MONDAY + dt.timedelta(days=first), MONDAY + dt.timedelta(days=last)
    )


def dates(*offsets: int) -> list[dt.date]:
    return [MONDAY + dt.timedelta(days=offset) for offset in offsets]


@pytest.mark.parametrize(
    ("appointments", "used", "authorization", "outside", "over"),
    [
        pytest.param(on(0, 2, 4), [], terms(3), [], [], id="three days of three authorized"),
        pytest.param(on(0, 2, 4, 7), [], terms(3), [], dates(7), id="the fourth day is over"),
        pytest.param(
            on(0, 2, 4), dates(-3, -1), terms(3, first=-7), [], dates(2, 4), id="used days count"
        ),
        pytest.param(on(0, 2, 4, sessions=2), [], terms(3), [], [], id="two sessions, one day"),
        pytest.param(on(0, 9, 11), [], terms(30, last=8), dates(9, 11), [], id="after the end"),
        pytest.param(on(0, 2), [], terms(30, first=1), dates(0), [], id="before the start"),
        pytest.param(on(0, 2, 4), [], None, [], [], id="no authorization: a program's dry run"),
    ],
)
def test_appointments_beyond_the_period_or_the_authorized_days_are_set_apart(
    appointments: list[PlannedAppointment],
    used: list[dt.date],
    authorization: AuthorizationTerms | None,
    outside: list[dt.date],
    over: list[dt.date],
) -> None:
    check = check_authorization(appointments, used, authorization)

    assert (check.outside_period, check.over_authorized_days) == (outside, over)
    beyond_days = {appointment.local_date for appointment in check.beyond}
    assert beyond_days == set(outside) | set(over)


def test_the_flag_says_how_many_are_beyond_and_whether_they_are_booked() -> None:
    check = check_authorization(on(0, 2, 4, 7, 9), [], terms(3))

    flag = authorization_flag(check, is_booked=False)

    assert flag is not None
    assert flag.code == "beyond_authorization"
    assert "2 appointment(s) on 2 treatment day(s)" in flag.message
    assert "not booked" in flag.message
    assert authorization_flag(check_authorization(on(0), [], terms(3)), is_booked=False) is None


@settings(deadline=None)
@given(
    offsets=st.lists(st.integers(0, 90), max_size=40),
    used=st.lists(st.integers(-30, -1), max_size=10),
    authorized=st.integers(1, 60),
    first=st.integers(-30, 30),
    length=st.integers(0, 90),
)
def test_the_covered_appointments_never_exceed_the_authorization(
    offsets: list[int], used: list[int], authorized: int, first: int, length: int
) -> None:
    authorization = terms(authorized, first, first + length)
    appointments = on(*offsets)
    check = check_authorization(appointments, dates(*used), authorization)

    def key(appointment: PlannedAppointment) -> tuple[dt.datetime, int]:
        return appointment.starts_at, appointment.session_index

    assert sorted(check.within + check.beyond, key=key) == sorted(appointments, key=key)
    covered_days = {appointment.local_date for appointment in check.within}
    assert len(covered_days | set(dates(*used))) <= max(authorized, len(set(used)))
    assert all(authorization.starts_on <= day <= authorization.ends_on for day in covered_days)
