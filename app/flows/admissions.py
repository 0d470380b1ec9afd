"""Moving an admission through holds and its end: what its groups and plan do with it."""

import uuid

from app.admissions import service as admissions_service
from app.admissions.lifecycle import AdmissionAction, closes
from app.admissions.models import Admission
from app.admissions.schemas import AdmissionRead, Discharge
from app.context import Context
from app.flows import groups as group_flows
from app.flows import locks
from app.scheduling import service as scheduling_service
from app.versioning import Precondition

# `expected_version`: the admission's version the client read (If-Match), or None.


def hold(
    ctx: Context, admission_id: uuid.UUID, reason: str, expected_version: Precondition | None = None
) -> AdmissionRead:
    return _move(ctx, admission_id, AdmissionAction.hold, reason, expected_version)


def resume(
    ctx: Context, admission_id: uuid.UUID, reason: str, expected_version: Precondition | None = None
) -> AdmissionRead:
    return _move(ctx, admission_id, AdmissionAction.resume, reason, expected_version)


def cancel(
    ctx: Context, admission_id: uuid.UUID, reason: str, expected_version: Precondition | None = None
) -> AdmissionRead:
    return _move(ctx, admission_id, AdmissionAction.cancel, reason, expected_version)


def discharge(
    ctx: Context,
    admission_id: uuid.UUID,
    body: Discharge,
    expected_version: Precondition | None = None,
) -> AdmissionRead:
    action = AdmissionAction.discharge
    admission = locks.admission_for(ctx, admission_id, action, expected_version)
    admissions_service.record_discharge(ctx, admission, body)
    return _close(ctx, admission, action, body.reason)


def _move(
    ctx: Context,
    admission_id: uuid.UUID,
    action: AdmissionAction,
    reason: str,
    expected_version: Precondition | None,
) -> AdmissionRead:
    admission = locks.admission_for(ctx, admission_id, action, expected_version)
    if closes(action):
        return _close(ctx, admission, action, reason)
    return admissions_service.move(ctx, admission, action, reason)


def _close(
    ctx: Context, admission: Admission, action: AdmissionAction, reason: str | None
) -> AdmissionRead:
    """The admission ends: the patient leaves its groups and waitlists (each freed seat goes
    to the waitlist), its plan ends and the bookings still ahead are cancelled. What is past
    is never touched."""
    target = "discharged" if action == AdmissionAction.discharge else "cancelled"
    note = f"Admission {target}: {reason}" if reason else f"Admission {target}."
    group_flows.release_admission(ctx, admission, note)
    scheduling_service.end_treatment(ctx, admission, note)
    return admissions_service.move(ctx, admission, action, reason)
