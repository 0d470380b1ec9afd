"""Who is in a group: enrollment under the group's row lock, leaving, and the member list
(domain reference §4: the maximum is a hard ceiling, overflow goes to the waitlist)."""

import uuid

from sqlalchemy import case, select
from sqlalchemy.exc import IntegrityError

from app.admissions.models import Admission
from app.context import AuditAction, Context
from app.errors import FieldError, NotFound
from app.events.types import EventType
from app.groups.criteria import unmet_criteria
from app.groups.eligibility import (
    admission_in_program,
    cohort_has_started,
    criteria_of,
    profiles_for,
)
from app.groups.errors import (
    AdmissionRequired,
    AlreadyMember,
    CohortStarted,
    CriteriaNotMet,
    GroupClosed,
    GroupFull,
)
from app.groups.events import emit_membership
from app.groups.models import GroupMembership, TherapyGroup
from app.groups.rules import enrollment_outcome
from app.groups.schemas import MembershipCreate, MembershipRead
from app.groups.waitlist import (
    arrival_time,
    enrolled_count,
    positions,
)
from app.pagination import PageParams, fetch_page
from app.patients import service as patients_service
from app.vocabulary import OPEN_MEMBERSHIP, MembershipStatus


def lock_group(ctx: Context, group_id: uuid.UUID) -> TherapyGroup:
    """The group, with its row locked until the request's transaction ends. Every change of
    membership goes through here first, so seat counts are read and written by one request
    at a time: on PostgreSQL a row lock; SQLite's BEGIN IMMEDIATE already holds the write lock."""
    group = ctx.session.scalar(
        ctx.select(TherapyGroup)
        .where(TherapyGroup.id == group_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if group is None:
        raise NotFound(f"No therapy group with id {group_id} in your organization.")
    return group


def enroll(
    ctx: Context, group: TherapyGroup, body: MembershipCreate
) -> tuple[GroupMembership, Admission]:
    """A seat, or a place on the waitlist, for a patient admitted to the group's program.
    The caller holds the group's lock; a seat's meetings are the plan's business."""
    if group.closed_at is not None:
        raise GroupClosed(f"The group {group.name!r} is closed.")
    if cohort_has_started(ctx, group):
        raise CohortStarted(
            f"The group {group.name!r} is a closed cohort that started on"
            f" {group.cohort_starts_on}; it takes no new member.",
            cohort_starts_on=str(group.cohort_starts_on),
        )
    patient = patients_service.get_live_patient(ctx, body.patient_id)
    if _open_membership(ctx, group.id, patient.id) is not None:
        raise AlreadyMember("The patient is already a member of this group or on its waitlist.")
    admission = admission_in_program(ctx, patient.id, group.program_id)
    if admission is None:
        raise AdmissionRequired(
            "The patient has no approved or active admission in the group's program."
        )
    profile = profiles_for(ctx, group.program_id)(patient)
    unmet = unmet_criteria(criteria_of(group), profile)
    if unmet:
        raise CriteriaNotMet(
            "The patient does not meet the group's criteria.",
            errors=[
                FieldError(field="patient_id", code="criteria_not_met", message=m) for m in unmet
            ],
        )
    outcome = enrollment_outcome(enrolled_count(ctx, group), group.max_size, body.waitlist_if_full)
    if outcome == "full":
        raise GroupFull(
            f"All {group.max_size} seats are taken; ask with waitlist_if_full to join the"
            " waitlist.",
            max_size=group.max_size,
        )
    # Read under the group's lock, not the request's `now`: seats and waitlist places are
    # dated in the order they were really taken, which is the order rosters list them in.
    seated_at = ctx.clock() if outcome == "enrolled" else None
    membership = GroupMembership(
        organization_id=ctx.organization_id,
        group_id=group.id,
        patient_id=patient.id,
        admission_id=admission.id,
        status=outcome,
        requested_at=seated_at or arrival_time(ctx, group),
        enrolled_at=seated_at,
    )
    _insert(ctx, membership)
    ctx.audit(AuditAction.create, "group_membership", membership.id, patient_id=patient.id)
    emit_membership(ctx, EventType(f"group_membership.{outcome}"), membership)
    return membership, admission


def end_membership(
    ctx: Context, group: TherapyGroup, patient_id: uuid.UUID, reason: str
) -> GroupMembership:
    """Take the patient out of the group or off its waitlist. The caller holds the group's
    lock, takes the seat's meetings off the plan and offers the seat to the waitlist."""
    membership = _open_membership(ctx, group.id, patient_id)
    if membership is None:
        raise NotFound("The patient is neither a member of this group nor on its waitlist.")
    _end(ctx, membership, reason)
    return membership


def lock_groups_of(ctx: Context, admission_id: uuid.UUID) -> list[uuid.UUID]:
    """Lock the groups an admission is in or waiting for, in id order (`app.flows.locks`)."""
    open_groups = (
        select(GroupMembership.group_id)
        .where(
            *ctx.scope(GroupMembership),
            GroupMembership.admission_id == admission_id,
            GroupMembership.status.in_(OPEN_MEMBERSHIP),
        )
        .scalar_subquery()
    )
    return list(
        ctx.session.scalars(
            select(TherapyGroup.id)
            .where(TherapyGroup.id.in_(open_groups))
            .order_by(TherapyGroup.id)
            .with_for_update()
        )
    )


def end_all(ctx: Context, group: TherapyGroup, reason: str) -> list[GroupMembership]:
    """End every open membership of a group that closes; the ended seats are returned."""
    memberships = _open_memberships(ctx, group.id)
    for membership in memberships:
        _end(ctx, membership, reason)
    return [m for m in memberships if m.status == MembershipStatus.left]


def open_memberships_of(ctx: Context, patient_id: uuid.UUID) -> list[GroupMembership]:
    """The patient's seats and waitlist places, in any group."""
    return list(
        ctx.session.scalars(
            ctx.select(GroupMembership)
            .where(
                GroupMembership.patient_id == patient_id,
                GroupMembership.status.in_(OPEN_MEMBERSHIP),
            )
            .order_by(GroupMembership.requested_at, GroupMembership.id)
        )
    )


def admissions_of_members(ctx: Context, group: TherapyGroup) -> list[Admission]:
    """The admissions of the group's enrolled members: whose plans hold its meetings."""
    return list(
        ctx.session.scalars(
            select(Admission)
            .join(GroupMembership, GroupMembership.admission_id == Admission.id)
            .where(
                GroupMembership.group_id == group.id,
                GroupMembership.status == MembershipStatus.enrolled,
            )
            .order_by(Admission.id)
        )
    )


def list_members(
    ctx: Context, group_id: uuid.UUID, statuses: list[MembershipStatus], params: PageParams
) -> tuple[list[MembershipRead], int]:
    group = ctx.get(TherapyGroup, group_id)
    rank = case(
        (GroupMembership.status == MembershipStatus.enrolled, 0),
        (GroupMembership.status == MembershipStatus.waitlisted, 1),
        else_=2,
    )
    statement = (
        select(GroupMembership)
        .where(GroupMembership.group_id == group.id, GroupMembership.status.in_(statuses))
        .order_by(rank, GroupMembership.requested_at, GroupMembership.patient_id)
    )
    memberships, total = fetch_page(ctx.session, statement, params)
    places = positions(ctx, group.id)
    ctx.audit_each(
        AuditAction.list, "group_membership", [(m.id, m.patient_id) for m in memberships]
    )
    return [_read(m, places.get(m.id)) for m in memberships], total


def seated_members_of(
    ctx: Context, group_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[MembershipRead]]:
    """Who holds or held a seat in each group (enrolled, or left), in the order they were
    enrolled: one query for a whole page of groups, and every membership read is audited."""
    found: dict[uuid.UUID, list[MembershipRead]] = {group_id: [] for group_id in group_ids}
    memberships = ctx.session.scalars(
        select(GroupMembership)
        .where(
            GroupMembership.group_id.in_(group_ids),
            GroupMembership.status.in_([MembershipStatus.enrolled, MembershipStatus.left]),
        )
        .order_by(GroupMembership.enrolled_at, GroupMembership.requested_at, GroupMembership.id)
    ).all()
    ctx.audit_each(
        AuditAction.read, "group_membership", [(m.id, m.patient_id) for m in memberships]
    )
    for membership in memberships:
        found[membership.group_id].append(_read(membership, None))
    return found


def membership_read(ctx: Context, membership: GroupMembership) -> MembershipRead:
    return _read(membership, positions(ctx, membership.group_id).get(membership.id))


def _end(ctx: Context, membership: GroupMembership, reason: str) -> None:
    was_enrolled = membership.status == MembershipStatus.enrolled
    membership.status = MembershipStatus.left if was_enrolled else MembershipStatus.removed
    membership.ended_at, membership.end_reason = ctx.now, reason
    ctx.session.flush()
    ctx.audit(
        AuditAction.transition, "group_membership", membership.id, patient_id=membership.patient_id
    )
    emit_membership(ctx, EventType.group_membership_ended, membership)


def _insert(ctx: Context, membership: GroupMembership) -> None:
    ctx.session.add(membership)
    try:
        ctx.session.flush()
    except IntegrityError as error:
        # The duplicate check runs under the group's lock, so this only fires if a membership
        # was written without it; the partial unique index still answers for the database.
        if "uq_group_membership_open" in str(error.orig) or "group_membership.group_id" in str(
            error.orig
        ):
            raise AlreadyMember(
                "The patient is already a member of this group or on its waitlist."
            ) from error
        raise


def _read(membership: GroupMembership, position: int | None) -> MembershipRead:
    return MembershipRead.from_record(membership, position=position)


def _open_membership(
    ctx: Context, group_id: uuid.UUID, patient_id: uuid.UUID
) -> GroupMembership | None:
    return ctx.session.scalar(
        select(GroupMembership).where(
            GroupMembership.group_id == group_id,
            GroupMembership.patient_id == patient_id,
            GroupMembership.status.in_(OPEN_MEMBERSHIP),
        )
    )


def _open_memberships(ctx: Context, group_id: uuid.UUID) -> list[GroupMembership]:
    return list(
        ctx.session.scalars(
            select(GroupMembership).where(
                GroupMembership.group_id == group_id, GroupMembership.status.in_(OPEN_MEMBERSHIP)
            )
        )
    )
