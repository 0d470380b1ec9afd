"""An admission's attendance summary: its sessions and marks read in one indexed query, the
compliance rules applied."""

import uuid

from sqlalchemy import and_, select

from app.admissions.authorizations import terms_in_force
from app.admissions.models import Admission
from app.attendance.models import AttendanceRecord, DrugScreen
from app.attendance.rules import Authorization, Screen, SessionMark, Summary, summarize
from app.attendance.schemas import AttendanceSummary, ReasonRead, WeekRead
from app.context import AuditAction, Context
from app.programs.models import Program
from app.programs.service import program_today, settings_for
from app.scheduling.booking import current_plan
from app.scheduling.models import Appointment
from app.scheduling.rule_inputs import closed_days
from app.vocabulary import AppointmentStatus, AttendanceStatus, ScreenResult


def summary_of(ctx: Context, admission: Admission) -> tuple[Summary, Program]:
    """The rules' summary of one admission today (used by the summary and by alerts)."""
    program = ctx.get(Program, admission.program_id)
    settings = settings_for(ctx, program, admission.settings_version)
    today = program_today(program, ctx.now)
    # Reads only this admission's rows (by index): it does not grow with the table.
    rows = ctx.session.execute(
        select(
            Appointment.local_date,
            Appointment.starts_at,
            Appointment.ends_at,
            AttendanceRecord.status,
            AttendanceRecord.minutes_attended,
        )
        .outerjoin(
            AttendanceRecord,
            and_(AttendanceRecord.appointment_id == Appointment.id, *ctx.scope(AttendanceRecord)),
        )
        .where(
            *ctx.scope(Appointment),
            Appointment.admission_id == admission.id,
            Appointment.status != AppointmentStatus.cancelled,
            Appointment.local_date <= today,
        )
    ).all()
    sessions = [
        SessionMark(
            local_date=row.local_date,
            starts_at=row.starts_at,
            scheduled_minutes=int((row.ends_at - row.starts_at).total_seconds() // 60),
            status=AttendanceStatus(row.status) if row.status is not None else None,
            minutes_attended=row.minutes_attended or 0,
        )
        for row in rows
    ]
    plan = current_plan(ctx, admission.id)
    first = min((s.local_date for s in sessions), default=today)
    summary = summarize(
        sessions,
        today,
        settings,
        is_adolescent=admission.is_adolescent,
        started_on=admission.started_on,
        plan_ends_on=plan.end_date if plan is not None else None,
        authorization=authorization_of(ctx, admission),
        holidays=closed_days(program, first, today),
        latest_screen=_latest_screen(ctx, admission),
    )
    return summary, program


def authorization_of(ctx: Context, admission: Admission) -> Authorization:
    """The authorization in force, as the compliance rules take it."""
    terms = terms_in_force(ctx, admission)
    if terms is None:
        return Authorization()
    return Authorization(
        terms.authorized_days, terms.starts_on, terms.ends_on, terms.next_review_on
    )


def _latest_screen(ctx: Context, admission: Admission) -> Screen | None:
    screen = ctx.session.scalars(
        ctx.select(DrugScreen)
        .where(DrugScreen.admission_id == admission.id)
        .order_by(DrugScreen.collected_on.desc(), DrugScreen.id.desc())
        .limit(1)
    ).first()
    if screen is None:
        return None
    return Screen(str(screen.id), screen.collected_on, screen.result == ScreenResult.positive)


def attendance_summary(ctx: Context, admission_id: uuid.UUID) -> AttendanceSummary:
    admission = ctx.get(Admission, admission_id)
    ctx.audit(AuditAction.read, "attendance_summary", admission.id, patient_id=admission.patient_id)
    summary, program = summary_of(ctx, admission)
    return AttendanceSummary(
        admission_id=admission.id,
        as_of=program_today(program, ctx.now),
        weeks=[
            WeekRead(**vars(week), is_holiday_week=bool(week.holidays)) for week in summary.weeks
        ],
        attendance_rate=summary.attendance_rate,
        consecutive_unexcused_absences=summary.consecutive_unexcused_absences,
        days_since_last_attendance=summary.days_since_last_attendance,
        authorized_days_used=summary.authorized_days_used,
        authorized_days_left=summary.authorized_days_left,
        status=summary.status.value,
        suggested_discharge_type=summary.suggested_discharge_type,
        reasons=[ReasonRead(code=r.code.value, message=r.message) for r in summary.reasons],
    )
