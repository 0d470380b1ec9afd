"""Good Faith Estimates for uninsured and self-pay patients (No Surprises Act,
45 CFR 149.610; docs/domain.md §6): every element the rule requires, kept as issued."""

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select

from app.admissions.models import Admission, AdmissionAssessment
from app.context import AuditAction, Context
from app.errors import FieldError, Unprocessable
from app.estimates.due_dates import due_date, federal_holidays
from app.estimates.models import GoodFaithEstimate
from app.estimates.rules import SelfPay, share_days, totals
from app.estimates.schemas import GoodFaithEstimateCreate, GoodFaithEstimateRead, GoodFaithItem
from app.estimates.schemas import Provider as ProviderSchema
from app.estimates.service import check_day_shape, program_of, treatment_days
from app.estimates.wording import money
from app.events.types import DomainEvent, EventType
from app.patients.models import Patient
from app.patients.service import get_live_patient
from app.programs.models import Program
from app.programs.service import program_today, settings_for
from app.programs.settings import ProgramSettings

DISPUTE_THRESHOLD = 400  # dollars above the estimate (45 CFR 149.620)
DISPUTE_WINDOW_DAYS = 120
SERVICE_NAMES = {
    "H0015": "Alcohol and/or drug intensive outpatient program, per treatment day",
    "S9480": "Psychiatric intensive outpatient program, per treatment day",
}
SEPARATELY_SCHEDULED = [
    "Laboratory drug testing by an outside laboratory, if ordered.",
    "Medication management or psychiatric visits with other providers.",
    "Outpatient counseling after the program ends (step-down care).",
]
DISCLAIMERS = [
    "This Good Faith Estimate shows the costs of items and services that are reasonably"
    " expected for your health care needs. It is based on information known at the time it"
    " was created.",
    "It is only an estimate: the actual items, services or charges may differ. It does not"
    " include unknown or unexpected costs that may arise during treatment; you could be"
    " charged more if complications or special circumstances occur.",
    "There may be additional items or services the provider recommends as part of your course"
    " of care that must be scheduled or requested separately and are not reflected in this"
    " Good Faith Estimate.",
    f"If you are billed at least ${DISPUTE_THRESHOLD} more than this Good Faith Estimate, you"
    " have the right to dispute the bill. You may contact the provider listed to ask them to"
    " update the bill to match this estimate, to negotiate the bill, or whether financial"
    " assistance is available. You may also start the patient-provider dispute resolution"
    " process with the U.S. Department of Health and Human Services (HHS) within"
    f" {DISPUTE_WINDOW_DAYS} calendar days of the date on the original bill. The federal No"
    " Surprises Help Desk can tell you how.",
    "Keep a copy of this Good Faith Estimate in a safe place or take pictures of it: you may"
    " need it if you are billed a higher amount.",
    "This Good Faith Estimate is not a contract and does not require you to obtain the items"
    " or services from any of the providers or facilities identified in it.",
]


