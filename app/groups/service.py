"""Therapy groups: set up, read with their derived status, find one with seats, close."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, func, not_, select
from sqlalchemy.orm import Session

from app.context import Context
from app.errors import Conflict, InvalidTransition
from app.events.types import EventType
from app.groups import membership
from app.groups.checks import check_group
from app.groups.events import emit_group
from app.groups.models import GroupMembership, TherapyGroup
from app.groups.rules import group_status
from app.groups.schemas import GENERAL, GroupCreate, GroupRead, GroupUpdate
from app.pagination import PageParams, fetch_page
from app.programs.models import Program
from app.programs.service import settings_for
from app.versioning import Precondition, check_version
from app.vocabulary import GroupStatus, MembershipStatus

# What members' treatment plans copy from a group: changing it re-plans every member.
PLANNED_FIELDS = (
    "topic", "therapy", "facilitator_id", "modality", "room_id",
    "weekdays", "start_time", "duration_minutes",
)  # fmt: skip


@dataclass(frozen=True)
class GroupFilters:
    program_id: uuid.UUID | None = None
    specialization: str | None = None
    has_seats: bool | None = None
    status: GroupStatus | None = None


def create_group(ctx: Context, body: GroupCreate) -> GroupRead:
    program = ctx.get(Program, body.program_id)
    settings = settings_for(ctx, program)
    body = body.model_copy(
        update={
            "min_size": body.min_size or settings.group_min_size,
            "max_size": body.max_size or settings.group_max_size,
            "track": body.track or program.track,
        }
    )
    check_group(ctx, program, settings, body)
    group = TherapyGroup(organization_id=ctx.organization_id, **_columns(body))
    ctx.session.add(group)
    ctx.session.flush()
    return group_read(ctx, group)


def read_group(ctx: Context, group_id: uuid.UUID) -> GroupRead:
    return group_read(ctx, ctx.get(TherapyGroup, group_id))


def list_groups(
    ctx: Context, filters: GroupFilters, params: PageParams
) -> tuple[list[GroupRead], int]:
    statement = ctx.select(TherapyGroup)
    if filters.program_id is not None:
        statement = statement.where(TherapyGroup.program_id == filters.program_id)
    if filters.specialization is not None:
        label = filters.specialization.strip().casefold()
        statement = statement.where(
            TherapyGroup.specialization.is_(None)
            if label == GENERAL
            else TherapyGroup.specialization == label
        )
    if filters.status is not None:
        statement = statement.where(_status_is(filters.status))
    if filters.has_seats is not None:
        seats = _has_seats()
        statement = statement.where(seats if filters.has_seats else not_(seats))
    groups, total = fetch_page(
        ctx.session, statement.order_by(TherapyGroup.name, TherapyGroup.id), params
    )
    counts = membership_counts(ctx.session, [group.id for group in groups])
    return [_read(group, counts.get(group.id, _NONE)) for group in groups], total


@dataclass(frozen=True)
class GroupChange:
    """A checked change of a group: its new columns, and whether members' plans must follow."""

    columns: dict[str, Any]
    moves_meetings: bool


def check_change(
    ctx: Context, group: TherapyGroup, body: GroupUpdate, expected_version: Precondition | None
) -> GroupChange:
    """Everything a change must satisfy, before anything changes. The caller holds the
    group's lock."""
    check_version(group.version, expected_version)
    _refuse_if_closed(group)
    merged = GroupCreate.model_validate(_fields(group) | body.model_dump(exclude_unset=True))
    program = ctx.session.get_one(Program, group.program_id)
    check_group(ctx, program, settings_for(ctx, program), merged, group.id)
    counts = membership_counts(ctx.session, [group.id]).get(group.id, _NONE)
    assert merged.max_size is not None
    if merged.max_size < counts.enrolled:
        raise Conflict(
            f"{counts.enrolled} patients are enrolled; max_size cannot go below that.",
            enrolled_count=counts.enrolled,
        )
    moves_meetings = counts.enrolled > 0 and any(
        getattr(merged, name) != getattr(group, name) for name in PLANNED_FIELDS
    )
    return GroupChange(_columns(merged), moves_meetings)


