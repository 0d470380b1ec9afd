"""The waitlist of a full group: its order, and promotion when seats free up.

First come, first served (`rules.next_to_promote`); a patient who no longer qualifies keeps
their place and is passed over. Every function here runs under the group's row lock.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.admissions.models import Admission
from app.context import AuditAction, Context
from app.events.types import EventType
from app.groups.criteria import Criterion, unmet_criteria
from app.groups.eligibility import (
    admission_in_program,
    cohort_has_started,
    criteria_of,
    profiles_for,
)
from app.groups.events import emit_membership
from app.groups.models import GroupMembership, TherapyGroup
from app.groups.rules import WaitlistEntry, next_to_promote
from app.groups.schemas import PassedOver
from app.patients.models import Patient
from app.vocabulary import MembershipStatus


class SeatRefused(Exception):
    """The promoted patient's plan cannot take the group's meetings; the message says why."""


# Books the group's meetings into a promoted patient's plan, or raises `SeatRefused`.
Booking = Callable[[Admission], None]


@dataclass
class Promotion:
    promoted: list[GroupMembership] = field(default_factory=list)
    passed_over: list[PassedOver] = field(default_factory=list)


def promote_waitlisted(ctx: Context, group: TherapyGroup, book: Booking) -> Promotion:
    """Fill free seats from the waitlist, first come, first served, with patients who still
    qualify and whose plan takes the group's meetings (`book`); the others keep their place.
    The caller holds the group's lock."""
    promotion = Promotion()
    seats = group.max_size - enrolled_count(ctx, group)
    if seats <= 0 or cohort_has_started(ctx, group):  # a started cohort takes no one new
        return promotion  # no seat to give: no patient record is read
    waiting = {str(m.patient_id): m for m in waitlisted(ctx, group.id)}
    patients = _patients(ctx, [m.patient_id for m in waiting.values()])
    profile = profiles_for(ctx, group.program_id)
    # A patient deleted while waiting is no longer one of the clinic's: never promoted, and not
    # named among the passed over either (a deleted record leaves every list and read).
    entries = [
        WaitlistEntry(key, m.requested_at, profile(patients[m.patient_id]))
        for key, m in waiting.items()
        if m.patient_id in patients
    ]
    entries.sort(key=lambda entry: (entry.joined_at, entry.patient_id))  # the rule's order
    criteria = criteria_of(group)
    while seats > 0 and (entry := next_to_promote(entries, criteria)) is not None:
        for skipped in entries[: entries.index(entry)]:
            promotion.passed_over.append(_unfit(skipped, criteria))
        entries = entries[entries.index(entry) + 1 :]
        membership = waiting[entry.patient_id]
        refusal = _seat(ctx, group, membership, book)
        if refusal is None:
            promotion.promoted.append(membership)
            seats -= 1
        else:
            promotion.passed_over.append(refusal)
    if seats > 0:
        promotion.passed_over.extend(_unfit(entry, criteria) for entry in entries)
    # Their records were read to judge them (and a removal's answer names them): an access to
    # audit. The promoted have their transition; those never reached were not judged.
    ctx.audit_each(
        AuditAction.read,
        "group_membership",
        [(waiting[str(p.patient_id)].id, p.patient_id) for p in promotion.passed_over],
    )
    return promotion


def _seat(
    ctx: Context, group: TherapyGroup, membership: GroupMembership, book: Booking
) -> PassedOver | None:
    """Give a waitlisted patient the seat, or say why they cannot take it."""
    admission = admission_in_program(ctx, membership.patient_id, group.program_id)
    if admission is None:
        return PassedOver(
            patient_id=membership.patient_id,
            reason_code="admission_required",
            message="No approved or active admission in the group's program any more.",
        )
    try:
        with ctx.session.begin_nested():  # a refusal leaves the transaction as it was
            book(admission)
    except SeatRefused as refusal:
        return PassedOver(
            patient_id=membership.patient_id, reason_code="plan_violations", message=str(refusal)
        )
    membership.status = MembershipStatus.enrolled
    membership.admission_id = admission.id
    # Under the group's lock: promotions are dated in the order seats really freed up.
    membership.enrolled_at = membership.promoted_at = ctx.clock()
    ctx.session.flush()
    ctx.audit(
        AuditAction.transition,
        "group_membership",
        membership.id,
        patient_id=membership.patient_id,
    )
    emit_membership(ctx, EventType.group_membership_promoted, membership)
    return None


def _unfit(entry: WaitlistEntry, criteria: list[Criterion]) -> PassedOver:
    return PassedOver(
        patient_id=uuid.UUID(entry.patient_id),
        reason_code="criteria_not_met",
        message="; ".join(unmet_criteria(criteria, entry.profile)),
    )


def arrival_time(ctx: Context, group: TherapyGroup) -> datetime:
    """When this request joins the waitlist: the clock read under the group's lock
    (`Context.clock`), so the queue follows the lock, and never before the last arrival, so
    a clock that is fixed (tests) or stepped back (NTP) keeps first come, first served."""
    now = ctx.clock()
    latest = ctx.session.scalar(
        select(func.max(GroupMembership.requested_at)).where(
            GroupMembership.group_id == group.id,
            GroupMembership.status == MembershipStatus.waitlisted,
        )
    )
    return now if latest is None or latest < now else latest + timedelta(microseconds=1)


def positions(ctx: Context, group_id: uuid.UUID) -> dict[uuid.UUID, int]:
    """Waitlist places, 1 first: the order `rules.next_to_promote` follows."""
    return {m.id: place for place, m in enumerate(waitlisted(ctx, group_id), start=1)}


def waitlisted(ctx: Context, group_id: uuid.UUID) -> list[GroupMembership]:
    return list(
        ctx.session.scalars(
            select(GroupMembership)
            .where(
                GroupMembership.group_id == group_id,
                GroupMembership.status == MembershipStatus.waitlisted,
            )
            .order_by(GroupMembership.requested_at, GroupMembership.patient_id)
        )
    )


def enrolled_count(ctx: Context, group: TherapyGroup) -> int:
    count = ctx.session.scalar(
        select(func.count()).where(
            GroupMembership.group_id == group.id,
            GroupMembership.status == MembershipStatus.enrolled,
        )
    )
    return int(count or 0)


def _patients(ctx: Context, patient_ids: list[uuid.UUID]) -> dict[uuid.UUID, Patient]:
    if not patient_ids:
        return {}
    patients = ctx.session.scalars(
        select(Patient).where(
            Patient.id.in_(patient_ids),
            *ctx.scope(Patient),
        )
    )
    return {patient.id: patient for patient in patients}
