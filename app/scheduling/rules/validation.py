"""Treatment-plan rules: does a weekly schedule fit the program's intensity and resources.

Data in, decision out (docs/domain.md §2 intensity, §4 therapy and groups): the service gathers the
plan and what already exists (staff, rooms, the patient's other commitments), calls
`validate_plan`, and stores or shows every reason it returns.
"""

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from itertools import combinations
from uuid import UUID

from app.programs.settings import ProgramSettings
from app.scheduling.rules.plan import (
    Busy,
    PlanCheck,
    PlanContext,
    PlanSession,
    StaffQualification,
    Violation,
)
from app.scheduling.rules.plan import ViolationCode as Code
from app.timeofday import clock, end_minute_of, minute_of, overlap
from app.vocabulary import Modality, SessionKind, Weekday

# Findings that leave the plan accepted but deserve a look.
FLAG_CODES = frozenset({Code.STEP_DOWN_GRACE, Code.STAFF_NOT_ASSIGNED, Code.ROOM_NOT_ASSIGNED})

# What sessions on one date can break, apart from the week's intensity (its plan's business).
CONFLICT_CODES = frozenset({
    Code.OVERLAPPING_SESSIONS, Code.OUTSIDE_OPERATING_HOURS, Code.STAFF_NOT_QUALIFIED,
    Code.STAFF_DOUBLE_BOOKED, Code.ROOM_OVER_CAPACITY, Code.PATIENT_DOUBLE_BOOKED,
})  # fmt: skip

# Seats a session takes when the service gives none. A group (or an education class, which
# is taught to groups) may fill up to the hard group ceiling (§4); individual therapy seats the
# patient and a therapist; family therapy the patient, two relatives and a therapist.
INDIVIDUAL_SEATS = 2
FAMILY_SEATS = 4


def seats_needed(session: PlanSession, settings: ProgramSettings) -> int:
    """Seats the session takes in its room: its own `seats`, else a default by kind."""
    if session.seats is not None:
        return session.seats
    if session.group_id is not None or session.kind in (SessionKind.GROUP, SessionKind.EDUCATION):
        return settings.group_max_size
    if session.kind is SessionKind.FAMILY:
        return FAMILY_SEATS
    return INDIVIDUAL_SEATS


def validate_plan(
    sessions: Sequence[PlanSession], context: PlanContext, settings: ProgramSettings
) -> PlanCheck:
    """Every reason the weekly plan breaks the program's rules, not only the first."""
    if not sessions:
        # The intensity minimums fail too, but only because nothing was planned: say that.
        empty = Violation(Code.EMPTY_PLAN, "the plan has no sessions")
        return PlanCheck(days_per_week=0, weekly_hours=0.0, violations=[empty], flags=[])
    minutes_by_day: dict[Weekday, int] = defaultdict(int)
    for session in sessions:
        minutes_by_day[session.weekday] += session.duration_minutes
    findings = list(_intensity(minutes_by_day, context, settings))
    findings += _overlapping(sessions)
    for session in sessions:
        findings += _session_findings(session, context, settings)
    return PlanCheck(
        days_per_week=len(minutes_by_day),
        weekly_hours=round(sum(minutes_by_day.values()) / 60, 2),
        violations=[finding for finding in findings if finding.code not in FLAG_CODES],
        flags=[finding for finding in findings if finding.code in FLAG_CODES],
    )


def conflicts(
    sessions: Sequence[PlanSession], context: PlanContext, settings: ProgramSettings
) -> list[Violation]:
    """Why sessions cannot take place at their times: the program's hours, each other, and
    the commitments of their staff, rooms and patient. Empty: they fit."""
    findings = list(_overlapping(sessions))
    for session in sessions:
        findings += _session_findings(session, context, settings)
    return [finding for finding in findings if finding.code in CONFLICT_CODES]


def _intensity(
    minutes_by_day: Mapping[Weekday, int], context: PlanContext, settings: ProgramSettings
) -> Iterator[Violation]:
    """§2: days a week (SAMHSA TIP 47), hours a week (ASAM 2.1), hours a day (payer H0015)."""
    days = len(minutes_by_day)
    if days < settings.min_days_per_week:
        yield Violation(
            Code.DAYS_PER_WEEK_BELOW_MINIMUM,
            f"{days} treatment days a week; the minimum is {settings.min_days_per_week}",
        )
    if days > settings.max_days_per_week:
        yield Violation(
            Code.DAYS_PER_WEEK_ABOVE_MAXIMUM,
            f"{days} treatment days a week; the maximum is {settings.max_days_per_week}",
        )
    weekly_minutes = sum(minutes_by_day.values())
    hours = f"{weekly_minutes / 60:g} hours a week"
    # ASAM: adolescents need 6 hours, adults 9; above 19 is partial hospitalization for both.
    minimum = (
        settings.min_weekly_hours_adolescent if context.is_adolescent else settings.min_weekly_hours
    )
    if weekly_minutes < minimum * 60:
        below = f"{hours}; the minimum is {minimum:g}"
        # Clinical practice (§2): a patient stepping down may be below it for a week or two.
        if context.is_stepping_down and context.weeks <= settings.step_down_grace_weeks:
            weeks = f"the plan ends in week {context.weeks} of treatment"
            grace = f"{below}; accepted while stepping down: {weeks}"
            yield Violation(Code.STEP_DOWN_GRACE, grace)
        else:
            yield Violation(Code.WEEKLY_HOURS_BELOW_MINIMUM, below)
    if weekly_minutes > settings.max_weekly_hours * 60:
        maximum = f"{hours}; the maximum is {settings.max_weekly_hours:g}"
        yield Violation(
            Code.WEEKLY_HOURS_ABOVE_MAXIMUM, f"{maximum} (more is partial hospitalization)"
        )
    if settings.min_hours_per_day is not None:
        for weekday, minutes in minutes_by_day.items():
            if minutes < settings.min_hours_per_day * 60:
                yield Violation(
                    Code.DAILY_HOURS_BELOW_MINIMUM,
                    f"{minutes / 60:g} hours on {weekday}; the minimum is"
                    f" {settings.min_hours_per_day:g} a treatment day",
                )


