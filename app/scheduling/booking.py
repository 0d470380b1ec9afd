"""Plan versions: dating a weekly plan, storing a version (which supersedes the current one)
and ending the plan. What a new version does to the appointments is `rebooking`'s business.
"""

import datetime as dt
import uuid
from dataclasses import dataclass, field

from sqlalchemy import select

from app.admissions.models import Admission
from app.context import AuditAction, Context
from app.db import new_id
from app.events.types import DomainEvent, EventType
from app.programs.models import Program
from app.programs.service import program_today
from app.scheduling import rebooking
from app.scheduling.models import TreatmentPlan, TreatmentPlanSession
from app.scheduling.rebooking import Changes
from app.scheduling.rule_inputs import closed_days, operating_hours
from app.scheduling.rules.authorization import AuthorizationCheck
from app.scheduling.rules.calendar import (
    MakeUpCheck,
    Materialized,
    materialize,
)
from app.scheduling.rules.plan import PlanCheck, PlanSession, Violation
from app.scheduling.rules.weeks import ShortWeek
from app.vocabulary import PlanStatus

PLAN_CHANGED = "The treatment plan changed."


@dataclass(frozen=True)
class Draft:
    """A weekly plan and its dates, before it is checked or stored."""

    sessions: list[PlanSession]
    start_date: dt.date
    end_date: dt.date  # inclusive
    move_skipped_days: bool
    book_beyond_authorization: bool = False


@dataclass(frozen=True)
class Evaluation:
    check: PlanCheck
    planned: Materialized  # what saving books from now on
    authorization: AuthorizationCheck | None = None
    dated_flags: list[Violation] = field(default_factory=list)  # of the dated weeks
    books_beyond_authorization: bool = False
    short_weeks: list[ShortWeek] = field(default_factory=list)

    @property
    def flags(self) -> list[Violation]:
        return self.check.flags + self.dated_flags


@dataclass(frozen=True)
class StoredPlan:
    plan: TreatmentPlan
    sessions: list[TreatmentPlanSession]


@dataclass(frozen=True)
class SavedPlan(StoredPlan):
    evaluation: Evaluation
    changes: Changes


def upcoming(
    program: Program,
    draft: Draft,
    now: dt.datetime,
    can_move: MakeUpCheck | None = None,
    past_days: int = 0,
) -> Materialized:
    """The plan's occurrences that start after `now`, and the days it skips from today on.

    With `past_days`, also those of that many days back: a first plan that starts in the past
    (care begun before the clinic used this service, or a plan entered late) books what has
    already happened, so its attendance can be recorded."""
    today = program_today(program, now)
    first = max(draft.start_date, today - dt.timedelta(days=past_days))
    planned = _dated(program, draft, first, can_move)
    if past_days:
        return planned
    future = [appointment for appointment in planned.appointments if appointment.starts_at > now]
    return Materialized(appointments=future, skipped=planned.skipped)


def this_week_on(
    program: Program, draft: Draft, now: dt.datetime, can_move: MakeUpCheck | None = None
) -> Materialized:
    """The plan's dated weeks from this week's Monday: whole weeks, to judge each week."""
    today = program_today(program, now)
    monday = today - dt.timedelta(days=today.weekday())
    return _dated(program, draft, max(draft.start_date, monday), can_move)


def _dated(
    program: Program, draft: Draft, first: dt.date, can_move: MakeUpCheck | None
) -> Materialized:
    if first > draft.end_date:
        return Materialized(appointments=[], skipped=[])
    return materialize(
        draft.sessions,
        first,
        draft.end_date,
        program.time_zone,
        closed_days(program, first, draft.end_date),
        draft.move_skipped_days,
        frozenset(operating_hours(program)),
        can_move,
    )


def current_plan(ctx: Context, admission_id: uuid.UUID) -> TreatmentPlan | None:
    return ctx.session.scalar(
        ctx.select(TreatmentPlan).where(
            TreatmentPlan.admission_id == admission_id,
            TreatmentPlan.status == PlanStatus.current,
        )
    )


def has_plan(ctx: Context, admission_id: uuid.UUID) -> bool:
    """Whether the admission was ever planned (any version, current or not)."""
    found = ctx.session.scalar(
        select(TreatmentPlan.id)
        .where(*ctx.scope(TreatmentPlan), TreatmentPlan.admission_id == admission_id)
        .limit(1)
    )
    return found is not None


