"""Coverages of a patient: patient data, so every read and change is audited."""

import uuid
from datetime import date
from typing import Any

from app.context import AuditAction, Context
from app.coverages.models import Coverage
from app.coverages.schemas import Benefits, CoverageCreate, CoverageRead, CoverageUpdate
from app.errors import FieldError, NotFound, Unprocessable
from app.events.types import DomainEvent, EventType
from app.pagination import PageParams, fetch_page
from app.patients.models import Patient
from app.patients.service import get_live_patient
from app.versioning import Precondition, check_version


def create_coverage(ctx: Context, patient_id: uuid.UUID, body: CoverageCreate) -> CoverageRead:
    patient = get_live_patient(ctx, patient_id)
    coverage = Coverage(
        organization_id=ctx.organization_id,
        patient_id=patient.id,
        **body.model_dump(mode="json", exclude={"benefits", "plan_starts_on", "plan_ends_on"}),
        plan_starts_on=body.plan_starts_on,
        plan_ends_on=body.plan_ends_on,
        benefits=_stamped(ctx, body.benefits, {}),
    )
    ctx.session.add(coverage)
    ctx.session.flush()
    ctx.audit(AuditAction.create, "coverage", coverage.id, patient_id=patient.id)
    _emit(ctx, EventType.coverage_created, coverage)
    return CoverageRead.model_validate(coverage)


def list_coverages(ctx: Context, patient_id: uuid.UUID) -> list[CoverageRead]:
    patient = get_live_patient(ctx, patient_id)
    coverages = list(
        ctx.session.scalars(
            ctx.select_rows(Coverage)
            .where(Coverage.patient_id == patient.id)
            .order_by(Coverage.created_at.desc(), Coverage.id.desc())
        )
    )
    ctx.audit(AuditAction.list, "coverage", [c["id"] for c in coverages], patient_id=patient.id)
    return [CoverageRead.from_record(c) for c in coverages]


def search_coverages(
    ctx: Context,
    params: PageParams,
    *,
    patient_id: uuid.UUID | None = None,
    member_id: str | None = None,
) -> tuple[list[CoverageRead], int]:
    """The organization's coverages, newest first, of patients who are not deleted (a deleted
    patient's coverages are gone with the record); each one listed is audited."""
    statement = (
        ctx.select_rows(Coverage)
        .join(Patient, Patient.id == Coverage.patient_id)
        .where(*ctx.scope(Patient))
    )
    if patient_id is not None:
        statement = statement.where(Coverage.patient_id == patient_id)
    if member_id is not None:
        statement = statement.where(Coverage.member_id == member_id)
    statement = statement.order_by(Coverage.created_at.desc(), Coverage.id.desc())
    coverages, total = fetch_page(ctx.session, statement, params)
    ctx.audit_each(AuditAction.list, "coverage", [(c["id"], c["patient_id"]) for c in coverages])
    return [CoverageRead.from_record(c) for c in coverages], total


def read_coverage(
    ctx: Context, coverage_id: uuid.UUID, patient_id: uuid.UUID | None = None
) -> CoverageRead:
    """A coverage, audited; with `patient_id`, only if it is that patient's."""
    coverage = _coverage(ctx, coverage_id, patient_id)
    ctx.audit(AuditAction.read, "coverage", coverage.id, patient_id=coverage.patient_id)
    return CoverageRead.model_validate(coverage)


