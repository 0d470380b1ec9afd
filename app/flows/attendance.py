"""Recording attendance: the marks, the appointments they keep or miss, and the admission
whose first attended session starts its treatment.

The first attended session (present, late or left early) of an approved admission starts it
on that session's date, as a clinician's `start` would; when the admission cannot start then
(the date is outside the authorization, or the latest assessment no longer supports IOP) the
marks of that admission are refused with the reason, and nothing of them is stored. An
absence never starts treatment.
"""

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from app.admissions import service as admissions_service
from app.admissions.models import Admission
from app.admissions.schemas import Start
from app.attendance import alerts
from app.attendance import service as attendance_service
from app.attendance.errors import refusal_error
from app.attendance.marks import Refusal, RefusalCode, appointment_status_of
from app.attendance.schemas import (
    AttendanceBatch,
    AttendanceMark,
    AttendanceRead,
    BatchError,
    BatchResult,
    GroupMeetingAttendance,
    GroupMeetingMarks,
    MemberAttendance,
)
from app.attendance.service import Accepted, Entry, Stored
from app.context import AuditAction, Context
from app.errors import DomainError, FieldError, NotFound, Unprocessable
from app.flows import locks
from app.groups.models import TherapyGroup
from app.patients.models import Patient
from app.scheduling import outcomes
from app.scheduling.models import Appointment
from app.scheduling.outcomes import Booking
from app.vocabulary import ATTENDED, AdmissionStatus, AppointmentStatus

FIRST_ATTENDANCE = "First attended session recorded."


@dataclass(frozen=True)
class Recorded:
    stored: Stored
    refused: dict[int, Refusal]


def record_one(ctx: Context, appointment_id: uuid.UUID, mark: AttendanceMark) -> AttendanceRead:
    """One appointment's mark, or its correction (the earlier mark kept in the history)."""
    appointments = outcomes.bookings_by_id(ctx, [appointment_id])
    if appointment_id not in appointments:
        raise NotFound(f"No appointment with id {appointment_id} in your organization.")
    entry = Entry(0, appointment_id, mark.status, mark.minutes_attended)
    recorded = _record(ctx, [entry], appointments)
    if recorded.refused:
        raise refusal_error(recorded.refused[0])
    return attendance_service.read_attendance(ctx, [appointment_id])[appointment_id]


def record_group_meeting(
    ctx: Context, group_id: uuid.UUID, day: dt.date, body: GroupMeetingMarks
) -> GroupMeetingAttendance:
    """A whole meeting in one call: every mark is stored, or none (each refusal is listed by
    its index). The answer lists everyone the group had that day."""
    ctx.get(TherapyGroup, group_id)
    meeting = outcomes.group_meeting(ctx, group_id, day)
    by_patient = {a.patient_id: a for a in meeting if a.status != AppointmentStatus.cancelled}
    entries, errors = [], []
    for index, mark in enumerate(body.marks):
        appointment = by_patient.get(mark.patient_id)
        if appointment is None:
            errors.append(
                FieldError(
                    field=f"marks[{index}].patient_id",
                    code="not_in_meeting",
                    message=f"Patient {mark.patient_id} has no session of this group on {day}.",
                )
            )
            continue
        entries.append(Entry(index, appointment.id, mark.status, mark.minutes_attended))
    if errors:
        raise Unprocessable("Some marks name no one of this meeting.", errors=errors)
    recorded = _record(ctx, entries, {a.id: Booking.of(a) for a in meeting})
    if recorded.refused:
        raise Unprocessable(
            "Some marks cannot be recorded; nothing was stored.",
            errors=[
                FieldError(field=f"marks[{index}]", code=r.code.value, message=r.message)
                for index, r in sorted(recorded.refused.items())
            ],
        )
    return _meeting(ctx, group_id, day)


def read_group_meeting(ctx: Context, group_id: uuid.UUID, day: dt.date) -> GroupMeetingAttendance:
    ctx.get(TherapyGroup, group_id)
    return _meeting(ctx, group_id, day)


def record_batch(ctx: Context, body: AttendanceBatch) -> BatchResult:
    """Every valid record stored, every other one reported with its index and reason; the
    same batch again changes nothing."""
    by_identifier = outcomes.appointments_by_patient_identifier(
        ctx,
        [
            (*_split(record.patient_identifier), record.starts_at)
            for record in body.records
            if record.patient_identifier is not None and record.starts_at is not None
        ],
    )
    entries: list[Entry] = []
    refused: dict[int, Refusal] = {}
    for index, record in enumerate(body.records):
        appointment_id = record.appointment_id
        if appointment_id is None:
            assert record.patient_identifier is not None
            assert record.starts_at is not None
            found = by_identifier[(*_split(record.patient_identifier), record.starts_at)]
            if len(found) != 1:
                refused[index] = _unresolved(len(found))
                continue
            appointment_id = found[0]
        entries.append(Entry(index, appointment_id, record.status, record.minutes_attended))
    appointments = outcomes.bookings_by_id(ctx, [entry.appointment_id for entry in entries])
    recorded = _record(ctx, entries, appointments)
    refused |= recorded.refused
    return BatchResult(
        created=len(recorded.stored.created),
        corrected=len(recorded.stored.corrected),
        unchanged=len(recorded.stored.unchanged),
        errors=[
            BatchError(index=index, code=r.code.value, message=r.message)
            for index, r in sorted(refused.items())
        ],
    )


