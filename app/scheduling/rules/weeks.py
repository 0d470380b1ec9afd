"""Dated weeks against the program's intensity: a holiday or closure can cut a week that the
weekly template fills below the days or hours the program asks for (docs/domain.md §2).

Pure: the service gives the dated plan and the minimums that apply to the patient.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from app.scheduling.rules.calendar import Materialized
from app.scheduling.rules.plan import PlanSession, Violation, ViolationCode


@dataclass(frozen=True)
class ShortWeek:
    week_starts_on: dt.date  # its Monday
    days: int  # treatment days left that week
    hours: float  # hours left that week
    lost_dates: list[dt.date]  # closed days whose sessions did not move


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def short_weeks(
    sessions: Sequence[PlanSession],
    planned: Materialized,
    min_days: int,
    min_hours: float,
) -> list[ShortWeek]:
    """Weeks in which a closed day's sessions were lost, and which fall below `min_days`
    treatment days or `min_hours` hours because of it, in date order. A minimum the weekly
    template itself misses is the plan's violation, not the week's."""
    template_days = len({session.weekday for session in sessions})
    template_minutes = sum(session.duration_minutes for session in sessions)
    checks_days = template_days >= min_days
    checks_hours = template_minutes >= min_hours * 60
    lost: dict[dt.date, set[dt.date]] = defaultdict(set)
    for skipped in planned.skipped:
        if skipped.moved_to is None:
            lost[_monday(skipped.date)].add(skipped.date)
    days: dict[dt.date, set[dt.date]] = defaultdict(set)
    minutes: dict[dt.date, int] = defaultdict(int)
    for appointment in planned.appointments:
        monday = _monday(appointment.local_date)
        days[monday].add(appointment.local_date)
        minutes[monday] += sessions[appointment.session_index].duration_minutes
    return [
        ShortWeek(monday, len(days[monday]), round(minutes[monday] / 60, 2), sorted(dates))
        for monday, dates in sorted(lost.items())
        if (checks_days and len(days[monday]) < min_days)
        or (checks_hours and minutes[monday] < min_hours * 60)
    ]


def week_flags(weeks: Sequence[ShortWeek], min_days: int, min_hours: float) -> list[Violation]:
    return [
        Violation(
            ViolationCode.WEEK_BELOW_MINIMUM,
            f"the week of {week.week_starts_on} has {week.days} treatment day(s) and"
            f" {week.hours:g} hours after closures on"
            f" {', '.join(str(day) for day in week.lost_dates)}; the program asks for"
            f" {min_days} days and {min_hours:g} hours",
        )
        for week in weeks
    ]
