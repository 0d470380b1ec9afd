"""Cost estimates: the treatment days, the coverage's terms and the money rules, together."""

import uuid
from datetime import date

from sqlalchemy import select

from app.admissions.models import Admission
from app.context import AuditAction, Context
from app.coverages.schemas import BenefitsRead, CoverageTerms
from app.coverages.service import read_coverage
from app.errors import FieldError, Unprocessable
from app.estimates.answer import compose_estimate
from app.estimates.days import pattern_words, skipped_closures, weekly_days
from app.estimates.models import CostEstimate
from app.estimates.schemas import (
    CostEstimateRead,
    CostEstimateRequest,
    CoverageUsed,
    TreatmentDays,
)
from app.events.types import DomainEvent, EventType
from app.patients.models import Patient
from app.programs.models import Program
from app.programs.service import program_today, settings_for
from app.programs.settings import ProgramSettings
from app.scheduling.booking import current_plan, plan_sessions
from app.scheduling.models import Appointment
from app.scheduling.rule_inputs import closed_days
from app.vocabulary import AppointmentStatus, Weekday

CHARGED = (AppointmentStatus.booked, AppointmentStatus.fulfilled)


def estimate_cost(ctx: Context, body: CostEstimateRequest) -> CostEstimateRead:
    check_day_shape(body)
    admission = ctx.get(Admission, body.admission_id) if body.admission_id else None
    program = program_of(ctx, body.program_id, admission)
    if program is None and body.price_per_day is None:
        raise _unprocessable("program_id", "price_missing", "Give a program or a price_per_day.")
    settings = settings_for(ctx, program) if program is not None else ProgramSettings()
    today = program_today(program, ctx.now) if program is not None else ctx.now.date()
    coverage, coverage_patient = _coverage(ctx, body, today)
    patient_id = _one_patient(ctx, body.patient_id, coverage_patient, admission)
    days, notes = treatment_days(ctx, body, admission, program, today)
    if body.lines_per == "month" and None in days:
        raise _unprocessable(
            "lines_per", "needs_dated_days", "Monthly lines need dated days: give a weekly"
            " schedule or an admission instead of a count.",
        )  # fmt: skip
    answer = compose_estimate(
        body, settings, coverage, days, notes, today,
        patient_id=patient_id,
        program_id=program.id if program is not None else None,
        admission_id=admission.id if admission is not None else None,
    )  # fmt: skip
    return _save(ctx, answer) if body.save else answer


def read_cost_estimate(ctx: Context, estimate_id: uuid.UUID) -> CostEstimateRead:
    estimate = ctx.get(CostEstimate, estimate_id)
    if estimate.patient_id is not None:
        ctx.audit(AuditAction.read, "cost_estimate", estimate.id, patient_id=estimate.patient_id)
    return CostEstimateRead.model_validate(estimate.answer)


def _save(ctx: Context, answer: CostEstimateRead) -> CostEstimateRead:
    estimate = CostEstimate(
        organization_id=ctx.organization_id,
        patient_id=answer.patient_id,
        program_id=answer.program_id,
        admission_id=answer.admission_id,
        coverage_id=answer.coverage.coverage_id,
        estimated_on=answer.estimated_on,
        answer={},
    )
    ctx.session.add(estimate)
    ctx.session.flush()
    saved = answer.model_copy(update={"id": estimate.id, "saved_at": ctx.now})
    estimate.answer = saved.model_dump(mode="json")
    ctx.session.flush()
    if estimate.patient_id is not None:
        ctx.audit(AuditAction.create, "cost_estimate", estimate.id, patient_id=estimate.patient_id)
    subject = {"cost_estimate_id": estimate.id}
    ctx.emit(DomainEvent(EventType.cost_estimate_saved, subject, patient_id=estimate.patient_id))
    return saved


def check_day_shape(body: TreatmentDays) -> None:
    """Exactly one way of giving the treatment days."""
    weekly = body.days_per_week is not None or body.weeks is not None
    shapes = [body.treatment_days is not None, weekly, body.admission_id is not None]
    if sum(shapes) != 1:
        raise _unprocessable(
            "treatment_days", "one_way_of_days", "Give the treatment days in exactly one way:"
            " treatment_days, days_per_week with weeks, or admission_id.",
        )  # fmt: skip
    if weekly and (body.days_per_week is None or body.weeks is None):
        field = "weeks" if body.weeks is None else "days_per_week"
        raise _unprocessable(field, "missing", "days_per_week and weeks go together.")
    if body.admission_id is not None and body.starts_on is not None:
        raise _unprocessable(
            "starts_on", "not_with_admission", "An admission's plan gives its own dates."
        )


