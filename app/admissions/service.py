"""Eligibility evaluations and the admission lifecycle. Every admission access is audited."""

import uuid
from collections.abc import Collection
from datetime import date
from typing import Any

from sqlalchemy import func, select

from app.admissions import authorizations
from app.admissions.assessment import Assessment, Decision
from app.admissions.authorization_rules import Terms
from app.admissions.lifecycle import (
    AdmissionAction,
    after_reassessment,
    allowed_actions,
    decision_allows,
    initial_status,
    next_status,
)
from app.admissions.models import (
    Admission,
    AdmissionAssessment,
    AdmissionTally,
    AdmissionTransition,
)
from app.admissions.rules import AgeContradiction, contradictions_of_age, evaluate_eligibility
from app.admissions.schemas import (
    AdmissionCreate,
    AdmissionRead,
    Approval,
    ApprovedBy,
    AssessmentRead,
    Authorization,
    Discharge,
    DischargeRead,
    Evaluation,
    EvaluationRequest,
    Reassessment,
    Start,
    TransitionRead,
)
from app.context import AuditAction, Context
from app.errors import Conflict, FieldError, InvalidTransition, Unprocessable
from app.events.types import DomainEvent, EventType
from app.pagination import PageParams, fetch_page
from app.patients.models import Patient
from app.patients.service import get_live_patient
from app.programs import licensing
from app.programs import service as programs_service
from app.programs.models import Program, StaffMember
from app.programs.settings import ProgramSettings
from app.versioning import Precondition, check_version
from app.vocabulary import OPEN_ADMISSION, AdmissionStatus


class AdmissionExists(Conflict):
    slug, title = "admission-exists", "The patient already has an open admission in this program"


class NotEligible(Conflict):
    slug, title = "not-eligible", "The latest assessment does not support IOP"


class Part2NoticeMissing(Conflict):
    slug, title = "part2-notice-missing", "The 42 CFR Part 2 notice has not been recorded"


# Built once, not per evaluation: the rules only read their settings.
_DOMAIN_DEFAULTS = ProgramSettings()


def evaluate(ctx: Context, request: EvaluationRequest) -> Evaluation:
    """A stateless decision: nothing is stored, so nothing is audited."""
    # The request is an `Assessment` already validated: the rules read it as it is.
    assessment: Assessment = request
    if request.program_id is None:
        _refuse_contradictions(contradictions_of_age(assessment, None, ctx.now.date()), "")
        decision = evaluate_eligibility(assessment, _DOMAIN_DEFAULTS, ctx.now.date())
        return Evaluation(
            **dict(decision), program_id=None, settings_version=None, evaluated_on=ctx.now.date()
        )
    program = ctx.get(Program, request.program_id)
    today = programs_service.program_today(program, ctx.now)
    _refuse_contradictions(contradictions_of_age(assessment, None, today), "")
    decision = evaluate_eligibility(assessment, programs_service.settings_for(ctx, program), today)
    return Evaluation(
        **dict(decision), program_id=program.id,
        settings_version=program.settings_version, evaluated_on=today,
    )  # fmt: skip


def create_admission(ctx: Context, body: AdmissionCreate) -> AdmissionRead:
    patient = get_live_patient(ctx, body.patient_id)
    program = ctx.get(Program, body.program_id)
    _refuse_second_open_admission(ctx, patient.id, program.id)
    today = programs_service.program_today(program, ctx.now)
    assessed_on = body.assessed_on or today
    decision = _decide(
        ctx, program, patient, body.assessment, program.settings_version, today, assessed_on
    )
    admission = Admission(
        organization_id=ctx.organization_id,
        patient_id=patient.id,
        program_id=program.id,
        status=initial_status(decision.outcome),
        settings_version=program.settings_version,
        outcome=decision.outcome,
        recommended_level=decision.recommended_level,
        is_adolescent=bool(decision.is_adolescent),
        is_step_down=body.is_step_down,
        part2_notice_given_on=body.part2_notice_given_on,
    )
    ctx.session.add(admission)
    ctx.session.flush()
    _record_assessment(ctx, admission, body.assessment, decision, assessed_on)
    _record_transition(ctx, admission, None, "Admission assessed.")
    ctx.audit(AuditAction.create, "admission", admission.id, patient_id=patient.id)
    _emit(ctx, EventType.admission_created, admission)
    return _read(ctx, admission, decision)


