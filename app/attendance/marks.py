"""Checking one attendance mark: the minutes it stands for, or why it cannot be recorded.

Plain values in, decision out: no I/O, no clock (the caller passes `now`).
"""

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from app.vocabulary import ATTENDED, AppointmentStatus, AttendanceStatus


class RefusalCode(StrEnum):
    unknown_appointment = "unknown_appointment"
    ambiguous_appointment = "ambiguous_appointment"
    appointment_cancelled = "appointment_cancelled"
    before_session = "before_session"
    minutes_required = "minutes_required"
    minutes_exceed_session = "minutes_exceed_session"
    minutes_on_absence = "minutes_on_absence"
    conflicting_duplicate = "conflicting_duplicate"
    admission_not_started = "admission_not_started"


@dataclass(frozen=True)
class Refusal:
    code: RefusalCode
    message: str


@dataclass(frozen=True)
class Session:
    """What a mark is checked against: the appointment as booked."""

    status: AppointmentStatus
    starts_at: dt.datetime
    ends_at: dt.datetime

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


def minutes_of(
    status: AttendanceStatus, minutes_attended: int | None, session: Session, now: dt.datetime
) -> int | Refusal:
    """The minutes attended that the mark stands for (docs/domain.md §5: attendance is counted
    in hours attended), or why it is refused."""
    if session.status == AppointmentStatus.cancelled:
        return Refusal(RefusalCode.appointment_cancelled, "The appointment was cancelled.")
    if session.starts_at > now:
        return Refusal(
            RefusalCode.before_session,
            f"The session starts at {session.starts_at.isoformat()}: attendance is recorded"
            " once it has started.",
        )
    scheduled = session.minutes
    if status not in ATTENDED:
        if minutes_attended:
            return Refusal(
                RefusalCode.minutes_on_absence,
                f"An absence ({status}) attends no minutes; leave out minutes_attended.",
            )
        return 0
    if minutes_attended is None:
        if status == AttendanceStatus.present:
            return scheduled
        # Late arrival and early leave reduce the time attended: say by how much.
        return Refusal(
            RefusalCode.minutes_required,
            f"A patient who was {status.replace('_', ' ')} attended part of the session:"
            " give minutes_attended.",
        )
    if minutes_attended > scheduled:
        return Refusal(
            RefusalCode.minutes_exceed_session,
            f"{minutes_attended} minutes attended of a {scheduled}-minute session.",
        )
    return minutes_attended


def appointment_status_of(status: AttendanceStatus) -> AppointmentStatus:
    """The appointment follows its attendance: kept, or missed (excused or not)."""
    return AppointmentStatus.fulfilled if status in ATTENDED else AppointmentStatus.noshow


def beyond_authorization(
    attended_days: list[dt.date],
    authorized_days: int | None,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
) -> set[dt.date]:
    """The attended treatment days the authorization does not cover: outside its dates, or
    after its number of authorized days is used up (docs/domain.md §3.5), counted in date
    order."""
    beyond: set[dt.date] = set()
    counted = 0
    for day in sorted(set(attended_days)):
        if (starts_on is not None and day < starts_on) or (ends_on is not None and day > ends_on):
            beyond.add(day)
            continue
        counted += 1
        if authorized_days is not None and counted > authorized_days:
            beyond.add(day)
    return beyond
