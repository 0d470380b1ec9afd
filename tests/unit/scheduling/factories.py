"""Small factories for scheduling rule tests: keyword arguments, sensible defaults."""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from uuid import UUID

from app.programs.settings import ProgramSettings
from app.scheduling.rules.plan import Busy, PlanContext, PlanSession, StaffQualification
from app.vocabulary import Modality, SessionKind, Weekday

THERAPIST = UUID(int=1)  # leads every kind of session, trained in music and art
GROUP_ROOM = UUID(int=2)  # seats 20: a full group of 15 and then some
WEEKDAYS = frozenset(Weekday) - {Weekday.SUNDAY}


def at(clock: str) -> dt.time:
    return dt.time.fromisoformat(clock)


def make_session(
    *,
    weekday: str = "monday",
    start: str = "18:00",
    minutes: int = 180,
    kind: str = "group",
    modality: str = "in_person",
    staff_id: UUID | None = THERAPIST,
    room_id: UUID | None = GROUP_ROOM,
    group_id: UUID | None = None,
    therapy: str | None = None,
    seats: int | None = None,
) -> PlanSession:
    return PlanSession(
        weekday=Weekday(weekday),
        start_time=at(start),
        duration_minutes=minutes,
        kind=SessionKind(kind),
        modality=Modality(modality),
        group_id=group_id,
        staff_id=staff_id,
        room_id=room_id if modality == "in_person" else None,
        therapy=therapy,
        seats=seats,
    )


def make_week(
    *weekdays: str, start: str = "18:00", minutes: int = 180, **overrides: Any
) -> list[PlanSession]:
    """One session on each weekday given (Monday, Wednesday, Friday when none)."""
    days = weekdays or ("monday", "wednesday", "friday")
    return [make_session(weekday=day, start=start, minutes=minutes, **overrides) for day in days]


def make_busy(
    *, weekday: str = "monday", start: str = "18:00", end: str = "19:00", label: str = "work"
) -> Busy:
    return Busy(Weekday(weekday), at(start), at(end), label)


def make_context(
    *,
    weeks: int = 12,
    is_adolescent: bool = False,
    is_stepping_down: bool = False,
    open_days: Iterable[Weekday] = WEEKDAYS,
    opens: str = "08:00",
    closes: str = "22:00",
    kinds: Iterable[str] = tuple(SessionKind),
    therapies: Iterable[str] = ("music", "art"),
    staff: Mapping[UUID, StaffQualification] | None = None,
    staff_busy: Sequence[Busy] = (),
    room_capacity: int = 20,
    room_load: Sequence[tuple[Busy, int]] = (),
    patient_busy: Sequence[Busy] = (),
) -> PlanContext:
    """A program open Monday to Saturday, 08:00 to 22:00, with one all-round therapist and room."""
    qualification = StaffQualification(
        kinds=frozenset(SessionKind(kind) for kind in kinds), therapies=frozenset(therapies)
    )
    return PlanContext(
        operating_hours={day: (at(opens), at(closes)) for day in open_days},
        weeks=weeks,
        is_adolescent=is_adolescent,
        is_stepping_down=is_stepping_down,
        staff={THERAPIST: qualification} if staff is None else staff,
        staff_busy={THERAPIST: staff_busy},
        room_capacity={GROUP_ROOM: room_capacity},
        room_load={GROUP_ROOM: room_load},
        patient_busy=patient_busy,
    )


def make_settings(**overrides: Any) -> ProgramSettings:
    return ProgramSettings(**overrides)