def apply_change(ctx: Context, group: TherapyGroup, change: GroupChange) -> None:
    for name, value in change.columns.items():
        setattr(group, name, value)
    ctx.session.flush()
    emit_group(ctx, EventType.group_changed, group)


def close_group(
    ctx: Context, group: TherapyGroup, expected_version: Precondition | None
) -> list[GroupMembership]:
    """Close a group for good: its members leave it, its waitlist is cleared. Returns the
    ended seats, whose meetings the caller takes off their plans."""
    check_version(group.version, expected_version)
    _refuse_if_closed(group)
    ended = membership.end_all(ctx, group, "The group was closed.")
    group.closed_at = ctx.now
    ctx.session.flush()
    emit_group(ctx, EventType.group_closed, group)
    return ended


@dataclass(frozen=True)
class Counts:
    enrolled: int = 0
    waitlisted: int = 0


_NONE = Counts()


def membership_counts(session: Session, group_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Counts]:
    ids = list(group_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(GroupMembership.group_id, GroupMembership.status, func.count())
        .where(GroupMembership.group_id.in_(ids))
        .where(GroupMembership.status.in_([MembershipStatus.enrolled, MembershipStatus.waitlisted]))
        .group_by(GroupMembership.group_id, GroupMembership.status)
    ).all()
    found: dict[uuid.UUID, dict[str, int]] = {}
    for group_id, status, count in rows:
        found.setdefault(group_id, {})[status] = count
    return {
        group_id: Counts(by_status.get("enrolled", 0), by_status.get("waitlisted", 0))
        for group_id, by_status in found.items()
    }


def group_read(ctx: Context, group: TherapyGroup) -> GroupRead:
    return _read(group, membership_counts(ctx.session, [group.id]).get(group.id, _NONE))


def _read(group: TherapyGroup, counts: Counts) -> GroupRead:
    is_closed = group.closed_at is not None
    status = group_status(counts.enrolled, group.min_size, group.max_size, is_closed)
    return GroupRead.from_record(
        group,
        status=status,
        enrolled_count=counts.enrolled,
        waitlisted_count=counts.waitlisted,
        seats_left=0 if is_closed else max(0, group.max_size - counts.enrolled),
    )


def _columns(group: GroupCreate) -> dict[str, Any]:
    # JSON values for the JSON columns and the enums; ids, the time and the date stay typed.
    typed = group.model_dump(
        include={"program_id", "facilitator_id", "room_id", "start_time", "cohort_starts_on"}
    )
    return group.model_dump(mode="json") | typed


def _fields(group: TherapyGroup) -> dict[str, Any]:
    return {name: getattr(group, name) for name in GroupCreate.model_fields}


def _refuse_if_closed(group: TherapyGroup) -> None:
    if group.closed_at is not None:
        raise InvalidTransition(f"The group {group.name!r} is closed.", current_state="closed")


def _enrolled() -> Any:
    return (
        select(func.count())
        .where(
            GroupMembership.group_id == TherapyGroup.id,
            GroupMembership.status == MembershipStatus.enrolled,
        )
        .correlate(TherapyGroup)
        .scalar_subquery()
    )


def _has_seats() -> ColumnElement[bool]:
    return and_(TherapyGroup.closed_at.is_(None), _enrolled() < TherapyGroup.max_size)


def _status_is(status: GroupStatus) -> ColumnElement[bool]:
    """`rules.group_status` as SQL, so the list pages in the database (tests hold the two
    together)."""
    is_open, enrolled = TherapyGroup.closed_at.is_(None), _enrolled()
    match status:
        case GroupStatus.CLOSED:
            return TherapyGroup.closed_at.is_not(None)
        case GroupStatus.FULL:
            return and_(is_open, enrolled >= TherapyGroup.max_size)
        case GroupStatus.FORMING:
            return and_(is_open, enrolled < TherapyGroup.max_size, enrolled < TherapyGroup.min_size)
        case GroupStatus.ACTIVE:
            return and_(
                is_open, enrolled < TherapyGroup.max_size, enrolled >= TherapyGroup.min_size
            )
