"""An admission's attendance summary: its sessions and marks read by index, the compliance
rules applied. Several admissions at once (a batch of attendance, the daily sweep) take the
same few queries as one."""

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, select

from app.admissions.authorization_rules import Terms
from app.admissions.authorizations import terms_in_force_of
from app.admissions.models import Admission
from app.attendance.models import AttendanceRecord, DrugScreen
from app.attendance.rules import Authorization, Screen, SessionMark, Summary, summarize
from app.attendance.schemas import AttendanceSummary, ReasonRead, WeekRead
from app.context import AuditAction, Context
from app.db import in_chunks
from app.programs.models import Program
from app.programs.service import program_today, settings_for
from app.programs.settings import ProgramSettings
from app.scheduling.models import Appointment, TreatmentPlan
from app.scheduling.rule_inputs import closed_days
from app.vocabulary import AppointmentStatus, AttendanceStatus, PlanStatus, ScreenResult


@dataclass(frozen=True)
class Standing:
    """An admission's compliance today, where its program is."""

    summary: Summary
    as_of: dt.date


def standings_of(ctx: Context, admissions: Sequence[Admission]) -> dict[uuid.UUID, Standing]:
    """The rules' summary of each admission today (the summary, alerts, the sweep): a few
    queries for any number of admissions, each reading only their rows (by index)."""
    ids = [admission.id for admission in admissions]
    programs = _programs(ctx, {admission.program_id for admission in admissions})
    today = {key: program_today(program, ctx.now) for key, program in programs.items()}
    settings: dict[tuple[uuid.UUID, int], ProgramSettings] = {}
    sessions = _sessions_of(ctx, ids, max(today.values(), default=ctx.now.date()))
    plan_ends = _plan_ends(ctx, ids)
    terms = terms_in_force_of(ctx, admissions)
    screens = _latest_screens(ctx, ids)
    standings = {}
    for admission in admissions:
        program, as_of = programs[admission.program_id], today[admission.program_id]
        version = (program.id, admission.settings_version)
        if version not in settings:
            settings[version] = settings_for(ctx, program, admission.settings_version)
        held = [s for s in sessions[admission.id] if s.local_date <= as_of]
        first = min((s.local_date for s in held), default=as_of)
        summary = summarize(
            held,
            as_of,
            settings[version],
            is_adolescent=admission.is_adolescent,
            started_on=admission.started_on,
            plan_ends_on=plan_ends.get(admission.id),
            authorization=_authorization(terms[admission.id]),
            holidays=closed_days(program, first, as_of),
            latest_screen=screens.get(admission.id),
        )
        standings[admission.id] = Standing(summary, as_of)
    return standings


def _programs(ctx: Context, program_ids: set[uuid.UUID]) -> dict[uuid.UUID, Program]:
    found = {
        program.id: program
        for program in ctx.session.scalars(ctx.select(Program).where(Program.id.in_(program_ids)))
    }
    for program_id in program_ids - found.keys():  # deleted: as a single read would answer
        ctx.get(Program, program_id)
    return found


def _sessions_of(
    ctx: Context, admission_ids: Sequence[uuid.UUID], through: dt.date
) -> dict[uuid.UUID, list[SessionMark]]:
    sessions: dict[uuid.UUID, list[SessionMark]] = defaultdict(list)
    for part in in_chunks(admission_ids):
        rows = ctx.session.execute(
            select(
                Appointment.admission_id,
                Appointment.local_date,
                Appointment.starts_at,
                Appointment.ends_at,
                AttendanceRecord.status,
                AttendanceRecord.minutes_attended,
            )
            .outerjoin(
                AttendanceRecord,
                and_(
                    AttendanceRecord.appointment_id == Appointment.id,
                    *ctx.scope(AttendanceRecord),
                ),
            )
            .where(
                *ctx.scope(Appointment),
                Appointment.admission_id.in_(part),
                Appointment.status != AppointmentStatus.cancelled,
                Appointment.local_date <= through,
            )
        )
        for row in rows:
            sessions[row.admission_id].append(
                SessionMark(
                    local_date=row.local_date,
                    starts_at=row.starts_at,
                    scheduled_minutes=int((row.ends_at - row.starts_at).total_seconds() // 60),
                    status=AttendanceStatus(row.status) if row.status is not None else None,
                    minutes_attended=row.minutes_attended or 0,
                )
            )
    return sessions


def _plan_ends(ctx: Context, admission_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, dt.date]:
    """The last day of each admission's current plan."""
    ends = {}
    for part in in_chunks(admission_ids):
        rows = ctx.session.execute(
            select(TreatmentPlan.admission_id, TreatmentPlan.end_date).where(
                *ctx.scope(TreatmentPlan),
                TreatmentPlan.admission_id.in_(part),
                TreatmentPlan.status == PlanStatus.current,
            )
        )
        ends.update({row.admission_id: row.end_date for row in rows})
    return ends


def _authorization(terms: Terms | None) -> Authorization:
    """The authorization in force, as the compliance rules take it."""
    if terms is None:
        return Authorization()
    return Authorization(
        terms.authorized_days, terms.starts_on, terms.ends_on, terms.next_review_on
    )


def _latest_screens(ctx: Context, admission_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Screen]:
    """Each admission's latest drug screen by collection day (a few per admission)."""
    latest: dict[uuid.UUID, Screen] = {}
    for part in in_chunks(admission_ids):
        rows = ctx.session.execute(
            select(
                DrugScreen.admission_id, DrugScreen.id, DrugScreen.collected_on, DrugScreen.result
            )
            .where(*ctx.scope(DrugScreen), DrugScreen.admission_id.in_(part))
            .order_by(DrugScreen.collected_on.desc(), DrugScreen.id.desc())
        )
        for row in rows:
            if row.admission_id not in latest:
                positive = row.result == ScreenResult.positive
                latest[row.admission_id] = Screen(str(row.id), row.collected_on, positive)
    return latest


def attendance_summary(ctx: Context, admission_id: uuid.UUID) -> AttendanceSummary:
    admission = ctx.get(Admission, admission_id)
    ctx.audit(AuditAction.read, "attendance_summary", admission.id, patient_id=admission.patient_id)
    standing = standings_of(ctx, [admission])[admission.id]
    summary = standing.summary
    return AttendanceSummary(
        admission_id=admission.id,
        as_of=standing.as_of,
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
