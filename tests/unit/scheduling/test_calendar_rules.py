"""From a weekly plan to dated appointments: closures, make-up days, time zones
(docs/domain.md §1, §2)."""

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.scheduling.rules.calendar import Materialized, closures, materialize, plan_end
from app.scheduling.rules.plan import PlanSession
from app.vocabulary import Weekday

from .factories import WEEKDAYS, make_session, make_settings, make_week

NEW_YORK = "America/New_York"
MONDAY = dt.date(2026, 6, 1)


def schedule(
    sessions: list[PlanSession],
    *,
    start: dt.date = MONDAY,
    end: dt.date | None = None,
    tz_name: str = NEW_YORK,
    closed: dict[dt.date, str] | None = None,
    move_skipped: bool = False,
    operating_days: frozenset[Weekday] = WEEKDAYS,
) -> Materialized:
    return materialize(
        sessions,
        start,
        end or start + dt.timedelta(days=13),
        tz_name,
        closed or {},
        move_skipped,
        operating_days,
    )


def test_two_weeks_of_three_evenings_make_six_appointments_in_order() -> None:
    planned = schedule(make_week())

    assert [appointment.local_date.day for appointment in planned.appointments] == [
        1, 3, 5, 8, 10, 12,
    ]  # fmt: skip
    first = planned.appointments[0]
    assert first.starts_at == dt.datetime(2026, 6, 1, 22, tzinfo=dt.UTC)  # 18:00 EDT
    assert first.ends_at - first.starts_at == dt.timedelta(hours=3)
    assert planned.skipped == []


def test_a_session_on_a_closed_day_is_skipped_with_the_reason() -> None:
    planned = schedule(make_week(), closed={dt.date(2026, 6, 3): "staff training"})

    assert dt.date(2026, 6, 3) not in {a.local_date for a in planned.appointments}
    [skipped] = planned.skipped
    assert (skipped.date, skipped.reason, skipped.moved_to) == (
        dt.date(2026, 6, 3), "staff training", None,
    )  # fmt: skip


def test_a_skipped_day_moves_to_the_nearest_free_day_of_the_week() -> None:
    planned = schedule(make_week(), closed={dt.date(2026, 6, 1): "holiday"}, move_skipped=True)

    [skipped] = planned.skipped
    assert skipped.moved_to == dt.date(2026, 6, 2)  # Tuesday, not Wednesday (already a day)
    assert planned.appointments[0].local_date == dt.date(2026, 6, 2)
    assert planned.appointments[0].starts_at == dt.datetime(2026, 6, 2, 22, tzinfo=dt.UTC)


def test_all_sessions_of_a_closed_day_move_together() -> None:
    sessions = [
        *make_week(),
        make_session(weekday="monday", start="15:00", minutes=60, kind="individual"),
    ]
    planned = schedule(sessions, closed={dt.date(2026, 6, 1): "holiday"}, move_skipped=True)

    assert {skipped.moved_to for skipped in planned.skipped} == {dt.date(2026, 6, 2)}
    assert len(planned.skipped) == 2


def test_a_skipped_day_stays_skipped_when_the_week_has_no_free_day() -> None:
    every_weekday = make_week("monday", "tuesday", "wednesday", "thursday", "friday", minutes=120)
    closed = {dt.date(2026, 6, 3): "flood", dt.date(2026, 6, 6): "inventory"}

    planned = schedule(every_weekday, closed=closed, move_skipped=True)

    [skipped] = planned.skipped
    assert (skipped.date, skipped.moved_to) == (dt.date(2026, 6, 3), None)


def test_a_skipped_day_never_moves_outside_the_plan_period() -> None:
    # The plan runs from Wednesday to Friday; the free Saturday and Tuesday lie outside it.
    planned = schedule(
        make_week("wednesday", "thursday", "friday"),
        start=dt.date(2026, 6, 3),
        end=dt.date(2026, 6, 5),
        closed={dt.date(2026, 6, 5): "holiday"},
        move_skipped=True,
    )

    assert [(s.date, s.moved_to) for s in planned.skipped] == [(dt.date(2026, 6, 5), None)]