def read_admission(ctx: Context, admission_id: uuid.UUID) -> AdmissionRead:
    admission = ctx.get(Admission, admission_id)
    ctx.audit(AuditAction.read, "admission", admission.id, patient_id=admission.patient_id)
    return _read(ctx, admission)


def list_admissions(
    ctx: Context,
    params: PageParams,
    *,
    patient_id: uuid.UUID | None,
    program_id: uuid.UUID | None,
    statuses: Collection[AdmissionStatus] | None,
) -> tuple[list[AdmissionRead], int]:
    """Admissions, newest first; `statuses` keeps those in any of them (None: every status)."""
    statement = ctx.select(Admission)
    if patient_id is not None:
        statement = statement.where(Admission.patient_id == patient_id)
    if program_id is not None:
        statement = statement.where(Admission.program_id == program_id)
    if statuses is not None:
        statement = statement.where(Admission.status.in_(list(statuses)))
    statement = statement.order_by(Admission.created_at.desc(), Admission.id.desc())
    # A patient's admissions are few and found by index: counted. Any other filter's total is
    # a sum over the tally's few rows, where a count would read every admission it keeps.
    tally = None if patient_id is not None else (lambda: _tallied(ctx, program_id, statuses))
    admissions, total = fetch_page(ctx.session, statement, params, count=tally)
    ctx.audit_each(AuditAction.list, "admission", ((a.id, a.patient_id) for a in admissions))
    return _reads(ctx, admissions), total


def _tallied(
    ctx: Context, program_id: uuid.UUID | None, statuses: Collection[AdmissionStatus] | None
) -> int:
    statement = select(func.coalesce(func.sum(AdmissionTally.admissions), 0)).where(
        *ctx.scope(AdmissionTally)
    )
    if program_id is not None:
        statement = statement.where(AdmissionTally.program_id == program_id)
    if statuses is not None:
        statement = statement.where(AdmissionTally.status.in_(list(statuses)))
    return int(ctx.session.scalar(statement) or 0)


def approve(
    ctx: Context,
    admission_id: uuid.UUID,
    body: Approval,
    expected_version: Precondition | None = None,
) -> AdmissionRead:
    unlocked = ctx.get(Admission, admission_id)
    program = ctx.session.get_one(Program, unlocked.program_id)
    settings = programs_service.settings_for(ctx, program, unlocked.settings_version)
    # Approving is the act of a licensed person: whether this caller may is an authorization,
    # answered (403) before the precondition or the admission's state say anything.
    approver = licensing.approver(ctx, settings)
    admission = admission_for(ctx, admission_id, AdmissionAction.approve, expected_version)
    if admission.part2_notice_given_on is None:
        raise Part2NoticeMissing("Record when the Part 2 notice was given before approving.")
    today = programs_service.program_today(program, ctx.now)
    errors = body.implausible(today, settings.max_authorization_days)
    if errors:
        raise Unprocessable("The authorization's dates are not plausible.", errors=errors)
    admission.approved_by_staff_id = approver.id
    admission.authorized_days = body.authorized_days
    admission.authorization_starts_on = body.authorization_starts_on
    admission.authorization_ends_on = body.authorization_ends_on
    admission.next_review_on = body.next_review_on
    return move(ctx, admission, AdmissionAction.approve, body.reason)


def start(
    ctx: Context, admission_id: uuid.UUID, body: Start, expected_version: Precondition | None = None
) -> AdmissionRead:
    admission = admission_for(ctx, admission_id, AdmissionAction.start, expected_version)
    started_on = body.started_on or _today(ctx, admission)
    terms = authorizations.terms_in_force(ctx, admission)
    starts, ends = (None, None) if terms is None else (terms.starts_on, terms.ends_on)
    if starts is not None and ends is not None and not starts <= started_on <= ends:
        # docs/domain.md §3.5: treatment is given within what was authorized.
        said = "" if body.started_on else " (today, as no date was given)"
        message = (
            f"Treatment cannot start on {started_on}{said}: the authorization runs from"
            f" {starts} to {ends}."
        )
        error = FieldError(field="started_on", code="outside_authorization", message=message)
        raise Unprocessable(message, errors=[error])
    admission.started_on = started_on
    return move(ctx, admission, AdmissionAction.start, body.reason)