def _split(identifier: str | None) -> tuple[str, str]:
    assert identifier is not None
    system, value = identifier.split("|", 1)
    return system, value


def _unresolved(count: int) -> Refusal:
    if count == 0:
        return Refusal(
            RefusalCode.unknown_appointment,
            "No appointment of a patient with this identifier starts at this time.",
        )
    return Refusal(
        RefusalCode.ambiguous_appointment,
        f"{count} appointments of this patient start at this time: name one by its id.",
    )


def _record(
    ctx: Context, entries: Sequence[Entry], appointments: dict[uuid.UUID, Booking]
) -> Recorded:
    admission_ids = {
        appointments[e.appointment_id].admission_id
        for e in entries
        if e.appointment_id in appointments
    }
    admissions = {a.id: a for a in locks.admissions(ctx, admission_ids)}
    accepted, refused = attendance_service.check(entries, appointments, ctx.now)
    accepted = _start_treatment(ctx, admissions, accepted, refused)
    stored = attendance_service.store(ctx, accepted)
    by_appointment = {item.appointment.id: item for item in accepted}
    outcomes.record_outcomes(
        ctx,
        {i: appointment_status_of(by_appointment[i].entry.status) for i in stored.changed},
    )
    changed_ids = {by_appointment[i].appointment.admission_id for i in stored.changed}
    changed = [admissions[admission_id] for admission_id in sorted(changed_ids)]
    attendance_service.reflag(ctx, changed)
    alerts.raise_alerts(ctx, changed)
    return Recorded(stored, refused)


def _start_treatment(
    ctx: Context,
    admissions: dict[uuid.UUID, Admission],
    accepted: list[Accepted],
    refused: dict[int, Refusal],
) -> list[Accepted]:
    """Start each approved admission on its first attended session in these marks; refuse
    the marks of one that cannot start."""
    first_day: dict[uuid.UUID, dt.date] = {}
    for item in accepted:
        admission_id = item.appointment.admission_id
        if item.entry.status in ATTENDED:
            day = item.appointment.local_date
            first_day[admission_id] = min(day, first_day.get(admission_id, day))
    cannot_start: dict[uuid.UUID, str] = {}
    for admission_id, day in sorted(first_day.items()):
        if admissions[admission_id].status != AdmissionStatus.approved:
            continue
        try:
            admissions_service.start(
                ctx, admission_id, Start(started_on=day, reason=FIRST_ATTENDANCE)
            )
        except DomainError as error:
            cannot_start[admission_id] = (
                f"The first attended session would start treatment on {day}, and the"
                f" admission cannot start: {error.detail}"
            )
    kept = []
    for item in accepted:
        reason = cannot_start.get(item.appointment.admission_id)
        if reason is None:
            kept.append(item)
        else:
            refused[item.entry.index] = Refusal(RefusalCode.admission_not_started, reason)
    return kept


def _meeting(ctx: Context, group_id: uuid.UUID, day: dt.date) -> GroupMeetingAttendance:
    meeting = outcomes.group_meeting(ctx, group_id, day)
    # One row per member: a rescheduled or cancelled occurrence still shows who was expected.
    by_patient: dict[uuid.UUID, Appointment] = {}
    for appointment in meeting:
        current = by_patient.get(appointment.patient_id)
        if current is None or current.status == AppointmentStatus.cancelled:
            by_patient[appointment.patient_id] = appointment
    patients = {
        p.id: p
        for p in ctx.session.scalars(ctx.select(Patient).where(Patient.id.in_(list(by_patient))))
    }
    attendance = attendance_service.read_attendance(ctx, [a.id for a in by_patient.values()])
    members = []
    for patient_id, appointment in by_patient.items():
        patient = patients.get(patient_id)
        if patient is None:  # deleted since: nothing of it is shown
            continue
        ctx.audit(AuditAction.read, "attendance", appointment.id, patient_id=patient_id)
        members.append(
            MemberAttendance(
                patient_id=patient_id,
                given_name=patient.given_name,
                family_name=patient.family_name,
                appointment_id=appointment.id,
                appointment_status=AppointmentStatus(appointment.status),
                attendance=attendance.get(appointment.id),
            )
        )
    members.sort(key=lambda m: (m.family_name.casefold(), m.given_name.casefold()))
    return GroupMeetingAttendance(group_id=group_id, date=day, members=members)
