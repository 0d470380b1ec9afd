"""Storing a plan version and booking its appointments: only the future changes.

A plan change supersedes the current version and books the new one from today (in the
program's time zone). Appointments that already happened, or started, are never touched; a
future occurrence the new plan still has keeps its appointment (and its calendar UID), a
patient's or the clinic's cancellation stands, and a booked occurrence the new plan no longer
has is cancelled with the reason `plan_changed` (calendar feeds then show it cancelled).
"""

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, or_, select

from app.admissions.models import Admission
from app.context import AuditAction, Context
from app.db import new_id
from app.events.types import DomainEvent, EventType
from app.programs.models import Program
from app.programs.service import program_today
from app.scheduling.models import Appointment, TreatmentPlan, TreatmentPlanSession
from app.scheduling.rule_inputs import closed_days, operating_hours, rule_session
from app.scheduling.rules.authorization import AuthorizationCheck
from app.scheduling.rules.calendar import (
    MakeUpCheck,
    Materialized,
    PlannedAppointment,
    materialize,
)
from app.scheduling.rules.plan import PlanCheck, PlanSession, Violation
from app.scheduling.rules.weeks import ShortWeek
from app.vocabulary import AppointmentStatus, PlanStatus

PLAN_CHANGED = "The treatment plan changed."
# Not a decision about the occurrence, unlike a patient's or the clinic's cancellation: a
# later plan that has the occurrence again books it again.
PLAN_CHANGED_REASON = "plan_changed"


@dataclass(frozen=True)
class Draft:
    """A weekly plan and its dates, before it is checked or stored."""

    sessions: list[PlanSession]
    start_date: dt.date
    end_date: dt.date  # inclusive
    move_skipped_days: bool
    book_beyond_authorization: bool = False


@dataclass(frozen=True)
class Changes:
    added: int = 0
    kept: int = 0
    cancelled: int = 0


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
    program: Program, draft: Draft, now: dt.datetime, can_move: MakeUpCheck | None = None
) -> Materialized:
    """The plan's occurrences that start after `now`, and the days it skips from today on."""
    first = max(draft.start_date, program_today(program, now))
    planned = _dated(program, draft, first, can_move)
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


def plan_sessions(ctx: Context, plan_id: uuid.UUID) -> list[TreatmentPlanSession]:
    return list(
        ctx.session.scalars(
            select(TreatmentPlanSession)
            .where(TreatmentPlanSession.plan_id == plan_id)
            .order_by(TreatmentPlanSession.position)
        )
    )


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
    changes = _rebook(ctx, admission, plan, rows, planned, cancel_note)
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


Occurrence = tuple[PlanSession, dt.datetime]


def _rebook(
    ctx: Context,
    admission: Admission,
    plan: TreatmentPlan,
    rows: list[TreatmentPlanSession],
    planned: Materialized,
    cancel_note: str,
) -> Changes:
    existing = _future_occurrences(ctx, admission.id)
    new_rows: list[dict[str, Any]] = []
    kept: list[Appointment] = []
    for occurrence in planned.appointments:
        row = rows[occurrence.session_index]
        appointment = existing.pop((rule_session(row), occurrence.starts_at), None)
        if appointment is None:
            new_rows.append(_appointment_row(ctx, admission, row, occurrence))
        elif _replaceable(appointment, ctx.now):
            appointment.plan_id, appointment.plan_session_id = plan.id, row.id
            kept.append(appointment)
        # else: it started, or was cancelled: that decision about the occurrence stands
    dropped = [a for a in existing.values() if _replaceable(a, ctx.now)]
    for appointment in dropped:
        appointment.status, appointment.cancel_reason = (
            AppointmentStatus.cancelled,
            PLAN_CHANGED_REASON,
        )
        appointment.cancel_note, appointment.cancelled_at = cancel_note, ctx.now
        appointment.revise()
    if new_rows:
        ctx.session.execute(insert(Appointment), new_rows)
    ctx.session.flush()
    patient_id = admission.patient_id
    ctx.audit(AuditAction.create, "appointment", [r["id"] for r in new_rows], patient_id=patient_id)
    changed = [a.id for a in kept + dropped]
    ctx.audit(AuditAction.update, "appointment", changed, patient_id=patient_id)
    return Changes(added=len(new_rows), kept=len(kept), cancelled=len(dropped))


