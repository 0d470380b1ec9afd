"""Calendar rules: turn a weekly plan into dated appointments around closures.

Pure functions (docs/domain.md §1 planned duration, §2 days per week); the service supplies the
program's country, time zone and own closure dates.
"""

import datetime as dt
import functools
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from zoneinfo import ZoneInfo

import holidays

from app.programs.settings import ProgramSettings
from app.scheduling.rules.plan import PlanSession
from app.vocabulary import Weekday


@dataclass(frozen=True)
class PlannedAppointment:
    session_index: int  # position of the session in the plan
    local_date: dt.date
    starts_at: dt.datetime  # aware, UTC
    ends_at: dt.datetime  # aware, UTC


@dataclass(frozen=True)
class SkippedDay:
    date: dt.date
    reason: str
    session_index: int
    moved_to: dt.date | None  # the make-up day, or None when the session is lost


# Whether sessions moved from a closed day may take place on another date.
MakeUpCheck = Callable[[dt.date, Sequence[PlanSession]], bool]


@dataclass(frozen=True)
class Materialized:
    appointments: list[PlannedAppointment]  # by start, then session index
    skipped: list[SkippedDay]  # by date, then session index


def plan_end(
    start_date: dt.date, weeks: int | None, end_date: dt.date | None, settings: ProgramSettings
) -> dt.date:
    """The last day of the plan (inclusive): after `weeks`, on `end_date`, or by default after
    the program's planned duration (~90 days, §1)."""
    if weeks is not None and end_date is not None:
        raise ValueError("give the plan's weeks or its end date, not both")
    if end_date is not None:
        if end_date < start_date:
            raise ValueError("the plan cannot end before it starts")
        return end_date
    days = settings.planned_duration_days if weeks is None else weeks * 7
    if days < 1:
        raise ValueError("a plan lasts at least one week")
    return start_date + dt.timedelta(days=days - 1)


def weeks_in_treatment(treatment_starts_on: dt.date, plan_ends_on: dt.date) -> int:
    """Weeks (started weeks count) from the start of treatment to the plan's last day: what
    the step-down grace is measured in (§2), whatever plans came before."""
    days = (plan_ends_on - treatment_starts_on).days + 1
    return max(1, math.ceil(days / 7))


def closures(
    country: str | None,
    subdivision: str | None,
    years: Iterable[int],
    closed_dates: Mapping[dt.date, str],
) -> dict[dt.date, str]:
    """Public holidays of the country (and subdivision) merged with the program's own closure
    dates; on a date in both, the program's reason wins: it is the one staff wrote."""
    if country is None and subdivision is not None:
        raise ValueError("a subdivision needs its country")
    closed: dict[dt.date, str] = {}
    if country is not None:
        for year in years:
            closed.update(_public_holidays(country, subdivision, year))
    closed.update(closed_dates)
    return closed


@functools.lru_cache(maxsize=512)
def _public_holidays(country: str, subdivision: str | None, year: int) -> Mapping[dt.date, str]:
    """One year's public holidays, built once: building a country's calendar takes about a
    millisecond, and a batch of attendance asks for it once per admission."""
    try:
        found = holidays.country_holidays(country, subdiv=subdivision, years=year)
    except NotImplementedError as error:  # what `holidays` raises for unknown codes
        raise ValueError(str(error)) from error
    return MappingProxyType(dict(found))


