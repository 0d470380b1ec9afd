"""The vocabulary of a weekly treatment plan: sessions, commitments, findings.

Plain frozen values shared by the plan rules (`validation.py`) and the calendar (`calendar.py`);
no ORM, no I/O. Times are local wall-clock times of the program, to the minute.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from uuid import UUID

from app.timeofday import end_minute_of, minute_of, overlap
from app.vocabulary import Modality, SessionKind, Weekday


class ViolationCode(StrEnum):
    DAYS_PER_WEEK_BELOW_MINIMUM = "days_per_week_below_minimum"
    DAYS_PER_WEEK_ABOVE_MAXIMUM = "days_per_week_above_maximum"
    WEEKLY_HOURS_BELOW_MINIMUM = "weekly_hours_below_minimum"
    WEEKLY_HOURS_ABOVE_MAXIMUM = "weekly_hours_above_maximum"
    DAILY_HOURS_BELOW_MINIMUM = "daily_hours_below_minimum"
    OVERLAPPING_SESSIONS = "overlapping_sessions"
    OUTSIDE_OPERATING_HOURS = "outside_operating_hours"
    STAFF_NOT_QUALIFIED = "staff_not_qualified"
    STAFF_DOUBLE_BOOKED = "staff_double_booked"
    ROOM_OVER_CAPACITY = "room_over_capacity"
    PATIENT_DOUBLE_BOOKED = "patient_double_booked"
    SESSION_TOO_SHORT = "session_too_short"
    EMPTY_PLAN = "empty_plan"
    # Flags: the plan is accepted, but someone should look.
    STEP_DOWN_GRACE = "step_down_grace"
    STAFF_NOT_ASSIGNED = "staff_not_assigned"
    ROOM_NOT_ASSIGNED = "room_not_assigned"
    # Flags of the dated weeks (`rules.calendar`, `rules.authorization`).
    BEYOND_AUTHORIZATION = "beyond_authorization"
    WEEK_BELOW_MINIMUM = "week_below_minimum"
    SESSIONS_NOT_MOVED = "sessions_not_moved"


@dataclass(frozen=True)
class Violation:
    code: ViolationCode
    message: str


@dataclass(frozen=True)
class PlanSession:
    """One weekly session of a treatment plan; `seats` overrides the default by kind."""

    weekday: Weekday
    start_time: dt.time
    duration_minutes: int
    kind: SessionKind
    modality: Modality = Modality.IN_PERSON
    group_id: UUID | None = None
    staff_id: UUID | None = None
    room_id: UUID | None = None
    therapy: str | None = None  # which complementary therapy, e.g. "music"
    seats: int | None = None

    def __post_init__(self) -> None:
        if self.duration_minutes < 1:
            raise ValueError("a session lasts at least one minute")

    @property
    def minutes(self) -> tuple[int, int]:
        """Start and end minute of the day; the end may pass midnight (1440), when no
        program is open, so such a session fails the operating hours."""
        start = minute_of(self.start_time)
        return start, start + self.duration_minutes

    def describe(self) -> str:
        return f"{self.kind} session on {self.weekday} at {self.start_time:%H:%M}"


@dataclass(frozen=True)
class Busy:
    """A commitment that already exists on a weekday, from `start` to `end` (00:00 = midnight)."""

    weekday: Weekday
    start: dt.time
    end: dt.time
    label: str

    @property
    def minutes(self) -> tuple[int, int]:
        return minute_of(self.start), end_minute_of(self.end)

    def overlaps(self, session: PlanSession) -> bool:
        return self.weekday == session.weekday and overlap(self.minutes, session.minutes)


@dataclass(frozen=True)
class StaffQualification:
    kinds: frozenset[SessionKind]
    # Complementary therapies (music, art, equine…) need specially trained therapists (§4).
    therapies: frozenset[str] = frozenset()


@dataclass(frozen=True)
class PlanContext:
    """Everything around a plan. Busy lists hold commitments other than this plan's sessions:
    the meeting of a group the patient joins is neither its staff's busy nor its room's load."""

    operating_hours: Mapping[Weekday, tuple[dt.time, dt.time]]  # a missing weekday is closed
    # Weeks from the start of treatment (the admission's, or its first plan's) to the plan's
    # end: the step-down grace counts these, so saving short plans one after another cannot
    # renew it (docs/domain.md §2).
    weeks: int
    is_adolescent: bool = False
    is_stepping_down: bool = False
    staff: Mapping[UUID, StaffQualification] = field(default_factory=dict)
    staff_busy: Mapping[UUID, Sequence[Busy]] = field(default_factory=dict)
    room_capacity: Mapping[UUID, int] = field(default_factory=dict)
    room_load: Mapping[UUID, Sequence[tuple[Busy, int]]] = field(default_factory=dict)  # seats
    patient_busy: Sequence[Busy] = ()


@dataclass(frozen=True)
class PlanCheck:
    days_per_week: int
    weekly_hours: float
    violations: list[Violation]  # every reason the plan is rejected
    flags: list[Violation]  # accepted, but noteworthy

    @property
    def is_accepted(self) -> bool:
        return not self.violations