def record_discharge(ctx: Context, admission: Admission, body: Discharge) -> None:
    """The discharge's type, date and reason; `move` then closes the admission."""
    discharged_on = body.discharged_on or _today(ctx, admission)
    if admission.started_on is not None and discharged_on < admission.started_on:
        said = "" if body.discharged_on else " (today, as no date was given)"
        message = (
            f"The discharge date {discharged_on}{said} is before treatment started on"
            f" {admission.started_on}."
        )
        error = FieldError(field="discharged_on", code="before_start", message=message)
        raise Unprocessable(message, errors=[error])
    admission.discharge_type = body.type
    admission.discharged_on = discharged_on
    admission.discharge_reason = body.reason


def reassess(
    ctx: Context,
    admission_id: uuid.UUID,
    body: Reassessment,
    expected_version: Precondition | None = None,
) -> AssessmentRead:
    """A new rating, kept as history; it may recommend another level. Before approval the
    admission's state follows it (`lifecycle.after_reassessment`): a referred patient who now
    fits IOP waits for approval again."""
    admission = admission_for(ctx, admission_id, AdmissionAction.reassess, expected_version)
    program = ctx.session.get_one(Program, admission.program_id)
    patient = get_live_patient(ctx, admission.patient_id)  # a deleted record is not re-admitted
    today = programs_service.program_today(program, ctx.now)
    assessed_on = body.assessed_on or today
    decision = _decide(
        ctx, program, patient, body.assessment, admission.settings_version, today, assessed_on
    )
    previous = AdmissionStatus(admission.status)
    following = after_reassessment(previous, decision.outcome)
    if following in OPEN_ADMISSION and previous not in OPEN_ADMISSION:
        _refuse_second_open_admission(ctx, patient.id, program.id, except_id=admission.id)
    row = _record_assessment(ctx, admission, body.assessment, decision, assessed_on)
    admission.outcome = decision.outcome
    admission.recommended_level = decision.recommended_level
    if decision.is_adolescent is not None:
        admission.is_adolescent = decision.is_adolescent
    admission.status = following
    ctx.session.flush()
    if following != previous:
        _record_transition(ctx, admission, previous, f"Re-assessed: {decision.outcome}.")
    ctx.audit(AuditAction.update, "admission", admission.id, patient_id=admission.patient_id)
    _emit(ctx, EventType.admission_reassessed, admission)
    return _assessment_read(row)


def list_assessments(ctx: Context, admission_id: uuid.UUID) -> list[AssessmentRead]:
    admission = ctx.get(Admission, admission_id)
    ctx.audit(AuditAction.read, "admission", admission.id, patient_id=admission.patient_id)
    rows = ctx.session.scalars(
        select(AdmissionAssessment)
        .where(AdmissionAssessment.admission_id == admission.id)
        .order_by(AdmissionAssessment.created_at, AdmissionAssessment.id)
    )
    return [_assessment_read(row) for row in rows]


def list_transitions(ctx: Context, admission_id: uuid.UUID) -> list[TransitionRead]:
    admission = ctx.get(Admission, admission_id)
    ctx.audit(AuditAction.read, "admission", admission.id, patient_id=admission.patient_id)
    rows = ctx.session.scalars(
        select(AdmissionTransition)
        .where(AdmissionTransition.admission_id == admission.id)
        .order_by(
            AdmissionTransition.occurred_at, AdmissionTransition.created_at, AdmissionTransition.id
        )
    )
    return [TransitionRead.model_validate(row) for row in rows]


def _refuse_second_open_admission(
    ctx: Context,
    patient_id: uuid.UUID,
    program_id: uuid.UUID,
    except_id: uuid.UUID | None = None,
) -> None:
    statement = select(Admission.id).where(
        Admission.patient_id == patient_id,
        Admission.program_id == program_id,
        Admission.status.in_(OPEN_ADMISSION),
    )
    if except_id is not None:
        statement = statement.where(Admission.id != except_id)
    open_admission = ctx.session.scalar(statement)
    if open_admission is not None:
        raise AdmissionExists(
            f"Admission {open_admission} is still open for this patient in this program.",
            admission_id=str(open_admission),
        )


def _refuse_contradictions(contradictions: list[AgeContradiction], prefix: str) -> None:
    """422 naming each typed field that contradicts the age it is checked against."""
    if contradictions:
        raise Unprocessable(
            " ".join(c.message for c in contradictions),
            errors=[
                FieldError(field=prefix + c.field, code=c.code, message=c.message)
                for c in contradictions
            ],
        )


