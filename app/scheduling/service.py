"""Treatment plans: check a weekly plan against the program's rules, store it, book it.

`add_group_to_plan` and `remove_group_from_plan` are how group enrollment reaches the plan.
"""

import uuid
from dataclasses import replace

from sqlalchemy import func, select

from app.admissions.models import Admission
from app.context import AuditAction, Context
from app.errors import NotFound
from app.groups.models import TherapyGroup
from app.pagination import PageParams, fetch_page
from app.programs.models import Program
from app.programs.service import settings_for
from app.programs.settings import ProgramSettings
from app.scheduling.appointments import audit_schedule
from app.scheduling.authorization import terms_of
from app.scheduling.booking import (
    Draft,
    Evaluation,
    SavedPlan,
    StoredPlan,
    current_plan,
    end_plan,
    plan_sessions,
    sessions_of_plans,
    store_plan,
)
from app.scheduling.dated import dated_plan
from app.scheduling.errors import AdmissionNotPlannable, PlanHasViolations
from app.scheduling.group_sessions import check_group_sessions
from app.scheduling.models import TreatmentPlan
from app.scheduling.references import load_references, with_group_seats
from app.scheduling.rule_inputs import Subject, group_sessions, plan_context, rule_session
from app.scheduling.rules.calendar import plan_end
from app.scheduling.rules.plan import PlanSession
from app.scheduling.rules.validation import validate_plan
from app.scheduling.schemas import (
    PlanTerms,
    PlanValidation,
    TreatmentPlanCreate,
    TreatmentPlanRead,
    TreatmentPlanValidate,
)
from app.vocabulary import ADMITTED

LEFT_GROUP = "The patient left the therapy group."
GROUP_CHANGED = "The therapy group's meeting times changed."


def validate_treatment_plan(ctx: Context, body: TreatmentPlanValidate) -> PlanValidation:
    """Everything saving would say, and store nothing."""
    if body.admission_id is not None:
        admission = ctx.get(Admission, body.admission_id)
        ctx.audit(AuditAction.read, "admission", admission.id, patient_id=admission.patient_id)
        subject = _subject(ctx, admission)
    else:
        assert body.program_id is not None  # the schema asks for one of them
        program = ctx.get(Program, body.program_id)
        subject = Subject(program, None, None, body.is_adolescent, body.is_stepping_down)
    settings = settings_for(ctx, subject.program)
    evaluation, _draft = _evaluate(ctx, subject, _draft_of(body, settings), settings, lock=False)
    return PlanValidation.of(evaluation)


def save_treatment_plan(ctx: Context, admission: Admission, body: TreatmentPlanCreate) -> SavedPlan:
    """A new plan version under the program's current settings; a plan with violations is
    refused with all of them. The caller holds the admission's lock."""
    if admission.status not in ADMITTED:
        raise AdmissionNotPlannable(admission.status)
    subject = _subject(ctx, admission)
    settings = settings_for(ctx, subject.program)
    draft = _draft_of(body, settings)
    evaluation, draft = _evaluate(ctx, subject, draft, settings, lock=True)
    if evaluation.check.violations:
        raise PlanHasViolations(evaluation.check.violations)
    version = subject.program.settings_version
    plan, sessions, changes = store_plan(ctx, admission, draft, version, evaluation.planned)
    return SavedPlan(plan, sessions, evaluation, changes)


def get_current_plan(ctx: Context, admission_id: uuid.UUID) -> TreatmentPlanRead:
    admission = ctx.get(Admission, admission_id)
    audit_schedule(ctx, admission.patient_id)
    plan = current_plan(ctx, admission.id)
    if plan is None:
        raise NotFound(f"Admission {admission_id} has no current treatment plan.")
    ctx.audit(AuditAction.read, "treatment_plan", plan.id, patient_id=plan.patient_id)
    return TreatmentPlanRead.of(StoredPlan(plan, plan_sessions(ctx, plan.id)))


def list_plans(
    ctx: Context, admission_id: uuid.UUID, params: PageParams
) -> tuple[list[TreatmentPlanRead], int]:
    """Every version of an admission's plan, newest first."""
    admission = ctx.get(Admission, admission_id)
    audit_schedule(ctx, admission.patient_id)
    statement = (
        ctx.select(TreatmentPlan)
        .where(
            TreatmentPlan.admission_id == admission.id,
        )
        .order_by(TreatmentPlan.created_at.desc(), TreatmentPlan.id)
    )
    plans, total = fetch_page(ctx.session, statement, params)
    ids = [plan.id for plan in plans]
    ctx.audit(AuditAction.list, "treatment_plan", ids, patient_id=admission.patient_id)
    sessions = sessions_of_plans(ctx, ids)
    reads = [TreatmentPlanRead.of(StoredPlan(plan, sessions[plan.id])) for plan in plans]
    return reads, total


