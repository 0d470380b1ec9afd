"""Treatment days: the only days charged (docs/domain.md §6), never calendar days. Pure."""

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

# Weekdays (Monday = 0) of a schedule of n days a week: spread over the week as IOPs run them.
WEEKLY_PATTERNS: dict[int, tuple[int, ...]] = {
    1: (0,), 2: (1, 3), 3: (0, 2, 4), 4: (0, 1, 3, 4), 5: (0, 1, 2, 3, 4),
    6: (0, 1, 2, 3, 4, 5), 7: (0, 1, 2, 3, 4, 5, 6),
}  # fmt: skip
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def weekly_days(starts_on: date, days_per_week: int, weeks: int) -> list[date]:
    """`days_per_week` days in each of `weeks` weeks from `starts_on`: exactly their product."""
    pattern = WEEKLY_PATTERNS[days_per_week]
    every_day = (starts_on + timedelta(days=offset) for offset in range(weeks * 7))
    return [day for day in every_day if day.weekday() in pattern]


def pattern_words(days_per_week: int) -> str:
    return ", ".join(WEEKDAY_NAMES[n] for n in WEEKLY_PATTERNS[days_per_week])


def skipped_closures(
    closed: Mapping[date, str],
    first: date,
    last: date,
    weekdays: Iterable[int],
    treatment_days: Iterable[date],
) -> list[tuple[date, str]]:
    """Closed days within a plan that fall on one of its weekdays and have no treatment:
    the days the plan skipped, which are not charged."""
    planned_weekdays, booked = set(weekdays), set(treatment_days)
    return [
        (day, reason)
        for day, reason in sorted(closed.items())
        if first <= day <= last and day.weekday() in planned_weekdays and day not in booked
    ]