def _decide(
    ctx: Context,
    program: Program,
    patient: Patient,
    assessment: Assessment,
    settings_version: int,
    today: date,
    assessed_on: date,
) -> Decision:
    """The patient record completes and overrules the assessment: its date of birth gives the
    age (a typed age or date of birth that contradicts it is refused), so the adolescent rules
    follow the record; a guardian's consent counts only when a guardian is on record."""
    _refuse_contradictions(
        contradictions_of_age(assessment, patient.date_of_birth, assessed_on), "assessment."
    )
    assessment = assessment.model_copy(update={"age": None, "date_of_birth": patient.date_of_birth})
    if patient.guardian is None and assessment.guardian_consent:
        assessment = assessment.model_copy(update={"guardian_consent": None})
    settings = programs_service.settings_for(ctx, program, settings_version)
    return evaluate_eligibility(assessment, settings, today)


def admission_for(
    ctx: Context,
    admission_id: uuid.UUID,
    action: AdmissionAction,
    expected_version: Precondition | None = None,
) -> Admission:
    """The admission, locked until the request's transaction ends, if `action` may move it
    (and it is still at the version the client read, when it says).

    Locked, so an enrollment checking this admission waits for the move to commit and then
    sees it closed instead of joining it. A flow that closes an admission takes its groups'
    locks first (`app.flows.locks`)."""
    admission = ctx.get(Admission, admission_id, for_update=True)
    check_version(admission.version, expected_version)
    current = AdmissionStatus(admission.status)
    if next_status(current, action) is None:
        allowed = [a.value for a in allowed_actions(current, admission.outcome)]
        raise InvalidTransition(
            f"An admission that is {current} cannot {action};"
            f" allowed: {', '.join(allowed) or 'none'}.",
            current_state=current.value,
            allowed_actions=allowed,
        )
    if not decision_allows(action, admission.outcome):
        # A re-assessment stands: a patient it refers elsewhere is not put (back) into IOP.
        decision = _latest_decisions(ctx, [admission.id])[admission.id]
        level = f", level {decision.recommended_level}" if decision.recommended_level else ""
        raise NotEligible(
            f"The latest assessment ({decision.outcome}{level}) does not support IOP:"
            f" re-assess before you {action}.",
            outcome=decision.outcome,
            recommended_level=decision.recommended_level,
            reasons=[reason.model_dump(mode="json") for reason in decision.reasons],
            allowed_actions=[a.value for a in allowed_actions(current, admission.outcome)],
        )
    return admission


def move(
    ctx: Context, admission: Admission, action: AdmissionAction, reason: str | None
) -> AdmissionRead:
    """Move a checked admission (`admission_for`) to the state `action` leads to."""
    previous = AdmissionStatus(admission.status)
    target = next_status(previous, action)
    assert target is not None  # checked by admission_for
    admission.status = target
    ctx.session.flush()
    _record_transition(ctx, admission, previous, reason)
    ctx.audit(AuditAction.transition, "admission", admission.id, patient_id=admission.patient_id)
    _emit(ctx, EventType(f"admission.{target}"), admission)
    return _read(ctx, admission)


def open_admissions_of(ctx: Context, patient_id: uuid.UUID) -> list[Admission]:
    return list(
        ctx.session.scalars(
            ctx.select(Admission)
            .where(Admission.patient_id == patient_id, Admission.status.in_(OPEN_ADMISSION))
            .order_by(Admission.created_at, Admission.id)
        )
    )


def _emit(ctx: Context, event_type: EventType, admission: Admission) -> None:
    ctx.emit(
        DomainEvent(
            event_type,
            {"admission_id": admission.id, "program_id": admission.program_id},
            patient_id=admission.patient_id,
        )
    )


def _record_transition(
    ctx: Context, admission: Admission, previous: AdmissionStatus | None, reason: str | None
) -> None:
    ctx.session.add(
        AdmissionTransition(
            organization_id=ctx.organization_id,
            admission_id=admission.id,
            from_status=previous,
            to_status=admission.status,
            occurred_at=ctx.now,
            by_key_id=ctx.principal.key_id,
            reason=reason,
        )
    )
    ctx.session.flush()


def _record_assessment(
    ctx: Context, admission: Admission, assessment: Assessment, decision: Decision, on: date
) -> AdmissionAssessment:
    row = AdmissionAssessment(
        organization_id=ctx.organization_id,
        admission_id=admission.id,
        assessed_on=on,
        asam_edition=assessment.asam.edition if assessment.asam else None,
        assessment=assessment.model_dump(mode="json"),
        decision=decision.model_dump(mode="json"),
        outcome=decision.outcome,
        recommended_level=decision.recommended_level,
        by_key_id=ctx.principal.key_id,
    )
    ctx.session.add(row)
    ctx.session.flush()
    return row