def plan_sessions(ctx: Context, plan_id: uuid.UUID) -> list[TreatmentPlanSession]:
    return sessions_of_plans(ctx, [plan_id])[plan_id]


def sessions_of_plans(
    ctx: Context, plan_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[TreatmentPlanSession]]:
    """Each plan's weekly sessions in order, in one query for a page of plans."""
    found: dict[uuid.UUID, list[TreatmentPlanSession]] = {plan_id: [] for plan_id in plan_ids}
    for session in ctx.session.scalars(
        select(TreatmentPlanSession)
        .where(TreatmentPlanSession.plan_id.in_(plan_ids))
        .order_by(TreatmentPlanSession.plan_id, TreatmentPlanSession.position)
    ):
        found[session.plan_id].append(session)
    return found


def store_plan(
    ctx: Context,
    admission: Admission,
    draft: Draft,
    settings_version: int,
    planned: Materialized,
    cancel_note: str = PLAN_CHANGED,
) -> tuple[TreatmentPlan, list[TreatmentPlanSession], Changes]:
    """Supersede the current plan, store the new version and re-book the future."""
    previous = current_plan(ctx, admission.id)
    if previous is not None:
        previous.status, previous.superseded_at = PlanStatus.superseded, ctx.now
        ctx.session.flush()  # frees the one-current-plan index before the new version
        patient_id = admission.patient_id
        ctx.audit(AuditAction.update, "treatment_plan", previous.id, patient_id=patient_id)
    plan = TreatmentPlan(
        organization_id=ctx.organization_id,
        admission_id=admission.id,
        patient_id=admission.patient_id,
        program_id=admission.program_id,
        previous_plan_id=previous.id if previous is not None else None,
        settings_version=settings_version,
        start_date=draft.start_date,
        end_date=draft.end_date,
        move_skipped_days=draft.move_skipped_days,
        book_beyond_authorization=draft.book_beyond_authorization,
        status=PlanStatus.current,
    )
    ctx.session.add(plan)
    ctx.session.flush()
    rows = [_session_row(ctx, plan, index, s) for index, s in enumerate(draft.sessions)]
    ctx.session.add_all(rows)
    ctx.session.flush()
    ctx.audit(AuditAction.create, "treatment_plan", plan.id, patient_id=admission.patient_id)
    changes = rebooking.rebook(ctx, admission, plan, rows, planned, cancel_note)
    _emit(ctx, EventType.treatment_plan_saved, plan)
    return plan, rows, changes


def _session_row(
    ctx: Context, plan: TreatmentPlan, position: int, session: PlanSession
) -> TreatmentPlanSession:
    return TreatmentPlanSession(
        id=new_id(),
        organization_id=ctx.organization_id,
        plan_id=plan.id,
        position=position,
        weekday=session.weekday.value,
        start_time=session.start_time,
        duration_minutes=session.duration_minutes,
        kind=session.kind.value,
        modality=session.modality.value,
        group_id=session.group_id,
        staff_id=session.staff_id,
        room_id=session.room_id,
        therapy=session.therapy,
    )


def end_plan(ctx: Context, admission: Admission, note: str) -> int:
    """The admission closed: its plan ends and every booking still ahead is cancelled.

    Started, attended or already cancelled appointments stay as they are. Returns how many
    bookings were cancelled."""
    plan = current_plan(ctx, admission.id)
    if plan is None:
        return 0
    plan.status, plan.superseded_at = PlanStatus.ended, ctx.now
    dropped = rebooking.cancel_future(ctx, admission.id, note)
    ctx.session.flush()
    patient_id = admission.patient_id
    ctx.audit(AuditAction.update, "treatment_plan", plan.id, patient_id=patient_id)
    ctx.audit(AuditAction.update, "appointment", [a.id for a in dropped], patient_id=patient_id)
    _emit(ctx, EventType.treatment_plan_ended, plan)
    return len(dropped)


def _emit(ctx: Context, event_type: EventType, plan: TreatmentPlan) -> None:
    subject = {"treatment_plan_id": plan.id, "admission_id": plan.admission_id}
    ctx.emit(DomainEvent(event_type, subject, patient_id=plan.patient_id))
