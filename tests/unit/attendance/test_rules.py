"""Compliance rules: weeks against the minimums, absences in a row, status and discharge."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.attendance.rules import (
    Authorization,
    ComplianceStatus,
    ReasonCode,
    SessionMark,
    Summary,
    summarize,
)
from app.programs.settings import ProgramSettings
from app.vocabulary import AttendanceStatus

S = AttendanceStatus
MONDAY = dt.date(2026, 3, 2)
SETTINGS = ProgramSettings()


def mark(day: int, status: AttendanceStatus | None, minutes: int | None = None) -> SessionMark:
    local = MONDAY + dt.timedelta(days=day)
    attended = minutes if minutes is not None else (180 if status == S.present else 0)
    return SessionMark(
        local,
        dt.datetime.combine(local, dt.time(23), dt.UTC),
        180,
        status,
        attended if status in (S.present, S.late, S.left_early) else 0,
    )


def run(
    sessions: list[SessionMark],
    today: dt.date,
    *,
    authorization: Authorization | None = None,
    plan_ends_on: dt.date | None = None,
    holidays: dict[dt.date, str] | None = None,
) -> Summary:
    return summarize(
        sessions,
        today,
        SETTINGS,
        is_adolescent=False,
        started_on=MONDAY,
        plan_ends_on=plan_ends_on,
        authorization=authorization or Authorization(),
        holidays=holidays or {},
    )


FULL_WEEK = [mark(0, S.present), mark(2, S.present), mark(3, S.present)]


@pytest.mark.parametrize(
    ("sessions", "today", "status", "codes"),
    [
        (FULL_WEEK, MONDAY + dt.timedelta(days=7), ComplianceStatus.compliant, set()),
        (
            [mark(0, S.present), mark(2, S.excused_absence), mark(3, S.present)],
            MONDAY + dt.timedelta(days=7),
            ComplianceStatus.at_risk,
            {ReasonCode.weekly_hours_below_minimum, ReasonCode.weekly_days_below_minimum},
        ),
        (
            [mark(0, S.present), mark(2, S.late, 120), mark(3, S.present)],
            MONDAY + dt.timedelta(days=7),
            ComplianceStatus.at_risk,
            {ReasonCode.weekly_hours_below_minimum},
        ),
        (
            [mark(0, S.present), mark(2, S.no_show), mark(3, S.excused_absence), mark(4, S.no_show),
             mark(5, S.unexcused_absence)],
            MONDAY + dt.timedelta(days=5),
            ComplianceStatus.at_risk,
            {ReasonCode.consecutive_absences},
        ),
        (FULL_WEEK, MONDAY + dt.timedelta(days=10), ComplianceStatus.non_compliant,
         {ReasonCode.days_without_attendance}),
        (FULL_WEEK, MONDAY + dt.timedelta(days=13), ComplianceStatus.pending_discharge,
         {ReasonCode.days_without_attendance}),
    ],
)  # fmt: skip
def test_status_and_every_reason_that_fired(
    sessions: list[SessionMark],
    today: dt.date,
    status: ComplianceStatus,
    codes: set[ReasonCode],
) -> None:
    summary = run(sessions, today)

    assert summary.status == status
    assert {r.code for r in summary.reasons} == codes


def test_a_holiday_week_is_shown_but_not_held_to_the_minimum() -> None:
    summary = run(
        [mark(0, S.present), mark(3, S.present)],
        MONDAY + dt.timedelta(days=7),
        holidays={MONDAY + dt.timedelta(days=2): "Staff training"},
    )

    [week] = summary.weeks
    assert week.holidays == [MONDAY + dt.timedelta(days=2)]
    assert (week.meets_hours, week.meets_days) == (None, None)
    assert summary.status == ComplianceStatus.compliant


@pytest.mark.parametrize(
    ("authorization", "today", "code"),
    [
        (Authorization(4), MONDAY + dt.timedelta(days=4), ReasonCode.authorization_nearly_used),
        (Authorization(3), MONDAY + dt.timedelta(days=4), ReasonCode.authorization_exhausted),
        (Authorization(30, MONDAY, MONDAY + dt.timedelta(days=3)),
         MONDAY + dt.timedelta(days=4), ReasonCode.authorization_expired),
        (Authorization(30, next_review_on=MONDAY + dt.timedelta(days=4)),
         MONDAY + dt.timedelta(days=4), ReasonCode.review_due),
    ],
)  # fmt: skip
def test_the_authorization_is_watched(
    authorization: Authorization, today: dt.date, code: ReasonCode
) -> None:
    summary = run(FULL_WEEK, today, authorization=authorization)

    assert code in {r.code for r in summary.reasons}


@pytest.mark.parametrize(
    ("sessions", "discharge"),
    [(FULL_WEEK, "completed"), ([mark(0, S.present), mark(2, S.no_show)], "administrative")],
)
def test_a_finished_plan_suggests_its_discharge_by_the_share_attended(
    sessions: list[SessionMark], discharge: str
) -> None:
    summary = run(sessions, MONDAY + dt.timedelta(days=6), plan_ends_on=MONDAY + dt.timedelta(5))

    assert (summary.status, summary.suggested_discharge_type) == (
        ComplianceStatus.pending_discharge,
        discharge,
    )


MARKS = st.lists(
    st.tuples(st.integers(0, 41), st.sampled_from([*AttendanceStatus, None]), st.integers(0, 180)),
    max_size=40,
)


@settings(deadline=None)
@given(marks=MARKS, days_later=st.integers(0, 60))
def test_hours_attended_never_exceed_hours_scheduled_and_the_rate_stays_a_share(
    marks: list[tuple[int, AttendanceStatus | None, int]], days_later: int
) -> None:
    sessions = [mark(day, status, minutes) for day, status, minutes in marks]

    summary = run(sessions, MONDAY + dt.timedelta(days=days_later))

    for week in summary.weeks:
        assert week.attended_hours <= week.scheduled_hours
        assert week.treatment_days <= week.scheduled_days <= 7
    assert summary.attendance_rate is None or 0 <= summary.attendance_rate <= 1
    assert (summary.suggested_discharge_type is not None) == (
        summary.status == ComplianceStatus.pending_discharge
    )
