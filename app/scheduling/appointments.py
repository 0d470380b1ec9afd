"""Appointments: a patient's list, the clinic's day sheet, rescheduling and cancelling."""

import datetime as dt
import uuid
from collections.abc import Collection, Iterator
from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, or_, select

from app.context import AuditAction, Context
from app.errors import FieldError, InvalidTransition, Unprocessable
from app.events.types import DomainEvent, EventType
from app.groups.models import TherapyGroup
from app.pagination import PageParams, fetch_page
from app.patients.models import Patient
from app.programs.models import Program
from app.programs.service import settings_for
from app.scheduling.errors import AppointmentConflicts
from app.scheduling.models import Appointment, TreatmentPlan, TreatmentPlanSession
from app.scheduling.references import load_references, with_group_seats
from app.scheduling.rule_inputs import (
    Meeting,
    Subject,
    assemble_context,
    closed_days,
    meeting_key,
    operating_hours,
)
from app.scheduling.rules.plan import PlanSession
from app.scheduling.rules.validation import conflicts
from app.scheduling.schemas import AppointmentRead, AppointmentUpdate
from app.versioning import Precondition, check_version
from app.vocabulary import AppointmentStatus, Modality, SessionKind, Weekday


def list_patient_appointments(
    ctx: Context,
    patient_id: uuid.UUID,
    dates: tuple[dt.date | None, dt.date | None],
    status: str | None,
    params: PageParams,
) -> tuple[list[AppointmentRead], int]:
    """A patient's appointments between two local dates (inclusive), in time order."""
    first, last = dates
    if first is not None and last is not None and first > last:
        raise Unprocessable(
            "The date range is reversed: `from` is later than `to`.",
            errors=[FieldError(field="query.from", code="after_to", message="later than `to`")],
        )
    ctx.check_found(Patient, patient_id)
    audit_schedule(ctx, patient_id)
    statement = _scoped(ctx, status).where(Appointment.patient_id == patient_id)
    if first is not None:
        statement = statement.where(Appointment.local_date >= first)
    if last is not None:
        statement = statement.where(Appointment.local_date <= last)
    appointments, total = fetch_page(ctx.session, statement, params)
    ids = [appointment["id"] for appointment in appointments]
    ctx.audit(AuditAction.list, "appointment", ids, patient_id=patient_id)
    return [AppointmentRead.from_record(a) for a in appointments], total


def search_appointments(
    ctx: Context,
    params: PageParams,
    *,
    patient_id: uuid.UUID | None = None,
    statuses: Collection[AppointmentStatus] | None = None,
    local_dates: tuple[dt.date | None, dt.date | None] = (None, None),
    starts: tuple[dt.datetime | None, dt.datetime | None] = (None, None),
) -> tuple[list[AppointmentRead], int]:
    """The organization's appointments in time order, filtered by patient, statuses, program
    local dates (inclusive) and start instants (at or after the first, before the second)."""
    statement = ctx.select_rows(Appointment).order_by(Appointment.starts_at, Appointment.id)
    if patient_id is not None:
        statement = statement.where(Appointment.patient_id == patient_id)
    if statuses is not None:
        statement = statement.where(Appointment.status.in_(list(statuses)))
    first, last = local_dates
    if first is not None:
        statement = statement.where(Appointment.local_date >= first)
    if last is not None:
        statement = statement.where(Appointment.local_date <= last)
    earliest, before = starts
    if earliest is not None:
        statement = statement.where(Appointment.starts_at >= earliest)
    if before is not None:
        statement = statement.where(Appointment.starts_at < before)
    appointments, total = fetch_page(ctx.session, statement, params)
    ctx.audit_each(
        AuditAction.list, "appointment", [(a["id"], a["patient_id"]) for a in appointments]
    )
    return [AppointmentRead.from_record(a) for a in appointments], total


def future_bookings_of(ctx: Context, patient_id: uuid.UUID) -> list[Appointment]:
    """The patient's booked appointments that have not started yet."""
    return list(
        ctx.session.scalars(
            ctx.select(Appointment)
            .where(
                Appointment.patient_id == patient_id,
                Appointment.status == AppointmentStatus.booked,
                Appointment.starts_at > ctx.now,
            )
            .order_by(Appointment.starts_at, Appointment.id)
        )
    )


