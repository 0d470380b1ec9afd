"""The one lock order. Every request takes the row locks it needs in this order, so two
requests that meet wait for each other instead of deadlocking:

0. an insurance inquiry (`inquiries.service.open_inquiry`): assigned, converted or closed
   only while open, and converted once only, before the patient, coverage and verification
   request it becomes exist;
1. therapy groups, several in id order (`groups.membership.lock_group`, `lock_groups_of`):
   a group's seats and waitlist, dated under it (`Context.clock`, not the request's `now`) so
   their times follow the order in which requests got the lock;
2. the admission (`admissions.service.admission_for`, `groups.eligibility.admission_in_program`,
   `scheduling.service`): its status, and its treatment plans and appointments, which change
   only under it, and the payer's prior authorizations recorded on it;
3. staff members, then rooms, each in id order (`scheduling.references.load_references`):
   their free hours while a plan is checked and booked.

Several admissions (a group meeting's or a batch's attendance) are taken in id order.

SQLite has no row locks: its writers take the whole database (`BEGIN IMMEDIATE`), in order.
"""

import uuid
from collections.abc import Iterable

from app.admissions import service as admissions_service
from app.admissions.lifecycle import AdmissionAction, closes
from app.admissions.models import Admission
from app.context import Context
from app.db import in_chunks
from app.groups import membership
from app.groups.models import TherapyGroup
from app.versioning import Precondition


def group(ctx: Context, group_id: uuid.UUID) -> TherapyGroup:
    """One group (1.), before anything of its members."""
    return membership.lock_group(ctx, group_id)


def admission(ctx: Context, admission_id: uuid.UUID) -> Admission:
    """The admission (2.): its plan and bookings change under this lock."""
    return ctx.get(Admission, admission_id, for_update=True)


def admission_for(
    ctx: Context,
    admission_id: uuid.UUID,
    action: AdmissionAction,
    expected_version: Precondition | None = None,
) -> Admission:
    """The admission (2.) if `action` may move it; when the action closes it, the groups it
    holds seats in or waits for (1.) first, since closing gives those seats up."""
    if closes(action):
        membership.lock_groups_of(ctx, admission_id)
    return admissions_service.admission_for(ctx, admission_id, action, expected_version)


def admissions(ctx: Context, admission_ids: Iterable[uuid.UUID]) -> list[Admission]:
    """Several admissions (2.), in id order: a group meeting's or a batch's attendance, the
    daily sweep. One statement per thousand, each locking its rows as it returns them, in
    order."""
    locked: list[Admission] = []
    for part in in_chunks(sorted(set(admission_ids))):
        found = list(
            ctx.session.scalars(
                ctx.select(Admission)
                .where(Admission.id.in_(part))
                .order_by(Admission.id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        )
        if len(found) < len(part):  # one is gone: answered as a single read would answer
            ctx.get(Admission, min(set(part) - {admission.id for admission in found}))
        locked += found
    return locked
