"""The staff, rooms and therapy groups a plan names: loaded, locked, and checked to exist."""

import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from app.context import Context
from app.errors import FieldError, Unprocessable
from app.groups.models import TherapyGroup
from app.programs.models import Room, StaffMember
from app.scheduling.rules.plan import PlanSession

RecordT = TypeVar("RecordT", StaffMember, Room, TherapyGroup)


@dataclass(frozen=True)
class References:
    """The staff, rooms and groups a plan names, all of the caller's organization."""

    staff: dict[uuid.UUID, StaffMember]
    rooms: dict[uuid.UUID, Room]
    groups: dict[uuid.UUID, TherapyGroup]


def load_references(
    ctx: Context,
    sessions: Sequence[PlanSession],
    *,
    lock: bool,
    where: str = "sessions[{index}].",
    strict: bool = True,
) -> References:
    """Load what the sessions name, or answer 422 naming every unknown or inactive one (its
    field is `where`, formatted with the session's index, then the field's name).

    Not `strict` (a plan amended by group enrollment, whose other sessions were accepted
    before): inactive records are left out instead, so the rules report the sessions that name
    them (`staff_not_qualified`, `room_over_capacity`) as violations of the plan.

    With `lock`, staff and room rows stay locked until the transaction ends, so two plans
    saved at once cannot both take the last free hour of a therapist or a room. Groups are
    not locked here: enrollment locks its group first and then plans, so locking it after staff
    and rooms would invite a deadlock; a group's seats are enrollment's business.
    """
    references = References(
        staff=_load(ctx, StaffMember, {s.staff_id for s in sessions if s.staff_id}, lock),
        rooms=_load(ctx, Room, {s.room_id for s in sessions if s.room_id}, lock),
        groups=_load(ctx, TherapyGroup, {s.group_id for s in sessions if s.group_id}, False),
    )
    if not strict:
        return References(
            staff=_active(references.staff),
            rooms=_active(references.rooms),
            groups=_active(references.groups),
        )
    errors = list(_reference_errors(sessions, references, where))
    if errors:
        raise Unprocessable("Some sessions name records that cannot be planned.", errors=errors)
    return references


def _load(
    ctx: Context, model: type[RecordT], ids: set[uuid.UUID], lock: bool
) -> dict[uuid.UUID, RecordT]:
    if not ids:
        return {}
    statement = (
        ctx.select(model)
        .where(model.id.in_(ids))
        .order_by(model.id)  # one lock order for every request: no deadlocks
    )
    if lock:
        statement = statement.with_for_update()
    return {record.id: record for record in ctx.session.scalars(statement)}


def _is_active(record: StaffMember | Room | TherapyGroup) -> bool:
    if isinstance(record, TherapyGroup):
        return record.closed_at is None
    return record.is_active


def _active(records: dict[uuid.UUID, RecordT]) -> dict[uuid.UUID, RecordT]:
    return {record_id: record for record_id, record in records.items() if _is_active(record)}


def _reference_errors(
    sessions: Sequence[PlanSession], references: References, where: str
) -> Iterator[FieldError]:
    for index, session in enumerate(sessions):
        prefix = where.format(index=index)
        checks: list[tuple[str, uuid.UUID | None, Any, str]] = [
            ("staff_id", session.staff_id, references.staff, "staff member"),
            ("room_id", session.room_id, references.rooms, "room"),
            ("group_id", session.group_id, references.groups, "therapy group"),
        ]
        for name, record_id, records, label in checks:
            if record_id is None:
                continue
            record = records.get(record_id)
            if record is None:
                message = f"No {label} with id {record_id} in your organization."
                yield FieldError(field=prefix + name, code="not_found", message=message)
            elif not _is_active(record):
                message = f"The {label} {record_id} is no longer active."
                yield FieldError(field=prefix + name, code="inactive", message=message)


def with_group_seats(sessions: Iterable[PlanSession], references: References) -> list[PlanSession]:
    """A group session takes its group's own ceiling of seats in the room (docs/domain.md §4)."""
    return [
        replace(session, seats=references.groups[session.group_id].max_size)
        if session.group_id in references.groups
        else session
        for session in sessions
    ]