def update_coverage(
    ctx: Context,
    patient_id: uuid.UUID,
    coverage_id: uuid.UUID,
    body: CoverageUpdate,
    expected_version: Precondition | None,
) -> CoverageRead:
    coverage = _coverage(ctx, coverage_id, patient_id)
    check_version(coverage.version, expected_version)
    changes = body.model_dump(
        mode="json", exclude_unset=True, exclude={"benefits", "plan_starts_on", "plan_ends_on"}
    )
    for name, value in changes.items():
        setattr(coverage, name, value)
    for name in ("plan_starts_on", "plan_ends_on"):
        if name in body.model_fields_set:
            setattr(coverage, name, getattr(body, name))
    if body.benefits is not None:
        coverage.benefits = _stamped(ctx, body.benefits, coverage.benefits)
    starts, ends = coverage.plan_starts_on, coverage.plan_ends_on
    if starts is not None and ends is not None and ends < starts:
        error = FieldError(field="plan_ends_on", code="before_start", message="Before the start.")
        raise Unprocessable("The plan period would end before it starts.", errors=[error])
    ctx.session.flush()
    ctx.audit(AuditAction.update, "coverage", coverage.id, patient_id=coverage.patient_id)
    _emit(ctx, EventType.coverage_updated, coverage)
    return CoverageRead.model_validate(coverage)


def delete_coverage(
    ctx: Context,
    patient_id: uuid.UUID,
    coverage_id: uuid.UUID,
    expected_version: Precondition | None,
) -> None:
    """Soft delete: estimates made with the coverage keep the terms they were made with."""
    coverage = _coverage(ctx, coverage_id, patient_id)
    check_version(coverage.version, expected_version)
    coverage.deleted_at = ctx.now
    ctx.session.flush()
    ctx.audit(AuditAction.delete, "coverage", coverage.id, patient_id=coverage.patient_id)
    _emit(ctx, EventType.coverage_deleted, coverage)


def _coverage(ctx: Context, coverage_id: uuid.UUID, patient_id: uuid.UUID | None) -> Coverage:
    if patient_id is not None:
        ctx.check_found(Patient, patient_id)
    coverage = ctx.get(Coverage, coverage_id)
    if patient_id is None:
        ctx.check_found(Patient, coverage.patient_id)  # a deleted patient's coverages are gone too
    elif coverage.patient_id != patient_id:
        raise NotFound(f"Patient {patient_id} has no coverage {coverage_id}.")
    return coverage


def _stamped(ctx: Context, benefits: Benefits, stored: dict[str, Any]) -> dict[str, Any]:
    """Each benefit with its provenance: a figure staff enter is `entered` today; one that did
    not change keeps the source and date it had (a verified figure stays verified)."""
    today = ctx.now.date().isoformat()
    stamped: dict[str, Any] = {}
    for name, value in benefits.model_dump(mode="json", exclude_none=True).items():
        before = stored.get(name)
        figures = {k: v for k, v in (before or {}).items() if k not in {"source", "recorded_on"}}
        if before is not None and figures == value:
            stamped[name] = before
        else:
            stamped[name] = value | {"source": "entered", "recorded_on": today}
    return stamped


def _emit(ctx: Context, event_type: EventType, coverage: Coverage) -> None:
    ctx.emit(DomainEvent(event_type, {"coverage_id": coverage.id}, patient_id=coverage.patient_id))


def record_verified_benefits(
    ctx: Context, coverage_id: uuid.UUID, benefits: Benefits, verified_on: date
) -> CoverageRead:
    """The payer's figures replace those it reported, `verified` on the day it verified them;
    a benefit it did not report keeps what staff entered (domain.md §6)."""
    coverage = ctx.get(Coverage, coverage_id, for_update=True)
    reported = {
        name: value | {"source": "verified", "recorded_on": verified_on.isoformat()}
        for name, value in benefits.model_dump(mode="json", exclude_none=True).items()
    }
    merged = dict(coverage.benefits) | reported
    if "coinsurance" in reported:  # a plan shares by coinsurance or by copay, never both
        merged.pop("copay_per_day", None)
    if "copay_per_day" in reported:
        merged.pop("coinsurance", None)
    coverage.benefits = merged
    ctx.session.flush()
    ctx.audit(AuditAction.update, "coverage", coverage.id, patient_id=coverage.patient_id)
    _emit(ctx, EventType.coverage_updated, coverage)
    return CoverageRead.model_validate(coverage)


def member_id_of(ctx: Context, coverage_id: uuid.UUID) -> str | None:
    """The member id a payer knows the coverage by (not audited: the caller audits its use)."""
    return ctx.get(Coverage, coverage_id).member_id
