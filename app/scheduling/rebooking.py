"""Re-booking when a plan version replaces another: only the future changes.

A new version books its occurrences from today (in the program's time zone). Appointments that
already happened, or started, are never touched; a future occurrence the new version still has
keeps its appointment (and its calendar UID), a patient's or the clinic's cancellation stands,
and a booked occurrence the new version no longer has is cancelled with the reason
`plan_changed` (calendar feeds then show it cancelled).
"""

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, or_, select

from app.admissions.models import Admission
from app.context import AuditAction, Context
from app.db import new_id
from app.scheduling.models import Appointment, TreatmentPlan, TreatmentPlanSession
from app.scheduling.rule_inputs import rule_session
from app.scheduling.rules.calendar import Materialized, PlannedAppointment
from app.scheduling.rules.plan import PlanSession
from app.vocabulary import AppointmentStatus

# Not a decision about the occurrence, unlike a patient's or the clinic's cancellation: a
# later plan that has the occurrence again books it again.
PLAN_CHANGED_REASON = "plan_changed"


@dataclass(frozen=True)
class Changes:
    added: int = 0
    kept: int = 0
    cancelled: int = 0


Occurrence = tuple[PlanSession, dt.datetime]


def rebook(
    ctx: Context,
    admission: Admission,
    plan: TreatmentPlan,
    rows: list[TreatmentPlanSession],
    planned: Materialized,
    cancel_note: str,
) -> Changes:
    """Book the new version's occurrences from now on: keep those already booked, add the
    new, cancel those it no longer has."""
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
    dropped = _cancel(ctx, existing.values(), cancel_note)
    if new_rows:
        ctx.session.execute(insert(Appointment), new_rows)
    ctx.session.flush()
    patient_id = admission.patient_id
    ctx.audit(AuditAction.create, "appointment", [r["id"] for r in new_rows], patient_id=patient_id)
    changed = [a.id for a in kept + dropped]
    ctx.audit(AuditAction.update, "appointment", changed, patient_id=patient_id)
    return Changes(added=len(new_rows), kept=len(kept), cancelled=len(dropped))


def cancel_future(ctx: Context, admission_id: uuid.UUID, note: str) -> list[Appointment]:
    """Cancel the admission's bookings still ahead (its plan ended); what started stays."""
    return _cancel(ctx, _future_occurrences(ctx, admission_id).values(), note)


def _cancel(ctx: Context, appointments: Iterable[Appointment], note: str) -> list[Appointment]:
    dropped = [a for a in appointments if _replaceable(a, ctx.now)]
    for appointment in dropped:
        appointment.status = AppointmentStatus.cancelled
        appointment.cancel_reason, appointment.cancel_note = PLAN_CHANGED_REASON, note
        appointment.cancelled_at = ctx.now
        appointment.revise()
    return dropped


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
