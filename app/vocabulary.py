"""The clinic's shared words: statuses, weekdays, session kinds and the sets built from them.

Defined once, at the bottom of the stack, so that every domain (and every rule) speaks of the
same things without importing another domain for a word. Values are what the API and the
database store.
"""

import datetime as dt
from enum import StrEnum


class Weekday(StrEnum):
    MONDAY = "monday"
    TUESDAY = "tuesday"
    WEDNESDAY = "wednesday"
    THURSDAY = "thursday"
    FRIDAY = "friday"
    SATURDAY = "saturday"
    SUNDAY = "sunday"

    @classmethod
    def from_number(cls, number: int) -> "Weekday":
        """The weekday of Python's `date.weekday()` number (0 = Monday)."""
        if not 0 <= number <= 6:
            raise ValueError(f"a weekday number is 0 to 6, not {number}")
        return list(cls)[number]

    @classmethod
    def of(cls, day: dt.date) -> "Weekday":
        return cls.from_number(day.weekday())

    @property
    def number(self) -> int:
        """Python's `date.weekday()` number (0 = Monday)."""
        return list(Weekday).index(self)


class SessionKind(StrEnum):
    # Peer support (NA/AA) is recommended, not scheduled (docs/domain.md §4), so it is no kind.
    GROUP = "group"
    INDIVIDUAL = "individual"
    FAMILY = "family"
    EDUCATION = "education"
    COMPLEMENTARY = "complementary"


class Modality(StrEnum):
    IN_PERSON = "in_person"
    TELEHEALTH = "telehealth"


class AdmissionStatus(StrEnum):
    pending = "pending"
    referred = "referred"
    approved = "approved"
    active = "active"
    on_hold = "on_hold"
    discharged = "discharged"
    cancelled = "cancelled"


# Not yet ended: at most one per patient and program.
OPEN_ADMISSION = frozenset(
    {
        AdmissionStatus.pending,
        AdmissionStatus.approved,
        AdmissionStatus.active,
        AdmissionStatus.on_hold,
    }
)
# Approved or already in treatment: takes part in groups and has a treatment plan. A pending,
# held or closed admission does not.
ADMITTED = frozenset({AdmissionStatus.approved, AdmissionStatus.active})


class MembershipStatus(StrEnum):
    enrolled = "enrolled"
    waitlisted = "waitlisted"
    left = "left"  # was enrolled; removed from the group, or the group closed
    removed = "removed"  # taken off the waitlist without a seat


# A membership still in force: a seat, or a place on the waitlist.
OPEN_MEMBERSHIP = (MembershipStatus.enrolled, MembershipStatus.waitlisted)
# What counts toward a group's seats (its hard ceiling).
HOLDS_SEAT = MembershipStatus.enrolled


class GroupStatus(StrEnum):
    """Whether a group runs: forming groups wait for members, full ones take no more."""

    FORMING = "forming"
    ACTIVE = "active"
    FULL = "full"
    CLOSED = "closed"


class PlanStatus(StrEnum):
    current = "current"
    superseded = "superseded"
    ended = "ended"


class AppointmentStatus(StrEnum):
    booked = "booked"
    cancelled = "cancelled"
    fulfilled = "fulfilled"
    noshow = "noshow"


class AttendanceStatus(StrEnum):
    """A session's attendance mark (docs/domain.md §5)."""

    present = "present"
    late = "late"
    left_early = "left_early"
    excused_absence = "excused_absence"
    unexcused_absence = "unexcused_absence"
    no_show = "no_show"


# The patient came (for some or all of the session): the appointment is fulfilled.
ATTENDED = frozenset({AttendanceStatus.present, AttendanceStatus.late, AttendanceStatus.left_early})


class AlertStatus(StrEnum):
    open = "open"
    acknowledged = "acknowledged"
    resolved = "resolved"


class AlertCode(StrEnum):
    """The clinic's worklist: stable codes a client may filter and count on."""

    weekly_hours_below_minimum = "weekly_hours_below_minimum"
    weekly_days_below_minimum = "weekly_days_below_minimum"
    consecutive_absences = "consecutive_absences"
    days_without_attendance = "days_without_attendance"
    positive_drug_screen = "positive_drug_screen"
    authorization_nearly_used = "authorization_nearly_used"
    authorization_exhausted = "authorization_exhausted"
    authorization_expired = "authorization_expired"
    review_due = "review_due"


class ScreenResult(StrEnum):
    """A drug screen's overall result during treatment (docs/domain.md §5): an inconclusive
    one (a dilute or invalid sample) is neither."""

    negative = "negative"
    positive = "positive"
    inconclusive = "inconclusive"
