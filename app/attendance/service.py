"""Attendance records: checked marks written set-based, corrections kept, records read back.

Callers (the attendance flows) load the appointments and lock their admissions first; this
module writes only its own tables.
"""

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, bindparam, insert, select, update

from app.admissions.authorizations import terms_in_force_of
from app.admissions.models import Admission
from app.attendance.marks import (
    Refusal,
    RefusalCode,
    Session,
    beyond_authorization,
    minutes_of,
)
from app.attendance.models import AttendanceRecord, AttendanceRevision
from app.attendance.schemas import AttendanceRead, AttendanceRevisionRead
from app.context import AuditAction, Context
from app.db import in_chunks, new_id
from app.errors import NotFound
from app.events.types import DomainEvent, EventType
from app.scheduling.models import Appointment
from app.scheduling.outcomes import Booking
from app.vocabulary import ATTENDED, AttendanceStatus


@dataclass(frozen=True)
class Entry:
    """One mark asked for: `index` is its place in the request."""

    index: int
    appointment_id: uuid.UUID
    status: AttendanceStatus
    minutes_attended: int | None


@dataclass(frozen=True)
class Accepted:
    entry: Entry
    appointment: Booking
    minutes: int


@dataclass
class Stored:
    created: list[uuid.UUID] = field(default_factory=list)  # appointment ids
    corrected: list[uuid.UUID] = field(default_factory=list)
    unchanged: list[uuid.UUID] = field(default_factory=list)

    @property
    def changed(self) -> list[uuid.UUID]:
        return self.created + self.corrected


def check(
    entries: Sequence[Entry], appointments: dict[uuid.UUID, Booking], now: dt.datetime
) -> tuple[list[Accepted], dict[int, Refusal]]:
    """Each entry accepted with its minutes, or refused with the reason. Two entries for one
    appointment that say different things are both refused: the batch contradicts itself."""
    accepted: dict[uuid.UUID, Accepted] = {}
    refused: dict[int, Refusal] = {}
    conflicting: set[uuid.UUID] = set()
    for entry in entries:
        appointment = appointments.get(entry.appointment_id)
        if appointment is None:
            refused[entry.index] = Refusal(
                RefusalCode.unknown_appointment, "No such appointment in your organization."
            )
            continue
        session = Session(appointment.status, appointment.starts_at, appointment.ends_at)
        minutes = minutes_of(entry.status, entry.minutes_attended, session, now)
        if isinstance(minutes, Refusal):
            refused[entry.index] = minutes
            continue
        earlier = accepted.get(appointment.id)
        if earlier is None:
            accepted[appointment.id] = Accepted(entry, appointment, minutes)
        elif (earlier.entry.status, earlier.minutes) != (entry.status, minutes):
            conflicting.add(appointment.id)
            refused[entry.index] = _conflict(earlier.entry.index)
    for appointment_id in conflicting:
        first = accepted.pop(appointment_id)
        refused[first.entry.index] = _conflict(None)
    return list(accepted.values()), refused


def _conflict(other: int | None) -> Refusal:
    where = f" (record {other})" if other is not None else ""
    return Refusal(
        RefusalCode.conflicting_duplicate,
        f"Another record of this batch{where} marks the same appointment differently.",
    )


def store(ctx: Context, accepted: Sequence[Accepted]) -> Stored:
    """Write the accepted marks: new ones inserted, changed ones updated with the mark they
    replace kept in the history, repeated ones left alone. A few statements, whatever the
    number of marks."""
    ctx.session.flush()  # what the ORM holds goes first: the writes below bypass it
    by_appointment = {a.appointment.id: a.appointment for a in accepted}
    existing = _records_of(ctx, list(by_appointment))
    key_id = ctx.principal.key_id
    new_rows: list[dict[str, Any]] = []
    revisions: list[dict[str, Any]] = []
    corrections: list[dict[str, Any]] = []
    stored = Stored()
    for item in accepted:
        appointment = item.appointment
        record = existing.get(appointment.id)
        if record is None:
            new_rows.append(_record_row(ctx, item))
            stored.created.append(appointment.id)
        elif (record.status, record.minutes_attended) == (item.entry.status, item.minutes):
            stored.unchanged.append(appointment.id)
        else:
            revisions.append(_revision_row(ctx, record))
            corrections.append(
                {
                    "b_id": record.id,
                    "status": item.entry.status.value,
                    "minutes_attended": item.minutes,
                    "recorded_at": ctx.now,
                    "recorded_by_key_id": key_id,
                    "updated_at": ctx.now,
                    "version": record.version + 1,
                }
            )
            stored.corrected.append(appointment.id)
    if new_rows:
        ctx.session.execute(insert(AttendanceRecord), new_rows)
    if revisions:
        ctx.session.execute(insert(AttendanceRevision), revisions)
        table = AttendanceRecord.__table__
        assert isinstance(table, Table)
        statement = (
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(
                status=bindparam("status"),
                minutes_attended=bindparam("minutes_attended"),
                recorded_at=bindparam("recorded_at"),
                recorded_by_key_id=bindparam("recorded_by_key_id"),
                updated_at=bindparam("updated_at"),
                version=bindparam("version"),
            )
        )
        ctx.session.connection().execute(statement, corrections)
    # The records loaded above are stale now; nothing else is (expiring the appointments too
    # would reload each of them, one query apiece, when they are read below).
    for record in existing.values():
        ctx.session.expire(record)
    for action, ids in (
        (AuditAction.create, stored.created),
        (AuditAction.update, stored.corrected),
    ):
        ctx.audit_each(action, "attendance", [(i, by_appointment[i].patient_id) for i in ids])
    _emit(ctx, [by_appointment[i] for i in stored.changed])
    return stored