def program_of(
    ctx: Context, program_id: uuid.UUID | None, admission: Admission | None
) -> Program | None:
    if admission is not None:
        if program_id is not None and program_id != admission.program_id:
            raise _unprocessable(
                "program_id", "not_the_admissions", "The admission is to another program."
            )
        return ctx.get(Program, admission.program_id)
    return ctx.get(Program, program_id) if program_id is not None else None


def treatment_days(
    ctx: Context,
    body: TreatmentDays,
    admission: Admission | None,
    program: Program | None,
    today: date,
) -> tuple[list[date | None], list[str]]:
    """The days to charge, and what the answer should say about how they were found."""
    if admission is not None:
        assert program is not None
        return _planned_days(ctx, admission, program)
    starts_on = body.starts_on or today
    if body.days_per_week is not None and body.weeks is not None:
        days = weekly_days(starts_on, body.days_per_week, body.weeks)
        return list(days), [
            f"{body.days_per_week} treatment days a week ({pattern_words(body.days_per_week)})"
            f" for {body.weeks} weeks from {starts_on}; holidays are not taken out: give an"
            " admission for the dates its plan books.",
        ]
    assert body.treatment_days is not None
    count = body.treatment_days
    return [None] * count, [f"{count} treatment days from {starts_on}."]


def _planned_days(
    ctx: Context, admission: Admission, program: Program
) -> tuple[list[date | None], list[str]]:
    ctx.audit(AuditAction.read, "admission", admission.id, patient_id=admission.patient_id)
    ctx.audit(AuditAction.read, "patient_schedule", admission.patient_id,
              patient_id=admission.patient_id)  # fmt: skip
    booked = sorted(
        set(
            ctx.session.scalars(
                select(Appointment.local_date).where(
                    *ctx.scope(Appointment),
                    Appointment.admission_id == admission.id,
                    Appointment.status.in_(CHARGED),
                )
            )
        )
    )
    if not booked:
        raise _unprocessable(
            "admission_id", "no_treatment_days",
            "The admission has no booked treatment days: save its treatment plan first.",
        )  # fmt: skip
    notes = [
        f"The {len(booked)} treatment days the admission's plan books, from {booked[0]}"
        f" to {booked[-1]}."
    ]
    plan = current_plan(ctx, admission.id)
    if plan is not None:
        weekdays = {Weekday(s.weekday).number for s in plan_sessions(ctx, plan.id)}
        closed = closed_days(program, plan.start_date, plan.end_date)
        skipped = skipped_closures(closed, plan.start_date, plan.end_date, weekdays, booked)
        notes += [
            f"Not charged: {day} ({reason}), the program is closed." for day, reason in skipped
        ]
    return list(booked), notes


def _coverage(
    ctx: Context, body: CostEstimateRequest, today: date
) -> tuple[CoverageUsed, uuid.UUID | None]:
    if (body.coverage_id is None) == (body.coverage is None):
        raise _unprocessable(
            "coverage", "one_coverage", "Give a coverage_id or an inline coverage (one of them);"
            ' for a patient paying alone, `"coverage": {"payer_type": "self_pay"}`.',
        )  # fmt: skip
    if body.coverage_id is not None:
        stored = read_coverage(ctx, body.coverage_id)
        fields = set(CoverageUsed.model_fields) - {"coverage_id"}
        used = CoverageUsed.model_validate(
            stored.model_dump(include=fields) | {"coverage_id": stored.id}
        )
        return used, stored.patient_id
    assert body.coverage is not None
    return inline_coverage(body.coverage, today), None


def inline_coverage(terms: CoverageTerms, today: date) -> CoverageUsed:
    """Terms sent with the request: entered, as of today."""
    provenance = {"source": "entered", "recorded_on": today}
    benefits = {
        name: value | provenance
        for name, value in terms.benefits.model_dump(exclude_none=True).items()
    }
    return CoverageUsed.model_validate(
        terms.model_dump(exclude={"benefits", "member_id", "group_number"})
        | {"coverage_id": None, "benefits": BenefitsRead.model_validate(benefits)}
    )


def _one_patient(
    ctx: Context,
    patient_id: uuid.UUID | None,
    coverage_patient: uuid.UUID | None,
    admission: Admission | None,
) -> uuid.UUID | None:
    named = {
        "patient_id": patient_id,
        "coverage_id": coverage_patient,
        "admission_id": admission.patient_id if admission is not None else None,
    }
    patients = {value for value in named.values() if value is not None}
    if len(patients) > 1:
        fields = [name for name, value in named.items() if value is not None]
        raise Unprocessable(
            "The patient, coverage and admission must be the same patient's.",
            errors=[
                FieldError(field=f, code="other_patient", message="Another patient's.")
                for f in fields
            ],
        )
    if not patients:
        return None
    [patient] = patients
    ctx.check_found(Patient, patient)
    return patient


def _unprocessable(field: str, code: str, message: str) -> Unprocessable:
    return Unprocessable(message, errors=[FieldError(field=field, code=code, message=message)])
