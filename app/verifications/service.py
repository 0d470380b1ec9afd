"""Verification requests: made by staff, answered by the payer's partner. Every read and change
is audited; a payer key sees its own payer's requests only, through the partner read model."""

import uuid
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.access.models import Organization
from app.admissions.models import Admission
from app.context import AuditAction, Context
from app.coverages.models import Coverage
from app.errors import DomainError, Forbidden, InvalidTransition, NotFound, Unprocessable
from app.events.types import DomainEvent, EventType
from app.pagination import PageParams, fetch_page
from app.patients.models import Patient
from app.verifications import x12
from app.verifications.models import InsuranceVerification, X12ControlNumber
from app.verifications.schemas import (
    PartnerPatient,
    PartnerVerificationRead,
    VerificationCreate,
    VerificationRead,
    VerificationStatus,
)

RESOURCE = "insurance_verification"
OPEN = {"pending", "in_progress"}
OPEN_ADMISSION = ("pending", "approved", "active", "on_hold")


class InvalidX12(DomainError):
    status, slug, title = 422, "invalid-x12", "The X12 document is not valid"


def create_verification(ctx: Context, body: VerificationCreate) -> VerificationRead:
    patient = ctx.get(Patient, body.patient_id)
    coverage = ctx.get(Coverage, body.coverage_id)
    if coverage.patient_id != patient.id:
        raise NotFound(f"Patient {patient.id} has no coverage {coverage.id}.")
    if not coverage.payer_id:
        raise Unprocessable("The coverage names no payer_id, so no partner can verify it.")
    if not coverage.member_id:
        raise Unprocessable("The coverage has no member_id for the payer to look up.")
    verification = InsuranceVerification(
        organization_id=ctx.organization_id,
        patient_id=patient.id,
        coverage_id=coverage.id,
        payer_id=coverage.payer_id,
        status="pending",
        service_types=list(body.service_types),
        service_starts_on=body.service_starts_on or ctx.now.date(),
        service_ends_on=body.service_ends_on,
        provider_npi=body.provider_npi,
    )
    if (
        verification.service_ends_on
        and verification.service_ends_on < verification.service_starts_on
    ):
        raise Unprocessable("The dates of service would end before they start.")
    ctx.session.add(verification)
    ctx.session.flush()
    ctx.audit(AuditAction.create, RESOURCE, verification.id, patient_id=patient.id)
    _emit(ctx, EventType.insurance_verification_requested, verification)
    return staff_read(verification)


def list_for_patient(ctx: Context, patient_id: uuid.UUID) -> list[VerificationRead]:
    patient = ctx.get(Patient, patient_id)
    rows = list(
        ctx.session.scalars(
            ctx.select(InsuranceVerification)
            .where(InsuranceVerification.patient_id == patient.id)
            .order_by(InsuranceVerification.id.desc())
        )
    )
    ctx.audit(AuditAction.list, RESOURCE, [v.id for v in rows], patient_id=patient.id)
    return [staff_read(v) for v in rows]


def cancel(ctx: Context, verification_id: uuid.UUID) -> VerificationRead:
    verification = ctx.get(InsuranceVerification, verification_id, for_update=True)
    _move(ctx, verification, "cancelled")
    _emit(ctx, EventType.insurance_verification_cancelled, verification)
    return staff_read(verification)


# The partner's side.


def partner_list(
    ctx: Context, params: PageParams, status: VerificationStatus | None
) -> tuple[list[PartnerVerificationRead], int]:
    statement: Select[InsuranceVerification] = ctx.select(InsuranceVerification).where(
        InsuranceVerification.payer_id == _payer_of(ctx), _of_live_patients(ctx)
    )
    if status is not None:
        statement = statement.where(InsuranceVerification.status == status)
    rows, total = fetch_page(ctx.session, statement.order_by(InsuranceVerification.id), params)
    ctx.audit_each(AuditAction.list, RESOURCE, [(row.id, row.patient_id) for row in rows])
    return partner_reads(ctx, rows), total


def partner_read_one(ctx: Context, verification_id: uuid.UUID) -> PartnerVerificationRead:
    verification = payer_verification(ctx, verification_id)
    ctx.audit(AuditAction.read, RESOURCE, verification.id, patient_id=verification.patient_id)
    return partner_read(ctx, verification)


def start(ctx: Context, verification_id: uuid.UUID) -> PartnerVerificationRead:
    verification = payer_verification(ctx, verification_id, for_update=True)
    _move(ctx, verification, "in_progress")
    verification.started_at = ctx.now
    return partner_read(ctx, verification)


def payer_verification(
    ctx: Context, verification_id: uuid.UUID, *, for_update: bool = False
) -> InsuranceVerification:
    """A request for the calling payer; another payer's is missing, as another clinic's is,
    and so is any request for a deleted patient."""
    verification = ctx.get(InsuranceVerification, verification_id, for_update=for_update)
    payer = _payer_of(ctx)
    if verification.payer_id != payer or not _patient_is_live(ctx, verification.patient_id):
        raise NotFound(f"No insurance verification with id {verification_id} in your organization.")
    return verification


