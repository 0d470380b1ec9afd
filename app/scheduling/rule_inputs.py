"""What surrounds a plan, read from the database: the program's hours and closures, and what
the other current plans (and the groups' own meetings) already hold of its staff and rooms.

The rules (`validation.validate_plan`, `calendar.materialize`) take these as plain values.
"""

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import ColumnElement, case, null, or_, select

from app.context import Context
from app.groups.models import TherapyGroup
from app.groups.schemas import session_kind_of
from app.programs.models import Program, StaffMember
from app.programs.settings import ProgramSettings
from app.scheduling.models import TreatmentPlan, TreatmentPlanSession
from app.scheduling.references import References
from app.scheduling.rules.authorization import AuthorizationTerms
from app.scheduling.rules.calendar import as_seen_from, closures, weeks_in_treatment
from app.scheduling.rules.plan import Busy, PlanContext, PlanSession, StaffQualification
from app.scheduling.rules.validation import seats_needed
from app.timeofday import MINUTES_PER_DAY
from app.vocabulary import Modality, PlanStatus, SessionKind, Weekday


@dataclass(frozen=True)
class Subject:
    """Whose plan it is; a dry run for a program names no admission and no patient."""

    program: Program
    admission_id: uuid.UUID | None = None
    patient_id: uuid.UUID | None = None
    is_adolescent: bool = False
    is_stepping_down: bool = False
    # The admission's start, or its first plan's; None when nothing has started (a dry run).
    treatment_starts_on: dt.date | None = None
    authorization: AuthorizationTerms | None = None  # None for a dry run for a program


def operating_hours(program: Program) -> dict[Weekday, tuple[dt.time, dt.time]]:
    return {
        Weekday(day): (_clock(hours["opens"]), _clock(hours["closes"]))
        for day, hours in program.operating_hours.items()
    }


def _clock(value: str) -> dt.time:
    return dt.time.fromisoformat(value)


def closed_days(program: Program, first: dt.date, last: dt.date) -> dict[dt.date, str]:
    """Public holidays of the program's country and its own closure dates, in a date range."""
    own = {dt.date.fromisoformat(c["date"]): c["reason"] for c in program.closures}
    years = range(first.year, last.year + 1)
    return closures(program.country, program.subdivision, years, own)


Meeting = tuple[Hashable, PlanSession, uuid.UUID | None, str]  # key, session, patient, label


def plan_context(
    ctx: Context,
    subject: Subject,
    sessions: Sequence[PlanSession],
    references: References,
    dates: tuple[dt.date, dt.date],
    settings: ProgramSettings,
) -> PlanContext:
    """The weekly context of a plan lasting from one date to another."""
    start, end = dates
    treatment_start = min(start, subject.treatment_starts_on or start)
    return assemble_context(
        subject,
        sessions,
        references,
        _other_meetings(ctx, subject, references, start, end),
        settings,
        hours=operating_hours(subject.program),
        weeks=weeks_in_treatment(treatment_start, end),
    )