def test_a_session_on_a_day_the_program_does_not_operate_is_skipped() -> None:
    planned = schedule(
        make_week("saturday"), operating_days=frozenset(WEEKDAYS - {Weekday.SATURDAY})
    )

    assert planned.appointments == []
    assert planned.skipped[0].reason == "the program does not operate on saturday"


@pytest.mark.parametrize(
    ("start", "before", "after"),
    [
        pytest.param(dt.date(2026, 3, 2), -5, -4, id="March: clocks spring forward"),
        pytest.param(dt.date(2026, 10, 26), -4, -5, id="November: clocks fall back"),
    ],
)
def test_an_evening_session_stays_at_six_pm_local_across_a_daylight_saving_change(
    start: dt.date, before: int, after: int
) -> None:
    planned = schedule(make_week("monday"), start=start, end=start + dt.timedelta(days=13))

    zone = ZoneInfo(NEW_YORK)
    local_starts = [a.starts_at.astimezone(zone) for a in planned.appointments]
    assert [moment.time() for moment in local_starts] == [dt.time(18), dt.time(18)]
    offsets = [moment.utcoffset() for moment in local_starts]
    assert offsets == [dt.timedelta(hours=before), dt.timedelta(hours=after)]


def test_closures_merge_public_holidays_with_the_programs_own_dates() -> None:
    closed = closures("US", "NY", [2026], {dt.date(2026, 8, 14): "staff retreat"})

    assert closed[dt.date(2026, 12, 25)] == "Christmas Day"
    assert closed[dt.date(2026, 7, 3)] == "Independence Day (observed)"
    assert closed[dt.date(2026, 8, 14)] == "staff retreat"


@pytest.mark.parametrize(
    ("country", "subdivision"), [("US", "MA"), ("US", None), ("CA", "ON"), ("GB", None)]
)
@pytest.mark.parametrize("years", [[2026], [2027, 2028], [2031, 2032, 2033]])
def test_closures_hold_every_holiday_of_the_years_even_one_observed_across_new_year(
    country: str, subdivision: str | None, years: list[int]
) -> None:
    expected = dict(holidays.country_holidays(country, subdiv=subdivision, years=years))

    first = closures(country, subdivision, years, {})
    first.clear()  # what a caller does with its answer does not change the next one

    assert closures(country, subdivision, years, {}) == expected


def test_the_programs_reason_wins_over_the_holiday_name() -> None:
    closed = closures("US", None, [2026], {dt.date(2026, 12, 25): "closed for Christmas"})

    assert closed[dt.date(2026, 12, 25)] == "closed for Christmas"


def test_a_program_without_country_closes_only_on_its_own_dates() -> None:
    assert closures(None, None, [2026], {MONDAY: "move"}) == {MONDAY: "move"}


@pytest.mark.parametrize(
    ("country", "subdivision", "reason"),
    [
        ("XX", None, "not available"),
        ("US", "ZZ", "subdivision ZZ"),
        (None, "NY", "needs its country"),
    ],
)
def test_an_unknown_country_or_subdivision_is_refused(
    country: str | None, subdivision: str | None, reason: str
) -> None:
    with pytest.raises(ValueError, match=reason):
        closures(country, subdivision, [2026], {})


@pytest.mark.parametrize(
    ("weeks", "end_date", "expected"),
    [
        pytest.param(12, None, dt.date(2026, 8, 23), id="twelve weeks end on a Sunday"),
        pytest.param(None, dt.date(2026, 7, 31), dt.date(2026, 7, 31), id="an end date"),
        pytest.param(None, None, dt.date(2026, 8, 29), id="ninety days by default"),
    ],
)
def test_a_plan_ends_after_its_weeks_on_its_end_date_or_after_the_planned_duration(
    weeks: int | None, end_date: dt.date | None, expected: dt.date
) -> None:
    assert plan_end(MONDAY, weeks, end_date, make_settings()) == expected


@pytest.mark.parametrize(
    ("weeks", "end_date", "reason"),
    [
        (4, dt.date(2026, 7, 1), "not both"),
        (None, dt.date(2026, 5, 1), "before it starts"),
        (0, None, "at least one week"),
    ],
)
def test_a_plan_end_that_makes_no_sense_is_refused(
    weeks: int | None, end_date: dt.date | None, reason: str
) -> None:
    with pytest.raises(ValueError, match=reason):
        plan_end(MONDAY, weeks, end_date, make_settings())


