"""A payer records a prior-authorization decision on an admission: the admission's terms in
force change, and with them which attended days are beyond the authorization.

A payer reaches an admission only through a verification request of its own payer for the
same patient (not cancelled); any other admission answers 404, as one that does not exist."""

import uuid

from app.admissions import authorizations
from app.admissions.schemas import AuthorizationCreate, AuthorizationRead
from app.attendance import service as attendance_service
from app.context import Context
from app.errors import Forbidden, NotFound
from app.flows import locks
from app.verifications import service as verifications


def record_authorization(
    ctx: Context, admission_id: uuid.UUID, body: AuthorizationCreate
) -> AuthorizationRead:
    payer_id = ctx.principal.payer_id
    if payer_id is None:
        raise Forbidden("Only a payer key records prior authorizations.")
    admission = locks.admission(ctx, admission_id)
    if not verifications.payer_reaches_patient(ctx, admission.patient_id):
        raise NotFound(f"No admission with id {admission_id} in your organization.")
    recorded = authorizations.record(ctx, admission, body, payer_id)
    # Attended days flagged beyond the old terms may be covered now (and the other way).
    attendance_service.reflag(ctx, [admission])
    return recorded