def day_sheet(
    ctx: Context,
    day: dt.date,
    filters: dict[str, uuid.UUID | None],
    status: str | None,
    params: PageParams,
) -> tuple[list[AppointmentRead], int]:
    """The clinic's appointments on one local date, by staff member, room or program."""
    statement = _scoped(ctx, status).where(Appointment.local_date == day)
    for name, value in filters.items():
        if value is not None:
            statement = statement.where(getattr(Appointment, name) == value)
    appointments, total = fetch_page(ctx.session, statement, params)
    ctx.audit_each(
        AuditAction.list, "appointment", [(a["id"], a["patient_id"]) for a in appointments]
    )
    return [AppointmentRead.from_record(a) for a in appointments], total


def read_appointment(ctx: Context, appointment_id: uuid.UUID) -> AppointmentRead:
    appointment = ctx.get(Appointment, appointment_id)
    ctx.audit(AuditAction.read, "appointment", appointment.id, patient_id=appointment.patient_id)
    return AppointmentRead.model_validate(appointment)


def update_appointment(
    ctx: Context, appointment_id: uuid.UUID, body: AppointmentUpdate, expected: Precondition | None
) -> AppointmentRead:
    appointment = ctx.get(Appointment, appointment_id)
    check_version(appointment.version, expected)
    if appointment.status != AppointmentStatus.booked:
        raise InvalidTransition(f"The appointment is {appointment.status}; it cannot change.")
    if body.status == AppointmentStatus.cancelled:
        _refuse_if_started(ctx, appointment)
        appointment.status, appointment.cancel_reason = (
            AppointmentStatus.cancelled,
            body.cancel_reason,
        )
        appointment.cancel_note, appointment.cancelled_at = body.note, ctx.now
        appointment.revise()
        action = AuditAction.transition
    else:
        _reschedule(ctx, appointment, body)
        action = AuditAction.update
    ctx.session.flush()
    ctx.audit(action, "appointment", appointment.id, patient_id=appointment.patient_id)
    subject = {"appointment_id": appointment.id, "admission_id": appointment.admission_id}
    ctx.emit(DomainEvent(EventType.appointment_changed, subject, appointment.patient_id))
    return AppointmentRead.model_validate(appointment)


def _refuse_if_started(ctx: Context, appointment: Appointment) -> None:
    if appointment.starts_at <= ctx.now:
        raise InvalidTransition("The appointment has started; record its attendance instead.")


def _reschedule(ctx: Context, appointment: Appointment, body: AppointmentUpdate) -> None:
    _refuse_if_started(ctx, appointment)
    fields = body.model_fields_set
    starts_at = body.starts_at or appointment.starts_at
    if starts_at <= ctx.now:
        raise Unprocessable(
            "An appointment moves to the future only.",
            errors=[FieldError(field="starts_at", code="in_the_past", message="in the past")],
        )
    program = ctx.get(Program, appointment.program_id)
    local = starts_at.astimezone(ZoneInfo(program.time_zone))
    session = replace(
        as_session(appointment, local, Weekday.of(local.date())),
        staff_id=body.staff_id if "staff_id" in fields else appointment.staff_id,
        room_id=body.room_id if "room_id" in fields else appointment.room_id,
        therapy=_therapy(ctx, appointment),
    )
    if session.modality is Modality.TELEHEALTH and session.room_id is not None:
        raise Unprocessable("A telehealth appointment has no room.")
    _check_conflicts(ctx, appointment, program, session, local)
    if starts_at != appointment.starts_at:
        appointment.is_rescheduled = True
    if starts_at != appointment.starts_at or session.room_id != appointment.room_id:
        appointment.revise()  # a new time or place; a new therapist shows in no patient feed
    appointment.ends_at = starts_at + (appointment.ends_at - appointment.starts_at)
    appointment.starts_at, appointment.local_date = starts_at, local.date()
    appointment.staff_id, appointment.room_id = session.staff_id, session.room_id