def assemble_context(
    subject: Subject,
    sessions: Sequence[PlanSession],
    references: References,
    meetings: Iterable[Meeting],
    settings: ProgramSettings,
    *,
    hours: dict[Weekday, tuple[dt.time, dt.time]],
    weeks: int,
) -> PlanContext:
    """What the other meetings hold: their staff's time, their rooms' seats, the patient's
    time. A meeting the plan joins (the same group then) holds nothing against it."""
    own = {key for key in map(meeting_key, sessions) if key is not None}
    staff_busy: dict[uuid.UUID, list[Busy]] = defaultdict(list)
    room_load: dict[uuid.UUID, list[tuple[Busy, int]]] = defaultdict(list)
    patient_busy: list[Busy] = []
    held, patient_held = set(own), set(own)
    for key, meeting, patient_id, label in meetings:
        busy = Busy(meeting.weekday, meeting.start_time, _end_time(meeting), label)
        is_patients = subject.patient_id is not None and patient_id == subject.patient_id
        if is_patients and key not in patient_held:
            patient_held.add(key)
            patient_busy.append(busy)
        if key in held:
            continue  # one meeting of a group holds its staff and room once
        held.add(key)
        if meeting.staff_id in references.staff:
            staff_busy[meeting.staff_id].append(busy)
        if meeting.room_id in references.rooms and meeting.modality is Modality.IN_PERSON:
            room_load[meeting.room_id].append((busy, seats_needed(meeting, settings)))
    return PlanContext(
        operating_hours=hours,
        weeks=weeks,
        is_adolescent=subject.is_adolescent,
        is_stepping_down=subject.is_stepping_down,
        staff={staff.id: _qualification(staff) for staff in references.staff.values()},
        staff_busy=staff_busy,
        room_capacity={room.id: room.capacity for room in references.rooms.values()},
        room_load=room_load,
        patient_busy=patient_busy,
    )


def meeting_key(session: PlanSession) -> Hashable | None:
    """Sessions of several plans that are one meeting: the same group at the same time, or a
    group or education class of the same staff, room and time (a program's shared class).
    None for any other session: it is a meeting of its own."""
    when = (session.weekday, session.start_time)
    if session.group_id is not None:
        return ("group", session.group_id, *when)
    if session.kind in (SessionKind.GROUP, SessionKind.EDUCATION):
        shared = (session.kind, session.staff_id, session.room_id, session.duration_minutes)
        return ("class", *shared, *when)
    return None


def _qualification(staff: StaffMember) -> StaffQualification:
    kinds = frozenset(SessionKind(kind) for kind in staff.session_kinds)
    return StaffQualification(kinds=kinds, therapies=frozenset(staff.therapies))