# Property tests over random weekly plans, periods, closures and time zones.
weekly_sessions = st.lists(
    st.builds(
        make_session,
        weekday=st.sampled_from([day.value for day in Weekday]),
        start=st.sampled_from(["08:00", "12:30", "18:00", "21:15"]),
        minutes=st.sampled_from([60, 120, 180]),
    ),
    max_size=6,
)
periods = st.tuples(st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31)), st.integers(0, 60)).map(
    lambda period: (period[0], period[0] + dt.timedelta(days=period[1]))
)
zones = st.sampled_from([NEW_YORK, "Europe/Berlin", "Australia/Sydney", "UTC"])


def iso_week(day: dt.date) -> tuple[int, int]:
    year, week, _ = day.isocalendar()
    return year, week


def closed_days_in(period: tuple[dt.date, dt.date]) -> st.SearchStrategy[dict[dt.date, str]]:
    start, end = period
    return st.dictionaries(st.dates(start, end), st.just("closed"), max_size=10)


@given(sessions=weekly_sessions, period=periods, data=st.data(), move_skipped=st.booleans())
def test_appointments_never_fall_on_a_closure_nor_outside_the_period(
    sessions: list[PlanSession],
    period: tuple[dt.date, dt.date],
    data: st.DataObject,
    move_skipped: bool,
) -> None:
    closed = data.draw(closed_days_in(period))
    operating_days = data.draw(st.frozensets(st.sampled_from(Weekday)))
    start, end = period

    planned = schedule(
        sessions, start=start, end=end, closed=closed,
        move_skipped=move_skipped, operating_days=operating_days,
    )  # fmt: skip

    for appointment in planned.appointments:
        assert start <= appointment.local_date <= end
        assert appointment.local_date not in closed
        assert Weekday.of(appointment.local_date) in operating_days


@given(sessions=weekly_sessions, period=periods, data=st.data())
def test_moving_skipped_days_keeps_the_number_of_treatment_days_in_each_week(
    sessions: list[PlanSession], period: tuple[dt.date, dt.date], data: st.DataObject
) -> None:
    closed = data.draw(closed_days_in(period))
    start, end = period
    open_days = frozenset(Weekday)

    def treatment_days_by_week(planned: Materialized) -> Counter[tuple[int, int]]:
        days = {appointment.local_date for appointment in planned.appointments}
        return Counter(iso_week(day) for day in days)

    usual = schedule(sessions, start=start, end=end, operating_days=open_days)
    moved = schedule(sessions, start=start, end=end, closed=closed, move_skipped=True,
                     operating_days=open_days)  # fmt: skip

    lost_days = {skipped.date for skipped in moved.skipped if skipped.moved_to is None}
    lost_by_week = Counter(iso_week(day) for day in lost_days)
    assert treatment_days_by_week(moved) + lost_by_week == treatment_days_by_week(usual)
    for skipped in moved.skipped:
        if skipped.moved_to is not None:
            assert iso_week(skipped.moved_to) == iso_week(skipped.date)


@given(
    start_time=st.times().map(lambda moment: moment.replace(second=0, microsecond=0)),
    day=st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31)),
    tz_name=zones,
)
def test_appointments_keep_the_local_wall_clock_time_all_year(
    start_time: dt.time, day: dt.date, tz_name: str
) -> None:
    zone = ZoneInfo(tz_name)
    # A wall-clock time skipped by a spring-forward change cannot be kept: leave it out.
    local = dt.datetime.combine(day, start_time, tzinfo=zone)
    if local.astimezone(dt.UTC).astimezone(zone).time() != start_time:
        return
    session = make_session(weekday=Weekday.of(day).value, start=start_time.isoformat("minutes"))

    planned = schedule([session], start=day, end=day, tz_name=tz_name,
                       operating_days=frozenset(Weekday))  # fmt: skip

    [appointment] = planned.appointments
    assert appointment.starts_at.tzinfo is dt.UTC
    assert appointment.starts_at.astimezone(zone).time() == start_time
