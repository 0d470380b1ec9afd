"""Whether a group's setup fits its program, its facilitator and its room.

Every problem becomes a field error of one 422 answer, so a clinic fixes them all at once.
"""

import uuid
from collections.abc import Iterator
from datetime import time

from sqlalchemy import or_

from app.context import Context
from app.errors import FieldError, Unprocessable
from app.groups.eligibility import PROFILE_ATTRIBUTES
from app.groups.models import TherapyGroup
from app.groups.schemas import GroupCreate, GroupTopic, session_kind_of
from app.programs.models import Program, Room, StaffMember
from app.programs.settings import ProgramSettings
from app.timeofday import end_minute_of, minute_of, overlap
from app.vocabulary import Weekday


def check_group(
    ctx: Context,
    program: Program,
    settings: ProgramSettings,
    group: GroupCreate,
    group_id: uuid.UUID | None = None,
) -> None:
    """Raise one 422 listing every way the group does not fit; `group_id` when it exists."""
    others = _other_open_groups(ctx, group, group_id)
    errors = [
        *_size_errors(group, settings),
        *_criteria_errors(group),
        *_meeting_errors(group, program, settings),
        *_facilitator_errors(ctx, group, others),
        *_room_errors(ctx, group, others),
    ]
    if errors:
        raise Unprocessable(
            "The group does not fit its program, facilitator or room.", errors=errors
        )


def _size_errors(group: GroupCreate, settings: ProgramSettings) -> Iterator[FieldError]:
    assert group.min_size is not None  # the service applied the program's defaults
    assert group.max_size is not None
    # §4: the program's maximum is a ceiling; smaller groups are a clinic's choice.
    if group.max_size > settings.group_max_size:
        yield FieldError(
            field="max_size",
            code="above_program_maximum",
            message=f"max_size {group.max_size} is above the program's maximum group size of"
            f" {settings.group_max_size}.",
        )
    if group.min_size > group.max_size:
        yield FieldError(
            field="min_size",
            code="above_max_size",
            message=f"min_size {group.min_size} exceeds max_size {group.max_size}.",
        )


def _criteria_errors(group: GroupCreate) -> Iterator[FieldError]:
    for index, criterion in enumerate(group.criteria):
        if criterion.attribute not in PROFILE_ATTRIBUTES:
            yield FieldError(
                field=f"criteria[{index}].attribute",
                code="unknown_attribute",
                message=f"No patient attribute {criterion.attribute!r}; use one of"
                f" {', '.join(PROFILE_ATTRIBUTES)} (a new kind of group can ask for a tag).",
            )


def _meeting_errors(
    group: GroupCreate, program: Program, settings: ProgramSettings
) -> Iterator[FieldError]:
    if group.duration_minutes < settings.min_session_minutes:
        yield FieldError(
            field="duration_minutes",
            code="session_too_short",
            message=f"The program's sessions last at least {settings.min_session_minutes} minutes.",
        )
    start = minute_of(group.start_time)
    end = start + group.duration_minutes
    for index, weekday in enumerate(group.weekdays):
        hours = program.operating_hours.get(weekday.value)
        if hours is None:
            message = f"The program is closed on {weekday}."
        else:
            opens, closes = time.fromisoformat(hours["opens"]), time.fromisoformat(hours["closes"])
            if minute_of(opens) <= start and end <= end_minute_of(closes):
                continue
            message = f"On {weekday} the program is open {opens:%H:%M}–{closes:%H:%M}."
        yield FieldError(
            field=f"weekdays[{index}]", code="outside_operating_hours", message=message
        )


def _facilitator_errors(
    ctx: Context, group: GroupCreate, others: list[TherapyGroup]
) -> Iterator[FieldError]:
    if group.facilitator_id is None:
        return
    staff = ctx.get(StaffMember, group.facilitator_id)
    kind = session_kind_of(group.topic)
    problem = None
    if not staff.is_active:
        problem = ("staff_inactive", "The facilitator is no longer active.")
    elif kind not in staff.session_kinds:
        problem = ("staff_not_qualified", f"The facilitator does not lead {kind} sessions.")
    elif group.topic is GroupTopic.complementary and not _is_trained(staff, group.therapy):
        problem = ("staff_not_qualified", f"The facilitator is not trained in {group.therapy}.")
    elif clash := next((o for o in others if o.facilitator_id == staff.id), None):
        problem = ("staff_double_booked", f"The facilitator leads {clash.name!r} at that time.")
    if problem:
        yield FieldError(field="facilitator_id", code=problem[0], message=problem[1])


def _room_errors(
    ctx: Context, group: GroupCreate, others: list[TherapyGroup]
) -> Iterator[FieldError]:
    if group.room_id is None:
        return
    room = ctx.get(Room, group.room_id)
    assert group.max_size is not None
    # Every member of each group meeting there at the same time may come: count them all.
    seats = group.max_size + sum(o.max_size for o in others if o.room_id == room.id)
    if not room.is_active:
        yield FieldError(field="room_id", code="room_inactive", message="The room is not in use.")
    elif seats > room.capacity:
        yield FieldError(
            field="room_id",
            code="room_over_capacity",
            message=f"The room seats {room.capacity}; the groups meeting there at that time"
            f" need {seats}.",
        )


def _other_open_groups(
    ctx: Context, group: GroupCreate, group_id: uuid.UUID | None
) -> list[TherapyGroup]:
    """Open groups of the organization meeting at an overlapping time with the same
    facilitator or in the same room."""
    shared = []
    if group.facilitator_id is not None:
        shared.append(TherapyGroup.facilitator_id == group.facilitator_id)
    if group.room_id is not None:
        shared.append(TherapyGroup.room_id == group.room_id)
    if not shared:
        return []
    statement = ctx.select(TherapyGroup).where(
        TherapyGroup.closed_at.is_(None),
        or_(*shared),
    )
    if group_id is not None:
        statement = statement.where(TherapyGroup.id != group_id)
    candidates = ctx.session.scalars(statement)
    meeting = (minute_of(group.start_time), minute_of(group.start_time) + group.duration_minutes)
    return [
        other
        for other in candidates
        if set(group.weekdays) & {Weekday(day) for day in other.weekdays}
        and overlap(meeting, _meeting_minutes(other))
    ]


def _meeting_minutes(group: TherapyGroup) -> tuple[int, int]:
    start = minute_of(group.start_time)
    return start, start + group.duration_minutes


def _is_trained(staff: StaffMember, therapy: str | None) -> bool:
    trained = {name.casefold() for name in staff.therapies}
    return therapy is not None and therapy.casefold() in trained