def add_group_to_plan(ctx: Context, admission: Admission, group: TherapyGroup) -> None:
    """Plan the group's weekly meetings into the admission's current plan and book them.

    A new plan version under the settings the plan was made under; raises `PlanHasViolations`
    (422) when the meetings break the program's rules. No current plan: nothing to do.
    """
    _lock(ctx, admission.id)
    plan = current_plan(ctx, admission.id)
    if plan is None:
        return
    sessions = [rule_session(row) for row in plan_sessions(ctx, plan.id)]
    if any(session.group_id == group.id for session in sessions):
        return  # already planned: enrolling twice changes nothing
    subject = _subject(ctx, admission)
    settings = settings_for(ctx, subject.program, plan.settings_version)
    draft = _draft_from(plan, sessions + group_sessions(group))
    evaluation, draft = _evaluate(ctx, subject, draft, settings, lock=True, strict=False)
    if evaluation.check.violations:
        raise PlanHasViolations(evaluation.check.violations)
    store_plan(ctx, admission, draft, plan.settings_version, evaluation.planned)


def remove_group_from_plan(
    ctx: Context, admission: Admission, group: TherapyGroup, note: str = LEFT_GROUP
) -> None:
    """Take the group's meetings out of the current plan and cancel their future bookings.

    Never refused: leaving a group must not wait for the plan to be fixed, even if it now
    falls below the weekly minimum. No current plan, or no such meetings: nothing to do.
    """
    _lock(ctx, admission.id)
    plan = current_plan(ctx, admission.id)
    if plan is None:
        return
    sessions = [rule_session(row) for row in plan_sessions(ctx, plan.id)]
    remaining = [session for session in sessions if session.group_id != group.id]
    if len(remaining) == len(sessions):
        return
    draft = _draft_from(plan, remaining)
    references = load_references(ctx, remaining, lock=False, strict=False)
    settings = settings_for(ctx, ctx.get(Program, admission.program_id), plan.settings_version)
    planned = dated_plan(ctx, _subject(ctx, admission), draft, references, settings).planned
    store_plan(ctx, admission, draft, plan.settings_version, planned, cancel_note=note)


def end_treatment(ctx: Context, admission: Admission, note: str) -> None:
    """Discharge or cancellation: the plan ends and the bookings still ahead are cancelled."""
    _lock(ctx, admission.id)
    end_plan(ctx, admission, note)


def _evaluate(
    ctx: Context,
    subject: Subject,
    draft: Draft,
    settings: ProgramSettings,
    *,
    lock: bool,
    strict: bool = True,
) -> tuple[Evaluation, Draft]:
    references = load_references(ctx, draft.sessions, lock=lock, strict=strict)
    if strict:  # a plan sent by a client; enrollment amends a plan after its own checks
        check_group_sessions(ctx, subject, draft.sessions, references)
    draft = replace(draft, sessions=with_group_seats(draft.sessions, references))
    dates = (draft.start_date, draft.end_date)
    context = plan_context(ctx, subject, draft.sessions, references, dates, settings)
    check = validate_plan(draft.sessions, context, settings)
    dated = dated_plan(ctx, subject, draft, references, settings)
    evaluation = Evaluation(
        check,
        dated.planned,
        dated.authorization,
        dated.flags,
        draft.book_beyond_authorization,
        dated.short_weeks,
    )
    return evaluation, draft


def _subject(ctx: Context, admission: Admission) -> Subject:
    first_plan_start = ctx.session.scalar(
        select(func.min(TreatmentPlan.start_date)).where(
            *ctx.scope(TreatmentPlan), TreatmentPlan.admission_id == admission.id
        )
    )
    known_starts = [day for day in (admission.started_on, first_plan_start) if day is not None]
    return Subject(
        program=ctx.get(Program, admission.program_id),
        admission_id=admission.id,
        patient_id=admission.patient_id,
        is_adolescent=admission.is_adolescent,
        is_stepping_down=admission.is_step_down,
        treatment_starts_on=min(known_starts, default=None),
        authorization=terms_of(ctx, admission),
    )


def _draft_of(body: PlanTerms, settings: ProgramSettings) -> Draft:
    sessions = [PlanSession(**session.model_dump()) for session in body.sessions]
    end_date = plan_end(body.start_date, body.weeks, body.end_date, settings)
    return Draft(
        sessions, body.start_date, end_date, body.move_skipped_days, body.book_beyond_authorization
    )


def _draft_from(plan: TreatmentPlan, sessions: list[PlanSession]) -> Draft:
    return Draft(
        sessions,
        plan.start_date,
        plan.end_date,
        plan.move_skipped_days,
        plan.book_beyond_authorization,
    )


def _lock(ctx: Context, admission_id: uuid.UUID) -> None:
    """Serialize plan changes of one admission (SQLite already serializes every writer)."""
    ctx.session.execute(
        select(Admission.id)
        .where(Admission.id == admission_id, *ctx.scope(Admission))
        .with_for_update()
    )
