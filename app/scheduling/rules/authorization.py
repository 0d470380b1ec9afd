"""Which dated appointments of a plan the admission's authorization covers.

Pure (docs/domain.md §3 item 5, §6): a payer or the program authorizes a number of treatment
days within a period; treating beyond either takes a concurrent review, so the plan reports
what falls outside and books it only when asked to.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from app.scheduling.rules.calendar import PlannedAppointment
from app.scheduling.rules.plan import Violation, ViolationCode


@dataclass(frozen=True)
class AuthorizationTerms:
    authorized_days: int  # treatment days, not calendar days
    starts_on: dt.date
    ends_on: dt.date  # inclusive


@dataclass(frozen=True)
class AuthorizationCheck:
    within: list[PlannedAppointment]
    beyond: list[PlannedAppointment]
    used_days: int  # treatment days already taken before these appointments
    terms: AuthorizationTerms | None = None
    outside_period: list[dt.date] = field(default_factory=list)  # dates, each once, in order
    over_authorized_days: list[dt.date] = field(default_factory=list)


def check_authorization(
    appointments: Sequence[PlannedAppointment],
    used_days: Iterable[dt.date],
    terms: AuthorizationTerms | None,
) -> AuthorizationCheck:
    """Split a plan's appointments into those the authorization covers and those beyond it.

    A treatment day is a local date with at least one appointment: the authorization counts
    days, so a second session on a day already counted costs nothing. Days already used (past
    appointments) count first, then the plan's days in time order; a date before or after the
    period is never covered. No authorization (a dry run for a program): everything is within.
    """
    used = set(used_days)
    if terms is None:
        return AuthorizationCheck(list(appointments), [], len(used))
    counted = set(used)
    within: list[PlannedAppointment] = []
    beyond: list[PlannedAppointment] = []
    outside: dict[dt.date, None] = {}
    over: dict[dt.date, None] = {}
    for appointment in sorted(appointments, key=lambda a: (a.starts_at, a.session_index)):
        day = appointment.local_date
        if not terms.starts_on <= day <= terms.ends_on:
            outside[day] = None
        elif day in counted or len(counted) < terms.authorized_days:
            counted.add(day)
            within.append(appointment)
            continue
        else:
            over[day] = None
        beyond.append(appointment)
    return AuthorizationCheck(within, beyond, len(used), terms, list(outside), list(over))


def authorization_flag(check: AuthorizationCheck, is_booked: bool) -> Violation | None:
    """The flag of a plan with appointments beyond its authorization, saying whether they are
    booked."""
    terms = check.terms
    if terms is None or not check.beyond:
        return None
    days = len({appointment.local_date for appointment in check.beyond})
    booked = (
        "booked as asked"
        if is_booked
        else "not booked: after a concurrent review, send `book_beyond_authorization: true`"
    )
    return Violation(
        ViolationCode.BEYOND_AUTHORIZATION,
        f"{len(check.beyond)} appointment(s) on {days} treatment day(s) fall beyond the"
        f" authorization of {terms.authorized_days} treatment days from {terms.starts_on} to"
        f" {terms.ends_on} ({check.used_days} already used); {booked}",
    )