def _end_time(session: PlanSession) -> dt.time:
    end = min(session.minutes[1], MINUTES_PER_DAY)  # 00:00 reads as midnight in a Busy
    return dt.time((end // 60) % 24, end % 60)


def _other_meetings(
    ctx: Context, subject: Subject, references: References, start: dt.date, end: dt.date
) -> Iterator[Meeting]:
    """Sessions of other current plans overlapping the dates that share the plan's staff, rooms
    or patient, then the meetings of open groups led there (they hold the time even before
    anyone is planned into them)."""
    staff_ids, room_ids = set(references.staff), set(references.rooms)
    shares: list[ColumnElement[bool]] = [
        TreatmentPlanSession.staff_id.in_(staff_ids),
        TreatmentPlanSession.room_id.in_(room_ids),
    ]
    patient: ColumnElement[Any] = null()
    if subject.patient_id is not None:
        shares.append(TreatmentPlan.patient_id == subject.patient_id)
        is_patients = TreatmentPlan.patient_id == subject.patient_id
        patient = case((is_patients, TreatmentPlan.patient_id))
    # The plans that join one meeting (a group, a shared class) hold it once, so it is read
    # once, not once per plan: a crowded program takes no longer to check than a quiet one.
    # A session of its own keeps its id, so two alike are still two; the patient's own
    # sessions keep the patient.
    joins_a_meeting = or_(
        TreatmentPlanSession.group_id.is_not(None),
        TreatmentPlanSession.kind.in_([SessionKind.GROUP, SessionKind.EDUCATION]),
    )
    statement = (
        # Columns, not entities: a busy program has many plans, and they are only read here.
        select(
            *(getattr(TreatmentPlanSession, name) for name in SESSION_FIELDS),
            case((joins_a_meeting, null()), else_=TreatmentPlanSession.id).label("id"),
            patient.label("patient_id"),
            TherapyGroup.max_size,
            Program.time_zone,
        )
        .distinct()
        .join(TreatmentPlan, TreatmentPlan.id == TreatmentPlanSession.plan_id)
        .join(Program, Program.id == TreatmentPlan.program_id)
        .outerjoin(TherapyGroup, TherapyGroup.id == TreatmentPlanSession.group_id)
        .where(
            *ctx.scope(TreatmentPlan),
            TreatmentPlan.status == PlanStatus.current,
            TreatmentPlan.start_date <= end,
            TreatmentPlan.end_date >= start,
            or_(*shares),
        )
    )
    if subject.admission_id is not None:  # the plan being replaced holds nothing
        statement = statement.where(TreatmentPlan.admission_id != subject.admission_id)
    zone = subject.program.time_zone
    for row in ctx.session.execute(statement):
        # Another program's 17:00 in Chicago is our 18:00 in New York: one instant.
        stored = rule_session(row, seats=row.max_size)
        for session in as_seen_from(stored, row.time_zone, zone, start, end):
            key = meeting_key(session) or ("session", row.id, session.weekday)
            yield key, session, row.patient_id, f"another plan's {session.describe()}"
    yield from group_meetings(ctx, subject, references, (start, end))


def group_meetings(
    ctx: Context, subject: Subject, references: References, dates: tuple[dt.date, dt.date]
) -> Iterator[Meeting]:
    """The weekly meetings of open groups led by the plan's staff or held in its rooms, in the
    plan's time zone: they hold the time even before anyone is planned into them."""
    staff_ids, room_ids = set(references.staff), set(references.rooms)
    groups = (
        select(TherapyGroup, Program.time_zone)
        .join(Program, Program.id == TherapyGroup.program_id)
        .where(
            *ctx.scope(TherapyGroup),
            TherapyGroup.closed_at.is_(None),
            or_(TherapyGroup.facilitator_id.in_(staff_ids), TherapyGroup.room_id.in_(room_ids)),
        )
    )
    for group, zone in ctx.session.execute(groups):
        for meeting in group_sessions(group):
            for session in as_seen_from(meeting, zone, subject.program.time_zone, *dates):
                label = f"the meeting of group {group.name!r} on {session.weekday}"
                yield meeting_key(session), session, None, f"{label} at {session.start_time:%H:%M}"


SESSION_FIELDS = (
    "weekday", "start_time", "duration_minutes", "kind", "modality",
    "group_id", "staff_id", "room_id", "therapy",
)  # fmt: skip


class StoredSession(Protocol):
    """A stored plan session: a `TreatmentPlanSession` or a row of its columns."""

    @property
    def weekday(self) -> str: ...
    @property
    def start_time(self) -> dt.time: ...
    @property
    def duration_minutes(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def modality(self) -> str: ...
    @property
    def group_id(self) -> uuid.UUID | None: ...
    @property
    def staff_id(self) -> uuid.UUID | None: ...
    @property
    def room_id(self) -> uuid.UUID | None: ...
    @property
    def therapy(self) -> str | None: ...


def rule_session(row: StoredSession, seats: int | None = None) -> PlanSession:
    return PlanSession(
        weekday=Weekday(row.weekday),
        start_time=row.start_time,
        duration_minutes=row.duration_minutes,
        kind=SessionKind(row.kind),
        modality=Modality(row.modality),
        group_id=row.group_id,
        staff_id=row.staff_id,
        room_id=row.room_id,
        therapy=row.therapy,
        seats=seats,
    )


def group_sessions(group: TherapyGroup) -> list[PlanSession]:
    """The weekly sessions of a therapy group's meetings, led by its facilitator."""
    modality = Modality(group.modality)
    return [
        PlanSession(
            weekday=Weekday(day),
            start_time=group.start_time,
            duration_minutes=group.duration_minutes,
            kind=session_kind_of(group.topic),  # an education group counts as education
            modality=modality,
            group_id=group.id,
            therapy=group.therapy,
            staff_id=group.facilitator_id,
            room_id=group.room_id if modality is Modality.IN_PERSON else None,
            seats=group.max_size,
        )
        for day in group.weekdays
    ]
