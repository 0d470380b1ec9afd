"""Group seats and members' plans: enrolling, leaving, promotion from the waitlist, and
changing or closing a group's meetings. Each starts with the group's lock (`locks`)."""

import uuid

from app.admissions.models import Admission
from app.context import Context
from app.flows import locks
from app.groups import membership, waitlist
from app.groups import service as groups_service
from app.groups.models import GroupMembership, TherapyGroup
from app.groups.schemas import (
    GroupRead,
    GroupUpdate,
    MembershipCreate,
    MembershipRead,
    MembershipRemoval,
)
from app.scheduling import service as scheduling_service
from app.scheduling.errors import PlanHasViolations
from app.versioning import Precondition
from app.vocabulary import MembershipStatus


def enroll(ctx: Context, group_id: uuid.UUID, body: MembershipCreate) -> MembershipRead:
    """A seat (its meetings planned and booked), or a place on the waitlist."""
    group = locks.group(ctx, group_id)
    seat, admission = membership.enroll(ctx, group, body)
    if seat.status == MembershipStatus.enrolled:
        scheduling_service.add_group_to_plan(ctx, admission, group)
    return membership.membership_read(ctx, seat)


def leave(
    ctx: Context, group_id: uuid.UUID, patient_id: uuid.UUID, reason: str
) -> MembershipRemoval:
    group = locks.group(ctx, group_id)
    return _leave(ctx, group, patient_id, reason)


def release_admission(ctx: Context, admission: Admission, reason: str) -> None:
    """The admission closes: the patient leaves its groups and waitlists. The caller locked
    the groups (`locks.admission_for`)."""
    for group_id in membership.lock_groups_of(ctx, admission.id):
        _leave(ctx, locks.group(ctx, group_id), admission.patient_id, reason)


def promote(ctx: Context, group: TherapyGroup) -> waitlist.Promotion:
    """Free seats go to the waitlist, first come, first served, to patients whose plan takes
    the group's meetings."""

    def book(admission: Admission) -> None:
        try:
            scheduling_service.add_group_to_plan(ctx, admission, group)
        except PlanHasViolations as error:
            violations = error.extensions.get("violations", [])
            raise waitlist.SeatRefused(
                "; ".join(v["message"] for v in violations) or error.detail
            ) from error

    return waitlist.promote_waitlisted(ctx, group, book)


def change_group(
    ctx: Context, group_id: uuid.UUID, body: GroupUpdate, expected_version: Precondition | None
) -> GroupRead:
    """New meetings move every member's plan with them, or nothing changes (422
    plan-violations); a raised ceiling frees seats for the waitlist."""
    group = locks.group(ctx, group_id)
    change = groups_service.check_change(ctx, group, body, expected_version)
    members = membership.admissions_of_members(ctx, group) if change.moves_meetings else []
    for admission in members:
        scheduling_service.remove_group_from_plan(
            ctx, admission, group, scheduling_service.GROUP_CHANGED
        )
    groups_service.apply_change(ctx, group, change)
    for admission in members:
        scheduling_service.add_group_to_plan(ctx, admission, group)
    promote(ctx, group)
    return groups_service.group_read(ctx, group)


def close_group(
    ctx: Context, group_id: uuid.UUID, expected_version: Precondition | None
) -> GroupRead:
    group = locks.group(ctx, group_id)
    for seat in groups_service.close_group(ctx, group, expected_version):
        _take_off_plan(ctx, group, seat)
    return groups_service.group_read(ctx, group)


def _leave(
    ctx: Context, group: TherapyGroup, patient_id: uuid.UUID, reason: str
) -> MembershipRemoval:
    ended = membership.end_membership(ctx, group, patient_id, reason)
    promotion = waitlist.Promotion()
    if ended.status == MembershipStatus.left:  # a seat, not a place on the waitlist
        _take_off_plan(ctx, group, ended)
        promotion = promote(ctx, group)
    promoted = promotion.promoted[0] if promotion.promoted else None
    return MembershipRemoval(
        removed=membership.membership_read(ctx, ended),
        promoted=membership.membership_read(ctx, promoted) if promoted else None,
        passed_over=promotion.passed_over,
    )


def _take_off_plan(ctx: Context, group: TherapyGroup, seat: GroupMembership) -> None:
    if seat.admission_id is not None:
        admission = ctx.session.get_one(Admission, seat.admission_id)
        scheduling_service.remove_group_from_plan(ctx, admission, group)
