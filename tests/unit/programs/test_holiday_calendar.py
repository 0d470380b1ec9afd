"""A program's holiday calendar: the country given, or its time zone's; never none."""

import zoneinfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.programs.holiday_calendar import (
    HolidayCalendar,
    HolidayCalendarError,
    country_of_time_zone,
    holiday_calendar,
)


@pytest.mark.parametrize(
    ("country", "subdivision", "time_zone", "calendar"),
    [
        ("US", "MA", "America/New_York", HolidayCalendar("US", "MA", "given")),
        ("GB", None, "UTC", HolidayCalendar("GB", None, "given")),
        (None, None, "America/Chicago", HolidayCalendar("US", None, "time_zone")),
        (None, "BY", "Europe/Berlin", HolidayCalendar("DE", "BY", "time_zone")),
        (None, None, "US/Pacific", HolidayCalendar("US", None, "time_zone")),
        (None, None, "Europe/Kiev", HolidayCalendar("UA", None, "time_zone")),
    ],
)
def test_the_country_is_the_one_given_or_the_time_zones(
    country: str | None, subdivision: str | None, time_zone: str, calendar: HolidayCalendar
) -> None:
    assert holiday_calendar(country, subdivision, time_zone) == calendar


@pytest.mark.parametrize(
    ("country", "subdivision", "time_zone", "field"),
    [
        (None, None, "UTC", "country"),
        (None, None, "Etc/GMT+5", "country"),
        ("ZZ", None, "America/New_York", "country"),
        ("US", "BY", "America/New_York", "subdivision"),
        (None, "ON", "America/New_York", "subdivision"),
    ],
)
def test_an_impossible_calendar_names_the_field_to_fix(
    country: str | None, subdivision: str | None, time_zone: str, field: str
) -> None:
    with pytest.raises(HolidayCalendarError) as raised:
        holiday_calendar(country, subdivision, time_zone)
    assert raised.value.field == field


@settings(deadline=None)
@given(st.sampled_from(sorted(zoneinfo.available_timezones())))
def test_every_time_zone_gives_its_country_or_asks_for_one(time_zone: str) -> None:
    country = country_of_time_zone(time_zone)
    if country is None or country not in holidays.list_supported_countries():
        with pytest.raises(HolidayCalendarError) as raised:
            holiday_calendar(None, None, time_zone)
        assert raised.value.field == "country"
    else:
        assert holiday_calendar(None, None, time_zone) == HolidayCalendar(
            country, None, "time_zone"
        )