def reflag(ctx: Context, admissions: Sequence[Admission]) -> None:
    """Flag each admission's attended days the authorization does not cover, and unflag the
    ones it does (a correction may move a day in or out). A few statements for any number of
    admissions."""
    rows_of: dict[uuid.UUID, list[Any]] = defaultdict(list)
    for part in in_chunks([admission.id for admission in admissions]):
        marks = ctx.session.execute(
            select(
                AttendanceRecord.id,
                AttendanceRecord.admission_id,
                AttendanceRecord.local_date,
                AttendanceRecord.status,
                AttendanceRecord.is_beyond_authorization,
            ).where(*ctx.scope(AttendanceRecord), AttendanceRecord.admission_id.in_(part))
        )
        for row in marks:
            rows_of[row.admission_id].append(row)
    terms_of = terms_in_force_of(ctx, admissions)
    to_flag: dict[bool, list[uuid.UUID]] = {True: [], False: []}
    for admission in admissions:
        rows = rows_of[admission.id]
        terms = terms_of[admission.id]
        beyond = beyond_authorization(
            [row.local_date for row in rows if row.status in ATTENDED],
            None if terms is None else terms.authorized_days,
            None if terms is None else terms.starts_on,
            None if terms is None else terms.ends_on,
        )
        for row in rows:
            flag = row.status in ATTENDED and row.local_date in beyond
            if row.is_beyond_authorization != flag:
                to_flag[flag].append(row.id)
    for flag, ids in to_flag.items():
        for part in in_chunks(ids):
            ctx.session.execute(
                update(AttendanceRecord)
                .where(AttendanceRecord.id.in_(part))
                .values(is_beyond_authorization=flag)
                .execution_options(synchronize_session=False)
            )


def read_attendance(
    ctx: Context, appointment_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, AttendanceRead]:
    """The records of these appointments with their histories, by appointment id."""
    records = _records_of(ctx, appointment_ids)
    history: dict[uuid.UUID, list[AttendanceRevisionRead]] = defaultdict(list)
    record_ids = [record.id for record in records.values()]
    for part in in_chunks(record_ids):
        for revision in ctx.session.scalars(
            ctx.select(AttendanceRevision)
            .where(AttendanceRevision.attendance_id.in_(part))
            .order_by(AttendanceRevision.replaced_at, AttendanceRevision.id)
        ):
            history[revision.attendance_id].append(AttendanceRevisionRead.model_validate(revision))
    return {
        appointment_id: AttendanceRead.model_validate(
            {
                **{name: getattr(record, name) for name in _READ_FIELDS},
                "history": history[record.id],
            }
        )
        for appointment_id, record in records.items()
    }


_READ_FIELDS = (
    "appointment_id",
    "admission_id",
    "patient_id",
    "local_date",
    "status",
    "minutes_attended",
    "scheduled_minutes",
    "is_beyond_authorization",
    "recorded_at",
    "recorded_by_key_id",
)


def _records_of(
    ctx: Context, appointment_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, AttendanceRecord]:
    found: dict[uuid.UUID, AttendanceRecord] = {}
    for part in in_chunks(list(dict.fromkeys(appointment_ids))):
        for record in ctx.session.scalars(
            ctx.select(AttendanceRecord)
            .where(AttendanceRecord.appointment_id.in_(part))
            .execution_options(populate_existing=True)
        ):
            found[record.appointment_id] = record
    return found


def _record_row(ctx: Context, item: Accepted) -> dict[str, Any]:
    appointment = item.appointment
    return {
        "id": new_id(),
        "organization_id": ctx.organization_id,
        "appointment_id": appointment.id,
        "admission_id": appointment.admission_id,
        "patient_id": appointment.patient_id,
        "program_id": appointment.program_id,
        "local_date": appointment.local_date,
        "status": item.entry.status.value,
        "minutes_attended": item.minutes,
        "scheduled_minutes": int((appointment.ends_at - appointment.starts_at).total_seconds())
        // 60,
        "is_beyond_authorization": False,
        "recorded_at": ctx.now,
        "recorded_by_key_id": ctx.principal.key_id,
        "created_at": ctx.now,
        "updated_at": ctx.now,
        "version": 1,
    }


def _revision_row(ctx: Context, record: AttendanceRecord) -> dict[str, Any]:
    return {
        "id": new_id(),
        "organization_id": ctx.organization_id,
        "attendance_id": record.id,
        "status": record.status,
        "minutes_attended": record.minutes_attended,
        "recorded_at": record.recorded_at,
        "recorded_by_key_id": record.recorded_by_key_id,
        "replaced_at": ctx.now,
        "replaced_by_key_id": ctx.principal.key_id,
        "created_at": ctx.now,
        "updated_at": ctx.now,
        "version": 1,
    }


def _emit(ctx: Context, appointments: Sequence[Booking]) -> None:
    """One event per admission whose attendance changed (ids only): a batch of thousands of
    marks leaves one event per patient, not one per row."""
    by_admission: dict[uuid.UUID, Booking] = {}
    for appointment in appointments:
        by_admission.setdefault(appointment.admission_id, appointment)
    ctx.emit(
        *(
            DomainEvent(
                EventType.attendance_recorded,
                {"admission_id": admission_id, "program_id": appointment.program_id},
                appointment.patient_id,
            )
            for admission_id, appointment in by_admission.items()
        )
    )


def get_attendance(ctx: Context, appointment_id: uuid.UUID) -> AttendanceRead:
    appointment = ctx.get(Appointment, appointment_id)
    found = read_attendance(ctx, [appointment_id]).get(appointment_id)
    ctx.audit(AuditAction.read, "attendance", appointment_id, patient_id=appointment.patient_id)
    if found is None:
        raise NotFound(f"No attendance is recorded for appointment {appointment_id} yet.")
    return found