def cancel_for_deleted_patient(ctx: Context, patient_id: uuid.UUID) -> None:
    """The open requests of a patient whose record is being deleted, cancelled as staff
    would cancel them, so that no payer keeps working on them."""
    open_requests = (
        ctx.select(InsuranceVerification)
        .where(
            InsuranceVerification.patient_id == patient_id,
            InsuranceVerification.status.in_(OPEN),
        )
        .order_by(InsuranceVerification.id)
        .with_for_update()
    )
    for verification in ctx.session.scalars(open_requests).all():
        _move(ctx, verification, "cancelled")
        _emit(ctx, EventType.insurance_verification_cancelled, verification)


def _of_live_patients(ctx: Context) -> ColumnElement[bool]:
    """Requests for patients whose record is not deleted: a deleted record leaves the payer's
    view with the rest of the clinic's."""
    return InsuranceVerification.patient_id.in_(select(Patient.id).where(*ctx.scope(Patient)))


def _patient_is_live(ctx: Context, patient_id: uuid.UUID) -> bool:
    live = select(Patient.id).where(*ctx.scope(Patient), Patient.id == patient_id)
    return ctx.session.scalar(live) is not None


def payer_reaches_patient(ctx: Context, patient_id: uuid.UUID) -> bool:
    """Whether the calling payer has a verification request for the patient that staff did
    not cancel: the one way a payer reaches a patient's admission (to record a prior
    authorization on it)."""
    return (
        ctx.session.scalar(
            select(InsuranceVerification.id)
            .where(
                *ctx.scope(InsuranceVerification),
                InsuranceVerification.payer_id == _payer_of(ctx),
                InsuranceVerification.patient_id == patient_id,
                InsuranceVerification.status != "cancelled",
                _of_live_patients(ctx),
            )
            .limit(1)
        )
        is not None
    )


def inquiry_270(ctx: Context, verification_id: uuid.UUID) -> str:
    """The 270 for a request, with the organization's next interchange control number."""
    verification = payer_verification(ctx, verification_id)
    if verification.status not in OPEN:
        raise InvalidTransition(f"The verification is {verification.status}; nothing to ask.")
    patient = ctx.get(Patient, verification.patient_id)
    coverage = ctx.session.get_one(Coverage, verification.coverage_id)
    organization = ctx.session.get_one(Organization, ctx.organization_id)
    inquiry = x12.Inquiry(
        control_number=next_control_number(ctx),
        trace=verification.id.hex,
        sender_id=ctx.organization_id.hex,
        payer_id=verification.payer_id,
        payer_name=coverage.payer_name or verification.payer_id,
        provider_name=organization.name,
        provider_npi=verification.provider_npi,
        provider_reference=ctx.organization_id.hex[:15],
        given_name=patient.given_name,
        family_name=patient.family_name,
        date_of_birth=patient.date_of_birth,
        member_id=coverage.member_id or "",
        group_number=coverage.group_number,
        service_types=list(verification.service_types),
        service_starts_on=verification.service_starts_on,
        service_ends_on=verification.service_ends_on,
        created_at=ctx.now,
    )
    ctx.audit(AuditAction.read, RESOURCE, verification.id, patient_id=verification.patient_id)
    return x12.build_270(inquiry)


def read_271(
    verification: InsuranceVerification, member_id: str | None, document: str
) -> x12.Response:
    """The 271 answering `verification`, or 422 naming the segment and the reason."""
    try:
        response = x12.read_271(document)
    except x12.X12Problem as problem:
        raise InvalidX12(str(problem), segment=problem.segment, reason=problem.reason) from None
    if response.member_id != (member_id or "").upper():
        raise InvalidX12(
            "NM1: the subscriber's member id does not match the coverage of this request.",
            segment="NM1",
            reason="member id mismatch",
        )
    if response.trace is not None and response.trace.lower() != verification.id.hex:
        raise InvalidX12(
            "TRN: the trace number answers another inquiry.", segment="TRN", reason="trace mismatch"
        )
    return response


def record_outcome(
    ctx: Context,
    verification: InsuranceVerification,
    *,
    benefits: dict[str, Any] | None,
    verified_on: date | None,
    failure_reason: str | None,
    answered_as: str,
) -> PartnerVerificationRead:
    """Close a request with what the partner answered (the coverage is the flow's business)."""
    _move(ctx, verification, "completed" if failure_reason is None else "failed")
    verification.finished_at = ctx.now
    verification.benefits = benefits
    verification.verified_on = verified_on
    verification.failure_reason = failure_reason
    verification.answered_as = answered_as
    ctx.session.flush()
    event = (
        EventType.insurance_verification_completed
        if failure_reason is None
        else EventType.insurance_verification_failed
    )
    _emit(ctx, event, verification)
    return partner_read(ctx, verification)


