"""Staff who work in programs of different time zones are booked in absolute time."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.scheduling.rules.calendar import as_seen_from
from app.vocabulary import Weekday

from .factories import make_session

MARCH = (dt.date(2026, 3, 2), dt.date(2026, 3, 29))  # US DST starts 8 March, the EU's 29th


def seen(session_zone: str, seen_zone: str, **session: Any) -> list[tuple[str, str]]:
    found = as_seen_from(make_session(**session), session_zone, seen_zone, *MARCH)
    return sorted((s.weekday.value, f"{s.start_time:%H:%M}") for s in found)


@pytest.mark.parametrize(
    ("session_zone", "seen_zone", "session", "expected"),
    [
        pytest.param("America/Chicago", "America/Chicago", {}, [("monday", "18:00")], id="same"),
        pytest.param(
            "America/Chicago", "America/New_York", {"start": "17:00"}, [("monday", "18:00")],
            id="Chicago's five is New York's six",
        ),
        pytest.param(
            "America/Los_Angeles", "America/New_York", {"start": "22:00"},
            [("tuesday", "01:00")], id="a late evening is the next day in the east",
        ),
        pytest.param(
            "Europe/London", "America/New_York", {"start": "23:00"},
            [("monday", "18:00"), ("monday", "19:00")], id="weeks when DST differs",
        ),
    ],
)  # fmt: skip
def test_a_session_is_seen_at_the_same_instant_from_another_time_zone(
    session_zone: str, seen_zone: str, session: dict[str, str], expected: list[tuple[str, str]]
) -> None:
    assert seen(session_zone, seen_zone, **session) == expected


ZONES = ["America/New_York", "America/Chicago", "America/Denver", "Europe/Berlin", "Asia/Tokyo"]


@settings(deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    other=st.sampled_from(ZONES),
    weekday=st.sampled_from(list(Weekday)),
    minute=st.integers(0, 24 * 60 - 1),
)
def test_the_seen_session_starts_at_an_instant_of_the_original(
    zone: str, other: str, weekday: Weekday, minute: int
) -> None:
    start = f"{minute // 60:02d}:{minute % 60:02d}"
    session = make_session(weekday=weekday.value, start=start)
    first, last = MARCH
    originals = set()
    day = first
    while day <= last:
        if Weekday.of(day) is weekday:
            local = dt.datetime.combine(day, session.start_time, tzinfo=ZoneInfo(zone))
            originals.add(local.astimezone(ZoneInfo(other)))
        day += dt.timedelta(days=1)

    for seen_session in as_seen_from(session, zone, other, first, last):
        assert any(
            (instant.date().weekday(), instant.time().replace(tzinfo=None))
            == (seen_session.weekday.number, seen_session.start_time)
            for instant in originals
        )
