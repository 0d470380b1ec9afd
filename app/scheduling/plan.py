"""The vocabulary of a weekly treatment plan: sessions, commitments, findings.

Plain frozen values shared by the plan rules (`rules.py`) and the calendar (`calendar_rules.py`);
no ORM, no I/O. Times are local wall-clock times of the program, to the minute.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from uuid import UUID

MINUTES_PER_DAY = 24 * 60


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
    # Peer support (NA/AA) is recommended, not scheduled (docs/domain.md §4), so it is no kind here.
    GROUP = "group"
    INDIVIDUAL = "individual"
    FAMILY = "family"
    EDUCATION = "education"
    COMPLEMENTARY = "complementary"


class Modality(StrEnum):
    IN_PERSON = "in_person"
    TELEHEALTH = "telehealth"


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


@dataclass(frozen=True)
class Violation:
    code: ViolationCode
    message: str


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
    weeks: int  # how long the plan lasts
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