def _overlapping(sessions: Sequence[PlanSession]) -> Iterator[Violation]:
    for first, second in combinations(sessions, 2):
        if first.weekday == second.weekday and overlap(first.minutes, second.minutes):
            message = f"{first.describe()} overlaps {second.describe()}"
            yield Violation(Code.OVERLAPPING_SESSIONS, message)


def _session_findings(
    session: PlanSession, context: PlanContext, settings: ProgramSettings
) -> Iterator[Violation]:
    name = session.describe()
    if session.duration_minutes < settings.min_session_minutes:
        yield Violation(
            Code.SESSION_TOO_SHORT,
            f"{name} lasts {session.duration_minutes} minutes;"
            f" the shortest session is {settings.min_session_minutes}",
        )
    start, end = session.minutes
    hours = context.operating_hours.get(session.weekday)
    if hours is None or not minute_of(hours[0]) <= start < end <= end_minute_of(hours[1]):
        open_hours = "closed" if hours is None else f"open {hours[0]:%H:%M} to {hours[1]:%H:%M}"
        message = f"{name} runs until {clock(end)}; the program is {open_hours}"
        yield Violation(Code.OUTSIDE_OPERATING_HOURS, message)
    if session.staff_id is None:
        # Accepted: staff and rooms are often assigned after the plan, but someone must do it.
        yield Violation(Code.STAFF_NOT_ASSIGNED, f"{name} has no staff yet")
    else:
        yield from _staff_findings(session, session.staff_id, context)
    if session.modality is Modality.IN_PERSON:  # telehealth needs no room
        yield from _room_findings(session, context, settings)
    for busy in context.patient_busy:
        if busy.overlaps(session):
            yield Violation(Code.PATIENT_DOUBLE_BOOKED, f"{name} clashes with {busy.label}")


def _staff_findings(
    session: PlanSession, staff_id: UUID, context: PlanContext
) -> Iterator[Violation]:
    name = f"{session.describe()}: staff {staff_id}"
    qualification = context.staff.get(staff_id)
    if qualification is None:
        yield Violation(Code.STAFF_NOT_QUALIFIED, f"{name} is unknown")
    elif session.kind not in qualification.kinds:
        yield Violation(Code.STAFF_NOT_QUALIFIED, f"{name} does not lead {session.kind} sessions")
    elif session.kind is SessionKind.COMPLEMENTARY and not _is_trained(session, qualification):
        therapy = session.therapy or "an unnamed therapy"
        yield Violation(Code.STAFF_NOT_QUALIFIED, f"{name} is not trained in {therapy}")
    for busy in context.staff_busy.get(staff_id, ()):
        if busy.overlaps(session):
            yield Violation(Code.STAFF_DOUBLE_BOOKED, f"{name} already has {busy.label}")


def _is_trained(session: PlanSession, qualification: StaffQualification) -> bool:
    # A complementary session that names no therapy matches no training (§4).
    if session.therapy is None:
        return False
    trained = {therapy.casefold() for therapy in qualification.therapies}
    return session.therapy.casefold() in trained


def _room_findings(
    session: PlanSession, context: PlanContext, settings: ProgramSettings
) -> Iterator[Violation]:
    room_id = session.room_id
    if room_id is None:
        yield Violation(Code.ROOM_NOT_ASSIGNED, f"{session.describe()} has no room yet")
        return
    capacity = context.room_capacity.get(room_id, 0)  # an unknown room seats no one
    taken = _peak_seats_taken(session, context.room_load.get(room_id, ()))
    needed = seats_needed(session, settings)
    if taken + needed > capacity:
        yield Violation(
            Code.ROOM_OVER_CAPACITY,
            f"{session.describe()} needs {needed} seats in room {room_id},"
            f" where {taken} of {capacity} are already taken",
        )


def _peak_seats_taken(session: PlanSession, load: Sequence[tuple[Busy, int]]) -> int:
    """The most seats in use at one moment of the session, not the day's sum: two groups
    meeting one after the other never sit together."""
    during = [(busy.minutes, seats) for busy, seats in load if busy.overlaps(session)]
    start = session.minutes[0]
    # The count only rises when something begins: at the session's start or a later start.
    moments = [start] + [begin for (begin, _), _ in during if begin > start]
    return max(
        sum(seats for (begin, end), seats in during if begin <= moment < end) for moment in moments
    )