def issue_good_faith_estimate(ctx: Context, body: GoodFaithEstimateCreate) -> GoodFaithEstimateRead:
    check_day_shape(body)
    patient = get_live_patient(ctx, body.patient_id)
    admission = ctx.get(Admission, body.admission_id) if body.admission_id else None
    if admission is not None and admission.patient_id != patient.id:
        raise _unprocessable("admission_id", "other_patient", "Another patient's admission.")
    program = program_of(ctx, body.program_id, admission)
    if program is None:
        raise _unprocessable("program_id", "missing", "Give a program or an admission.")
    settings = settings_for(ctx, program)
    today = program_today(program, ctx.now)
    provider = _provider(body.provider, settings)
    days, notes = treatment_days(ctx, body, admission, program, today)
    lines = share_days(days, settings.price_per_day, SelfPay(settings.self_pay_discount_rate))
    sums = totals(lines)
    dated = [day for day in days if day is not None]
    first, last = min(dated, default=body.starts_on or today), max(dated, default=None)
    scheduled_on = body.scheduled_on or (None if body.requested_on else today)
    closed = federal_holidays(range(today.year - 1, max(today, first).year + 2))
    due_on, due_rule = due_date(scheduled_on, first, body.requested_on, closed)
    codes = body.diagnosis_codes or _diagnosis_codes(ctx, admission)
    if sums.discount > 0:
        notes.append(f"The self-pay discount of {money(sums.discount)} is taken off.")
    item = GoodFaithItem(
        description=SERVICE_NAMES[settings.billing_code],
        service_code=settings.billing_code,
        revenue_code=settings.revenue_code,
        diagnosis_codes=codes,
        quantity=sums.treatment_days,
        unit_charge=settings.price_per_day,
        discount=sums.discount,
        expected_charge=sums.patient_pays,
        first_date=first,
        last_date=last,
    )
    estimate = GoodFaithEstimate(
        organization_id=ctx.organization_id,
        patient_id=patient.id,
        program_id=program.id,
        admission_id=admission.id if admission is not None else None,
        scheduled_on=scheduled_on,
        requested_on=body.requested_on,
        due_on=due_on,
        issued_at=ctx.now,
        document={},
    )
    ctx.session.add(estimate)
    ctx.session.flush()
    read = GoodFaithEstimateRead(
        id=estimate.id,
        patient_id=patient.id,
        program_id=program.id,
        admission_id=estimate.admission_id,
        patient_name=f"{patient.given_name} {patient.family_name}",
        patient_date_of_birth=patient.date_of_birth,
        primary_service=_primary_service(program, sums.treatment_days, first, last),
        service_starts_on=first,
        provider=provider,
        items=[item],
        total_expected_charge=sums.patient_pays,
        scheduled_on=scheduled_on,
        requested_on=body.requested_on,
        due_on=due_on,
        due_rule=due_rule,
        issued_at=ctx.now,
        separately_scheduled=SEPARATELY_SCHEDULED,
        disclaimers=DISCLAIMERS,
        dispute_threshold=DISPUTE_THRESHOLD,
        dispute_window_days=DISPUTE_WINDOW_DAYS,
        assumptions=notes,
    )
    estimate.document = read.model_dump(mode="json")
    ctx.session.flush()
    ctx.audit(AuditAction.create, "good_faith_estimate", estimate.id, patient_id=patient.id)
    subject = {"good_faith_estimate_id": estimate.id}
    ctx.emit(DomainEvent(EventType.good_faith_estimate_issued, subject, patient_id=patient.id))
    return read


def read_good_faith_estimate(ctx: Context, estimate_id: uuid.UUID) -> GoodFaithEstimateRead:
    estimate = ctx.get(GoodFaithEstimate, estimate_id)
    ctx.check_found(Patient, estimate.patient_id)
    ctx.audit(AuditAction.read, "good_faith_estimate", estimate.id, patient_id=estimate.patient_id)
    return GoodFaithEstimateRead.model_validate(estimate.document)


def _provider(given: ProviderSchema | None, settings: ProgramSettings) -> ProviderSchema:
    if given is not None:
        return given
    stored = {
        "name": settings.provider_name, "npi": settings.provider_npi,
        "tin": settings.provider_tin, "location": settings.provider_location,
    }  # fmt: skip
    missing = [name for name, value in stored.items() if not value]
    if missing:
        message = "Give a provider, or set it in the program's settings (provider_…)."
        raise Unprocessable(
            "A Good Faith Estimate names the provider's name, NPI, TIN and location.",
            errors=[
                FieldError(field=f"provider.{m}", code="missing", message=message) for m in missing
            ],
        )
    return ProviderSchema.model_validate(stored)


def _diagnosis_codes(ctx: Context, admission: Admission | None) -> list[str]:
    """The diagnoses of the admission's latest assessment."""
    if admission is None:
        return []
    assessment: dict[str, Any] | None = ctx.session.scalar(
        select(AdmissionAssessment.assessment)
        .where(AdmissionAssessment.admission_id == admission.id)
        .order_by(AdmissionAssessment.assessed_on.desc(), AdmissionAssessment.id.desc())
        .limit(1)
    )
    diagnoses = (assessment or {}).get("diagnoses") or []
    return [str(d["code"]) for d in diagnoses if isinstance(d, dict) and d.get("code")]


def _primary_service(program: Program, days: int, first: date, last: date | None) -> str:
    period = f"from {first}" + (f" to {last}" if last is not None and last != first else "")
    return (
        f"Intensive outpatient treatment (ASAM level {program.level}) at {program.name}:"
        f" {days} treatment days {period}, charged per treatment day."
    )


def _unprocessable(field: str, code: str, message: str) -> Unprocessable:
    return Unprocessable(message, errors=[FieldError(field=field, code=code, message=message)])
