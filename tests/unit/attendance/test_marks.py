"""Marks and their minutes; the attended days an authorization does not cover."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.attendance.marks import (
    Refusal,
    RefusalCode,
    Session,
    appointment_status_of,
    beyond_authorization,
    minutes_of,
)
from app.vocabulary import ATTENDED, AppointmentStatus, AttendanceStatus

START = dt.datetime(2026, 3, 2, 23, 0, tzinfo=dt.UTC)
BOOKED = Session(AppointmentStatus.booked, START, START + dt.timedelta(minutes=180))
AFTER = START + dt.timedelta(hours=4)
S = AttendanceStatus


@pytest.mark.parametrize(
    ("status", "given_minutes", "expected"),
    [
        (S.present, None, 180),
        (S.present, 175, 175),
        (S.late, 150, 150),
        (S.left_early, 0, 0),
        (S.excused_absence, None, 0),
        (S.unexcused_absence, 0, 0),
        (S.no_show, None, 0),
        (S.late, None, RefusalCode.minutes_required),
        (S.left_early, None, RefusalCode.minutes_required),
        (S.present, 181, RefusalCode.minutes_exceed_session),
        (S.no_show, 10, RefusalCode.minutes_on_absence),
    ],
)
def test_a_mark_stands_for_its_minutes_attended(
    status: AttendanceStatus, given_minutes: int | None, expected: int | RefusalCode
) -> None:
    found = minutes_of(status, given_minutes, BOOKED, AFTER)

    assert (found.code if isinstance(found, Refusal) else found) == expected


def test_no_mark_before_the_session_starts_or_on_a_cancelled_one() -> None:
    cancelled = Session(AppointmentStatus.cancelled, BOOKED.starts_at, BOOKED.ends_at)

    early = minutes_of(S.present, None, BOOKED, START - dt.timedelta(seconds=1))
    on_cancelled = minutes_of(S.present, None, cancelled, AFTER)

    assert isinstance(early, Refusal)
    assert early.code == RefusalCode.before_session
    assert isinstance(on_cancelled, Refusal)
    assert on_cancelled.code == RefusalCode.appointment_cancelled


@pytest.mark.parametrize("status", list(AttendanceStatus))
def test_the_appointment_is_fulfilled_exactly_when_the_patient_came(
    status: AttendanceStatus,
) -> None:
    expected = AppointmentStatus.fulfilled if status in ATTENDED else AppointmentStatus.noshow
    assert appointment_status_of(status) == expected


def test_days_after_the_authorized_number_or_outside_its_dates_are_beyond() -> None:
    days = [dt.date(2026, 3, d) for d in (1, 2, 2, 4, 5, 9)]

    beyond = beyond_authorization(days, 2, dt.date(2026, 3, 2), dt.date(2026, 3, 8))

    assert beyond == {dt.date(2026, 3, 1), dt.date(2026, 3, 5), dt.date(2026, 3, 9)}


@settings(deadline=None)
@given(
    days=st.lists(st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31)), max_size=60),
    authorized=st.one_of(st.none(), st.integers(0, 60)),
)
def test_at_most_the_authorized_number_of_days_is_covered(
    days: list[dt.date], authorized: int | None
) -> None:
    beyond = beyond_authorization(days, authorized, None, None)

    covered = set(days) - beyond
    assert beyond <= set(days)
    if authorized is None:
        assert beyond == set()
    else:
        assert len(covered) == min(authorized, len(set(days)))
        assert all(c < b for c in covered for b in beyond)  # the earliest days are covered