def end_plan(ctx: Context, admission: Admission, note: str) -> int:
    """The admission closed: its plan ends and every booking still ahead is cancelled.

    Started, attended or already cancelled appointments stay as they are. Returns how many
    bookings were cancelled."""
    plan = current_plan(ctx, admission.id)
    if plan is None:
        return 0
    plan.status, plan.superseded_at = PlanStatus.ended, ctx.now
    dropped = [
        a for a in _future_occurrences(ctx, admission.id).values() if _replaceable(a, ctx.now)
    ]
    for appointment in dropped:
        appointment.status, appointment.cancel_reason = (
            AppointmentStatus.cancelled,
            PLAN_CHANGED_REASON,
        )
        appointment.cancel_note, appointment.cancelled_at = note, ctx.now
        appointment.revise()
    ctx.session.flush()
    patient_id = admission.patient_id
    ctx.audit(AuditAction.update, "treatment_plan", plan.id, patient_id=patient_id)
    ctx.audit(AuditAction.update, "appointment", [a.id for a in dropped], patient_id=patient_id)
    _emit(ctx, EventType.treatment_plan_ended, plan)
    return len(dropped)


def _emit(ctx: Context, event_type: EventType, plan: TreatmentPlan) -> None:
    subject = {"treatment_plan_id": plan.id, "admission_id": plan.admission_id}
    ctx.emit(DomainEvent(event_type, subject, patient_id=plan.patient_id))


def _future_occurrences(ctx: Context, admission_id: uuid.UUID) -> dict[Occurrence, Appointment]:
    """The admission's appointments whose planned time is still ahead, by occurrence: the plan
    session they came from and when the plan put them (a reschedule keeps that identity)."""
    appointments = ctx.session.scalars(
        ctx.select(Appointment).where(
            Appointment.admission_id == admission_id,
            Appointment.planned_starts_at > ctx.now,
            Appointment.plan_session_id.is_not(None),
            or_(
                Appointment.cancel_reason.is_(None),
                Appointment.cancel_reason != PLAN_CHANGED_REASON,
            ),
        )
    ).all()
    session_ids = {a.plan_session_id for a in appointments}
    sessions = {
        row.id: rule_session(row)
        for row in ctx.session.scalars(
            select(TreatmentPlanSession).where(TreatmentPlanSession.id.in_(session_ids))
        )
    }
    return {
        (sessions[a.plan_session_id], a.planned_starts_at): a
        for a in appointments
        if a.plan_session_id is not None
    }


def _replaceable(appointment: Appointment, now: dt.datetime) -> bool:
    return appointment.status == AppointmentStatus.booked and appointment.starts_at > now


def _appointment_row(
    ctx: Context, admission: Admission, row: TreatmentPlanSession, occurrence: PlannedAppointment
) -> dict[str, Any]:
    return {
        "id": new_id(),
        "organization_id": ctx.organization_id,
        "patient_id": admission.patient_id,
        "admission_id": admission.id,
        "program_id": admission.program_id,
        "plan_id": row.plan_id,
        "plan_session_id": row.id,
        "group_id": row.group_id,
        "staff_id": row.staff_id,
        "room_id": row.room_id,
        "kind": row.kind,
        "modality": row.modality,
        "starts_at": occurrence.starts_at,
        "ends_at": occurrence.ends_at,
        "local_date": occurrence.local_date,
        "planned_starts_at": occurrence.starts_at,
        "status": AppointmentStatus.booked,
        "is_rescheduled": False,
        "created_at": ctx.now,
        "updated_at": ctx.now,
    }
