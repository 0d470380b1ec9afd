"""The front desk's day sheet: one program's sessions of a date, with names and attendance."""

import datetime as dt
import uuid

from sqlalchemy import and_, select

from app.attendance.models import AttendanceRecord
from app.attendance.schemas import DaySheet, DaySheetEntry
from app.context import AuditAction, Context
from app.groups.models import TherapyGroup
from app.patients.models import Patient
from app.programs.models import Program, Room, StaffMember
from app.scheduling.models import Appointment
from app.vocabulary import AppointmentStatus, AttendanceStatus


def day_sheet(ctx: Context, program_id: uuid.UUID, day: dt.date) -> DaySheet:
    ctx.get(Program, program_id)
    rows = ctx.session.execute(
        select(
            Appointment,
            Patient.given_name,
            Patient.family_name,
            TherapyGroup.name.label("group_name"),
            StaffMember.name.label("staff_name"),
            Room.name.label("room_name"),
            AttendanceRecord.status.label("attendance_status"),
            AttendanceRecord.minutes_attended,
        )
        .join(Patient, and_(Patient.id == Appointment.patient_id, *ctx.scope(Patient)))
        .outerjoin(TherapyGroup, TherapyGroup.id == Appointment.group_id)
        .outerjoin(StaffMember, StaffMember.id == Appointment.staff_id)
        .outerjoin(Room, Room.id == Appointment.room_id)
        .outerjoin(AttendanceRecord, AttendanceRecord.appointment_id == Appointment.id)
        .where(
            *ctx.scope(Appointment),
            Appointment.program_id == program_id,
            Appointment.local_date == day,
            Appointment.status != AppointmentStatus.cancelled,
        )
        # The id last: namesakes in one group keep the same order on every read.
        .order_by(
            Appointment.starts_at,
            TherapyGroup.name,
            Patient.family_name,
            Patient.given_name,
            Appointment.id,
        )
    ).all()
    ctx.audit_each(
        AuditAction.read,
        "appointment",
        [(row.Appointment.id, row.Appointment.patient_id) for row in rows],
    )
    entries = []
    for row in rows:
        appointment: Appointment = row.Appointment
        entries.append(
            DaySheetEntry(
                appointment_id=appointment.id,
                starts_at=appointment.starts_at,
                ends_at=appointment.ends_at,
                kind=appointment.kind,
                modality=appointment.modality,
                appointment_status=AppointmentStatus(appointment.status),
                patient_id=appointment.patient_id,
                given_name=row.given_name,
                family_name=row.family_name,
                group_id=appointment.group_id,
                group_name=row.group_name,
                staff_id=appointment.staff_id,
                staff_name=row.staff_name,
                room_id=appointment.room_id,
                room_name=row.room_name,
                attendance_status=(
                    AttendanceStatus(row.attendance_status) if row.attendance_status else None
                ),
                minutes_attended=row.minutes_attended,
            )
        )
    return DaySheet(program_id=program_id, date=day, entries=entries)
