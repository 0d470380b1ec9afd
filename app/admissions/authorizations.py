"""Payers' prior-authorization decisions on admissions, and the one answer to "what is
authorized": `terms_in_force`, which scheduling, attendance and the admission itself read."""

import uuid
from collections.abc import Iterable

from app.admissions.authorization_rules import Terms, extension_errors, in_force, terms_errors
from app.admissions.models import Admission, PriorAuthorization
from app.admissions.schemas import AuthorizationCreate, AuthorizationRead
from app.context import AuditAction, Context
from app.errors import InvalidTransition, Unprocessable
from app.events.types import DomainEvent, EventType
from app.programs import service as programs_service
from app.programs.models import Program
from app.vocabulary import AdmissionStatus

RESOURCE = "prior_authorization"
CLOSED = (AdmissionStatus.discharged, AdmissionStatus.cancelled)


class NothingToExtend(InvalidTransition):
    slug, title = "no-authorization-to-extend", "No approved authorization to review"


def terms_in_force(ctx: Context, admission: Admission) -> Terms | None:
    """The authorization the admission's treatment counts against: the payer's latest
    approved decision, else what the clinician recorded at approval, else none."""
    return terms_in_force_of(ctx, [admission])[admission.id]


def terms_in_force_of(
    ctx: Context, admissions: Iterable[Admission]
) -> dict[uuid.UUID, Terms | None]:
    """`terms_in_force` of several admissions (a page of them) in one query."""
    by_id = {admission.id: admission for admission in admissions}
    decisions: dict[uuid.UUID, list[tuple[str, Terms | None]]] = {key: [] for key in by_id}
    for row in _decisions(ctx, list(by_id)):
        decisions[row.admission_id].append((row.decision, _terms_of(row)))
    return {key: in_force(decisions[key], _approval_terms(by_id[key])) for key in by_id}


def record(
    ctx: Context, admission: Admission, body: AuthorizationCreate, payer_id: str
) -> AuthorizationRead:
    """Store a payer's decision on `admission` (locked by the caller)."""
    if admission.status in CLOSED:
        raise InvalidTransition(f"The admission is {admission.status}; nothing to authorize.")
    program = ctx.session.get_one(Program, admission.program_id)
    today = programs_service.program_today(program, ctx.now)
    current = terms_in_force(ctx, admission)
    extends = None
    if body.kind == "concurrent_review":
        extends = _latest_approved(ctx, admission.id)
        if extends is None or current is None:
            raise NothingToExtend(
                "A concurrent review extends an approved prior authorization; record the"
                " initial decision first."
            )
    terms = _requested_terms(body, current)
    if terms is not None:
        settings = programs_service.settings_for(ctx, program, admission.settings_version)
        errors = terms_errors(terms, today, settings.max_authorization_days)
        if body.kind == "concurrent_review" and current is not None:
            errors += extension_errors(current, terms)
        if errors:
            raise Unprocessable("The authorization's terms cannot stand.", errors=errors)
    decided_on = body.decided_on or today
    if decided_on > today:
        raise Unprocessable("decided_on cannot be in the future.")
    row = PriorAuthorization(
        organization_id=ctx.organization_id,
        admission_id=admission.id,
        patient_id=admission.patient_id,
        payer_id=payer_id,
        kind=body.kind,
        decision=body.decision,
        reference_number=body.reference_number,
        decided_on=decided_on,
        authorized_days=None if terms is None else terms.authorized_days,
        starts_on=None if terms is None else terms.starts_on,
        ends_on=None if terms is None else terms.ends_on,
        next_review_on=None if terms is None else terms.next_review_on,
        denial_reason=body.denial_reason,
        extends_id=None if extends is None else extends.id,
        recorded_by_key_id=ctx.principal.key_id,
    )
    ctx.session.add(row)
    ctx.session.flush()
    ctx.audit(AuditAction.create, RESOURCE, row.id, patient_id=admission.patient_id)
    subject = {"prior_authorization_id": row.id, "admission_id": admission.id}
    ctx.emit(DomainEvent(EventType.authorization_recorded, subject, admission.patient_id))
    return _read(row, is_in_force=row.decision == "approved")


def list_for_admission(ctx: Context, admission_id: uuid.UUID) -> list[AuthorizationRead]:
    """Every decision on an admission, in the order they were recorded."""
    admission = ctx.get(Admission, admission_id)
    rows = _decisions(ctx, [admission.id])
    approved = [row for row in rows if row.decision == "approved"]
    in_force_id = approved[-1].id if approved else None
    ctx.audit(AuditAction.list, RESOURCE, [row.id for row in rows], patient_id=admission.patient_id)
    return [_read(row, is_in_force=row.id == in_force_id) for row in rows]


def _decisions(ctx: Context, admission_ids: list[uuid.UUID]) -> list[PriorAuthorization]:
    if not admission_ids:
        return []
    return list(
        ctx.session.scalars(
            ctx.select(PriorAuthorization)
            .where(PriorAuthorization.admission_id.in_(admission_ids))
            .order_by(PriorAuthorization.id)  # UUIDv7: the order they were recorded
        )
    )


def _latest_approved(ctx: Context, admission_id: uuid.UUID) -> PriorAuthorization | None:
    return ctx.session.scalar(
        ctx.select(PriorAuthorization)
        .where(
            PriorAuthorization.admission_id == admission_id,
            PriorAuthorization.decision == "approved",
        )
        .order_by(PriorAuthorization.id.desc())
        .limit(1)
    )


def _requested_terms(body: AuthorizationCreate, current: Terms | None) -> Terms | None:
    if body.decision != "approved":
        return None
    assert body.authorized_days is not None  # the schema's checks
    assert body.ends_on is not None
    if body.kind == "concurrent_review":
        assert current is not None
        starts_on = current.starts_on
    else:
        assert body.starts_on is not None
        starts_on = body.starts_on
    return Terms(
        body.authorized_days, starts_on, body.ends_on, body.next_review_on, body.reference_number
    )


def _terms_of(row: PriorAuthorization) -> Terms | None:
    if row.authorized_days is None or row.starts_on is None or row.ends_on is None:
        return None
    return Terms(
        row.authorized_days, row.starts_on, row.ends_on, row.next_review_on, row.reference_number
    )


def _approval_terms(admission: Admission) -> Terms | None:
    if (
        admission.authorized_days is None
        or admission.authorization_starts_on is None
        or admission.authorization_ends_on is None
    ):
        return None
    return Terms(
        admission.authorized_days,
        admission.authorization_starts_on,
        admission.authorization_ends_on,
        admission.next_review_on,
    )


def _read(row: PriorAuthorization, *, is_in_force: bool) -> AuthorizationRead:
    return AuthorizationRead(
        id=row.id,
        admission_id=row.admission_id,
        payer_id=row.payer_id,
        kind="initial" if row.kind == "initial" else "concurrent_review",
        decision="approved" if row.decision == "approved" else "denied",
        reference_number=row.reference_number,
        decided_on=row.decided_on,
        authorized_days=row.authorized_days,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        next_review_on=row.next_review_on,
        denial_reason=row.denial_reason,
        extends_id=row.extends_id,
        is_in_force=is_in_force,
        recorded_at=row.created_at,
    )
