"""When a Good Faith Estimate is due (No Surprises Act, 45 CFR 149.610; docs/domain.md §6).

Business days are Monday to Friday, less federal holidays. A service scheduled 10 or more
business days ahead: due 3 business days after scheduling; 3 or more: 1 business day after; on
a patient's request: 3 business days after the request. Pure, given the holidays.
"""

from collections.abc import Container, Iterable
from datetime import date, timedelta

import holidays

NOT_REQUIRED = (
    "Scheduled fewer than 3 business days ahead: the rule sets no due date; this estimate is"
    " given anyway."
)


def federal_holidays(years: Iterable[int]) -> dict[date, str]:
    return dict(holidays.country_holidays("US", years=list(years)))


def is_business_day(day: date, closed: Container[date]) -> bool:
    return day.weekday() < 5 and day not in closed


def business_days_between(after: date, until: date, closed: Container[date]) -> int:
    """Business days after `after`, up to and including `until`."""
    days = (after + timedelta(days=n) for n in range(1, (until - after).days + 1))
    return sum(1 for day in days if is_business_day(day, closed))


def add_business_days(start: date, count: int, closed: Container[date]) -> date:
    day = start
    while count > 0:
        day += timedelta(days=1)
        count -= is_business_day(day, closed)
    return day


def due_date(
    scheduled_on: date | None,
    service_on: date | None,
    requested_on: date | None,
    closed: Container[date],
) -> tuple[date | None, str]:
    """The last day to give the estimate, and the rule that set it."""
    if scheduled_on is not None and service_on is not None:
        ahead = business_days_between(scheduled_on, service_on, closed)
        if ahead >= 10:
            return add_business_days(scheduled_on, 3, closed), (
                f"Scheduled {ahead} business days ahead (10 or more): due 3 business days"
                " after scheduling."
            )
        if ahead >= 3:
            return add_business_days(scheduled_on, 1, closed), (
                f"Scheduled {ahead} business days ahead (3 to 9): due 1 business day after"
                " scheduling."
            )
        return None, NOT_REQUIRED
    if requested_on is not None:
        return add_business_days(requested_on, 3, closed), (
            "Requested by the patient: due 3 business days after the request."
        )
    raise ValueError("a Good Faith Estimate is due after scheduling or a request")