def _therapy(ctx: Context, appointment: Appointment) -> str | None:
    """Which complementary therapy: the plan session knows (its staff must be trained in it)."""
    if appointment.plan_session_id is None:
        return None
    return ctx.session.scalar(
        select(TreatmentPlanSession.therapy).where(
            TreatmentPlanSession.id == appointment.plan_session_id
        )
    )


def _check_conflicts(
    ctx: Context,
    appointment: Appointment,
    program: Program,
    session: PlanSession,
    starts_at: dt.datetime,
) -> None:
    """The same rules as a plan's, for one session at one time against concrete bookings."""
    day = starts_at.date()  # local
    references = load_references(ctx, [session], lock=True, where="")
    [session] = with_group_seats([session], references)
    plan = ctx.get(TreatmentPlan, appointment.plan_id) if appointment.plan_id else None
    settings = settings_for(ctx, program, plan.settings_version if plan else None)
    hours = operating_hours(program)
    if day in closed_days(program, day, day):
        hours.pop(session.weekday, None)  # a holiday or closure: closed all day
    context = assemble_context(
        Subject(program, appointment.admission_id, appointment.patient_id),
        [session],
        references,
        _meetings_then(ctx, appointment, session, starts_at),
        settings,
        hours=hours,
        weeks=1,
    )
    found = conflicts([session], context, settings)
    if found:
        raise AppointmentConflicts(found)


def _meetings_then(
    ctx: Context, appointment: Appointment, session: PlanSession, starts_at: dt.datetime
) -> Iterator[Meeting]:
    """Booked appointments overlapping the new time that share its staff, room or patient."""
    new_start, zone = starts_at.astimezone(dt.UTC), starts_at.tzinfo
    new_end = new_start + dt.timedelta(minutes=session.duration_minutes)
    shares = [Appointment.patient_id == appointment.patient_id]
    if session.staff_id is not None:
        shares.append(Appointment.staff_id == session.staff_id)
    if session.room_id is not None:
        shares.append(Appointment.room_id == session.room_id)
    rows = ctx.session.execute(
        select(Appointment, TherapyGroup.max_size)
        .outerjoin(TherapyGroup, TherapyGroup.id == Appointment.group_id)
        .where(
            *ctx.scope(Appointment),
            Appointment.id != appointment.id,
            Appointment.status == AppointmentStatus.booked,
            Appointment.starts_at < new_end,
            Appointment.ends_at > new_start,
            or_(*shares),
        )
    )
    for other, group_seats in rows:
        local = other.starts_at.astimezone(zone)
        # Overlapping, so the same day (or one that ran past midnight, which no program opens).
        booked = replace(as_session(other, local, session.weekday), seats=group_seats)
        key = meeting_key(booked) or ("appointment", other.id)
        yield key, booked, other.patient_id, f"another appointment at {local:%H:%M}"


def as_session(appointment: Appointment, local: dt.datetime, weekday: Weekday) -> PlanSession:
    """An appointment as a session of a one-day plan, at its local wall-clock time."""
    minutes = int((appointment.ends_at - appointment.starts_at).total_seconds() // 60)
    return PlanSession(
        weekday=weekday,
        start_time=local.time().replace(second=0, microsecond=0),
        duration_minutes=max(1, minutes),
        kind=SessionKind(appointment.kind),
        modality=Modality(appointment.modality),
        group_id=appointment.group_id,
        staff_id=appointment.staff_id,
        room_id=appointment.room_id,
    )


def _scoped(ctx: Context, status: str | None) -> Select[dict[str, Any]]:
    statement = ctx.select_rows(Appointment)
    if status is not None:
        statement = statement.where(Appointment.status == status)
    return statement.order_by(Appointment.starts_at, Appointment.id)


def audit_schedule(ctx: Context, patient_id: uuid.UUID) -> None:
    """A read of a patient's schedule (appointments, calendar, plans), recorded even when it
    finds nothing: that someone looked is itself an access to the patient's record."""
    ctx.audit(AuditAction.read, "patient_schedule", patient_id, patient_id=patient_id)