def materialize(
    sessions: Sequence[PlanSession],
    start_date: dt.date,
    end_date: dt.date,
    tz_name: str,
    closed: Mapping[dt.date, str],
    move_skipped: bool,
    operating_days: frozenset[Weekday],
    can_move: MakeUpCheck | None = None,
) -> Materialized:
    """Dated appointments of a weekly plan between two dates (inclusive), skipping closed days.

    A day the program does not operate counts as closed. With `move_skipped`, all sessions of
    a closed day move together to one free day of the same ISO week, so the week keeps its
    number of treatment days (§2); moved sessions keep their local start time. A day is free
    when the plan has no session on it and `can_move` accepts the sessions there (the program
    is open at their time; staff, room and patient are free); sessions no day takes are lost.
    """
    zone = ZoneInfo(tz_name)
    appointments: list[PlannedAppointment] = []
    skipped: list[SkippedDay] = []
    for monday in _iso_mondays(start_date, end_date):
        sessions_by_day: dict[dt.date, list[int]] = defaultdict(list)
        for index, session in enumerate(sessions):
            day = monday + dt.timedelta(days=session.weekday.number)
            if start_date <= day <= end_date:
                sessions_by_day[day].append(index)
        treatment_days = set(sessions_by_day)
        for day, indexes in sorted(sessions_by_day.items()):
            reason = _closure_reason(day, closed, operating_days)
            if reason is None:
                appointments += [_appointment(i, sessions[i], day, zone) for i in indexes]
                continue
            make_up_day = None
            if move_skipped:
                open_days = (
                    other
                    for other in _week_by_nearness(day)
                    if start_date <= other <= end_date
                    and other not in treatment_days  # else the week loses a treatment day
                    and _closure_reason(other, closed, operating_days) is None
                    and (can_move is None or can_move(other, _on_day(sessions, indexes, other)))
                )
                make_up_day = next(open_days, None)
            if make_up_day is not None:
                treatment_days.add(make_up_day)
                appointments += [_appointment(i, sessions[i], make_up_day, zone) for i in indexes]
            skipped += [SkippedDay(day, reason, i, make_up_day) for i in indexes]
    appointments.sort(key=lambda appointment: (appointment.starts_at, appointment.session_index))
    return Materialized(appointments=appointments, skipped=skipped)


def as_seen_from(
    session: PlanSession, tz_name: str, seen_tz: str, first: dt.date, last: dt.date
) -> list[PlanSession]:
    """A weekly session of a program in one time zone as a program in another sees it, for
    every week between two dates: staff who work in both are double booked in absolute time,
    not by local weekday and hour. Where daylight saving time starts on different dates, some
    weeks see it an hour apart: each distinct local weekday and time once."""
    if tz_name == seen_tz:
        return [session]
    zone, seen = ZoneInfo(tz_name), ZoneInfo(seen_tz)
    times: dict[tuple[Weekday, dt.time], None] = {}
    for monday in _iso_mondays(first, last):
        day = monday + dt.timedelta(days=session.weekday.number)
        local = dt.datetime.combine(day, session.start_time, tzinfo=zone).astimezone(seen)
        times[(Weekday.of(local.date()), local.time().replace(tzinfo=None))] = None
    return [replace(session, weekday=day, start_time=time) for day, time in times]


def _on_day(sessions: Sequence[PlanSession], indexes: list[int], day: dt.date) -> list[PlanSession]:
    return [replace(sessions[index], weekday=Weekday.of(day)) for index in indexes]


def _iso_mondays(start_date: dt.date, end_date: dt.date) -> Iterator[dt.date]:
    monday = start_date - dt.timedelta(days=start_date.weekday())
    while monday <= end_date:
        yield monday
        monday += dt.timedelta(days=7)


def _closure_reason(
    day: dt.date, closed: Mapping[dt.date, str], operating_days: frozenset[Weekday]
) -> str | None:
    if day in closed:
        return closed[day]
    if Weekday.of(day) not in operating_days:
        return f"the program does not operate on {Weekday.of(day)}"
    return None


def _week_by_nearness(day: dt.date) -> list[dt.date]:
    """The other days of the ISO week, nearest first and the later one first on a tie."""
    monday = day - dt.timedelta(days=day.weekday())
    week = [monday + dt.timedelta(days=offset) for offset in range(7)]
    return sorted(week, key=lambda other: (abs(other - day), other < day))[1:]


def _appointment(
    index: int, session: PlanSession, day: dt.date, zone: ZoneInfo
) -> PlannedAppointment:
    # The local wall-clock time is the promise (18:00 stays 18:00 across a DST change); a time
    # that does not exist that day (02:30 at spring-forward) is read with the earlier offset.
    starts_at = dt.datetime.combine(day, session.start_time, tzinfo=zone).astimezone(dt.UTC)
    ends_at = starts_at + dt.timedelta(minutes=session.duration_minutes)
    return PlannedAppointment(index, day, starts_at, ends_at)