# Helpers.

_TRANSITIONS: dict[str, set[str]] = {
    "pending": {"in_progress", "completed", "failed", "cancelled"},
    "in_progress": {"completed", "failed", "cancelled"},
}


def _move(ctx: Context, verification: InsuranceVerification, status: str) -> None:
    if status not in _TRANSITIONS.get(verification.status, set()):
        raise InvalidTransition(
            f"A verification that is {verification.status} cannot become {status}."
        )
    verification.status = status
    ctx.session.flush()
    ctx.audit(AuditAction.transition, RESOURCE, verification.id, patient_id=verification.patient_id)


def _payer_of(ctx: Context) -> str:
    if ctx.principal.payer_id is None:
        raise Forbidden("Only a payer key answers verification requests.")
    return ctx.principal.payer_id


def next_control_number(ctx: Context) -> int:
    """Unique and increasing per organization, even under concurrent requests. The counter row
    is made by an upsert that does nothing when it exists, so two first inquiries at once do
    not both insert it (a unique violation, a 500); the increment then takes the row's lock,
    which serializes concurrent inquiries."""
    dialect = ctx.session.get_bind().dialect.name
    make_counter = (postgresql_insert if dialect == "postgresql" else sqlite_insert)(
        X12ControlNumber
    ).values(
        organization_id=ctx.organization_id, last_number=0, created_at=ctx.now, updated_at=ctx.now
    )
    ctx.session.execute(
        make_counter.on_conflict_do_nothing(index_elements=[X12ControlNumber.organization_id])
    )
    number = ctx.session.scalar(
        update(X12ControlNumber)
        .where(*ctx.scope(X12ControlNumber))
        .values(last_number=X12ControlNumber.last_number + 1)
        .returning(X12ControlNumber.last_number)
        .execution_options(synchronize_session=False)
    )
    assert number is not None
    return number % 1_000_000_000 or 1


def staff_read(verification: InsuranceVerification) -> VerificationRead:
    return VerificationRead.model_validate(
        {
            **{name: getattr(verification, name) for name in VerificationRead.model_fields
               if name not in {"requested_at"}},
            "requested_at": verification.created_at,
        }
    )  # fmt: skip


def partner_read(ctx: Context, verification: InsuranceVerification) -> PartnerVerificationRead:
    [read] = partner_reads(ctx, [verification])
    return read


def partner_reads(
    ctx: Context, verifications: list[InsuranceVerification]
) -> list[PartnerVerificationRead]:
    """What the payer sees of each request: three reads for a whole page (its patients, their
    coverages, their open admissions), not three for every request on it."""
    patient_ids = {verification.patient_id for verification in verifications}
    coverage_ids = {verification.coverage_id for verification in verifications}
    patients = {
        patient.id: patient
        for patient in ctx.session.scalars(select(Patient).where(Patient.id.in_(patient_ids)))
    }
    coverages = {
        coverage.id: coverage
        for coverage in ctx.session.scalars(select(Coverage).where(Coverage.id.in_(coverage_ids)))
    }
    admissions = _open_admissions_of(ctx, patient_ids)
    reads = []
    for verification in verifications:
        patient = patients[verification.patient_id]
        coverage = coverages[verification.coverage_id]
        reads.append(
            PartnerVerificationRead(
                id=verification.id,
                status=verification.status,
                payer_id=verification.payer_id,
                patient=PartnerPatient(
                    given_name=patient.given_name,
                    family_name=patient.family_name,
                    date_of_birth=patient.date_of_birth,
                ),
                member_id=coverage.member_id,
                group_number=coverage.group_number,
                service_types=verification.service_types,
                service_starts_on=verification.service_starts_on,
                service_ends_on=verification.service_ends_on,
                requested_at=verification.created_at,
                admission_id=admissions.get(verification.patient_id),
            )
        )
    return reads


def _open_admissions_of(ctx: Context, patient_ids: set[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
    """Each patient's open admission, the newest if several: where the payer records its
    prior-authorization decision."""
    found = ctx.session.execute(
        select(Admission.patient_id, Admission.id)
        .where(
            *ctx.scope(Admission),
            Admission.patient_id.in_(patient_ids),
            Admission.status.in_(OPEN_ADMISSION),
        )
        .order_by(Admission.id)
    )
    # In id order: the newest (UUIDv7 ids follow creation) is the last, and the one kept.
    return dict(found.all())


def _emit(ctx: Context, event_type: EventType, verification: InsuranceVerification) -> None:
    ctx.emit(
        DomainEvent(
            event_type,
            {"insurance_verification_id": verification.id, "coverage_id": verification.coverage_id},
            patient_id=verification.patient_id,
        )
    )