def _today(ctx: Context, admission: Admission) -> date:
    return programs_service.program_today(
        ctx.session.get_one(Program, admission.program_id), ctx.now
    )


def _latest_decisions(ctx: Context, admission_ids: list[uuid.UUID]) -> dict[uuid.UUID, Decision]:
    """The latest decision of each admission, in one query for a whole page."""
    rows = ctx.session.execute(
        select(AdmissionAssessment.admission_id, AdmissionAssessment.decision)
        .where(AdmissionAssessment.admission_id.in_(admission_ids))
        .order_by(AdmissionAssessment.created_at, AdmissionAssessment.id)
    )
    # Each admission's last assessment stays; only that one is validated.
    latest: dict[uuid.UUID, Any] = dict(rows.all())
    return {
        admission_id: Decision.model_validate(decision) for admission_id, decision in latest.items()
    }


def _read(ctx: Context, admission: Admission, decision: Decision | None = None) -> AdmissionRead:
    """`decision`: the latest, when the caller has just made it."""
    return _reads(ctx, [admission], None if decision is None else {admission.id: decision})[0]


def _reads(
    ctx: Context,
    admissions: list[Admission],
    decisions: dict[uuid.UUID, Decision] | None = None,
) -> list[AdmissionRead]:
    """Read models of a page of admissions: their latest decisions (unless the caller knows
    them), the authorizations in force and the approvers take a query each for the whole
    page, not one per admission."""
    if decisions is None:
        decisions = _latest_decisions(ctx, [admission.id for admission in admissions])
    terms = authorizations.terms_in_force_of(ctx, admissions)
    approvers = _approvers(ctx, admissions)
    return [
        _read_model(admission, decisions[admission.id], terms[admission.id], approvers)
        for admission in admissions
    ]


def _approvers(ctx: Context, admissions: list[Admission]) -> dict[uuid.UUID, ApprovedBy]:
    staff_ids = {a.approved_by_staff_id for a in admissions} - {None}
    if not staff_ids:
        return {}
    rows = ctx.session.scalars(ctx.select_rows(StaffMember).where(StaffMember.id.in_(staff_ids)))
    return {
        row["id"]: ApprovedBy(staff_id=row["id"], name=row["name"], credential=row["credential"])
        for row in rows
    }


def _read_model(
    admission: Admission,
    decision: Decision,
    in_force: Terms | None,
    approvers: dict[uuid.UUID, ApprovedBy],
) -> AdmissionRead:
    authorization = None
    if in_force is not None:
        authorization = Authorization(
            authorized_days=in_force.authorized_days,
            starts_on=in_force.starts_on,
            ends_on=in_force.ends_on,
            next_review_on=in_force.next_review_on,
            reference_number=in_force.reference_number,
        )
    discharged = None
    if admission.discharge_type is not None and admission.discharged_on is not None:
        discharged = DischargeRead(
            type=admission.discharge_type,
            discharged_on=admission.discharged_on,
            reason=admission.discharge_reason,
        )
    status = AdmissionStatus(admission.status)
    approved_by = None
    if admission.approved_by_staff_id is not None:
        approved_by = approvers[admission.approved_by_staff_id]
    return AdmissionRead(
        id=admission.id,
        patient_id=admission.patient_id,
        program_id=admission.program_id,
        status=status,
        allowed_actions=allowed_actions(status, admission.outcome),
        decision=decision,
        settings_version=admission.settings_version,
        is_adolescent=admission.is_adolescent,
        is_step_down=admission.is_step_down,
        part2_notice_given_on=admission.part2_notice_given_on,
        authorization=authorization,
        approved_by=approved_by,
        started_on=admission.started_on,
        discharge=discharged,
        version=admission.version,
        created_at=admission.created_at,
        updated_at=admission.updated_at,
    )


def _assessment_read(row: AdmissionAssessment) -> AssessmentRead:
    return AssessmentRead(
        id=row.id,
        assessed_on=row.assessed_on,
        assessment=Assessment.model_validate(row.assessment),
        decision=Decision.model_validate(row.decision),
        level_change_recommended=row.recommended_level not in (None, "2.1"),
        created_at=row.created_at,
    )
