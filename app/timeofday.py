"""Wall-clock times as minutes of the day: the arithmetic of sessions, meetings and opening
hours, shared by every domain that schedules."""

import datetime as dt

MINUTES_PER_DAY = 24 * 60


def minute_of(moment: dt.time) -> int:
    return moment.hour * 60 + moment.minute


def end_minute_of(moment: dt.time) -> int:
    """An end time of 00:00 means midnight at the end of the day, not its start."""
    return minute_of(moment) or MINUTES_PER_DAY


def clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"  # 24:30 reads as "past midnight"


def overlap(first: tuple[int, int], second: tuple[int, int]) -> bool:
    # Half-open intervals: a session ending at 19:00 leaves the room free for one at 19:00.
    return first[0] < second[1] and second[0] < first[1]
