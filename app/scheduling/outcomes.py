"""Appointments as attendance finds them: looked up in bulk, and kept or missed."""

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import inspect, select, tuple_, update

from app.context import Context
from app.db import in_chunks
from app.patients.models import PatientIdentifier
from app.scheduling.models import Appointment
from app.vocabulary import AppointmentStatus


@dataclass(frozen=True)
class Booking:
    """What attendance reads of an appointment: read as plain rows, thousands at a time."""

    id: uuid.UUID
    admission_id: uuid.UUID
    patient_id: uuid.UUID
    program_id: uuid.UUID
    local_date: dt.date
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: AppointmentStatus

    @classmethod
    def of(cls, found: Any) -> "Booking":
        """From an appointment, or from a row of the same columns."""
        return cls(
            found.id,
            found.admission_id,
            found.patient_id,
            found.program_id,
            found.local_date,
            found.starts_at,
            found.ends_at,
            AppointmentStatus(found.status),
        )


_COLUMNS = (
    Appointment.id,
    Appointment.admission_id,
    Appointment.patient_id,
    Appointment.program_id,
    Appointment.local_date,
    Appointment.starts_at,
    Appointment.ends_at,
    Appointment.status,
)


def bookings_by_id(ctx: Context, appointment_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Booking]:
    ids = list(dict.fromkeys(appointment_ids))
    found: dict[uuid.UUID, Booking] = {}
    for part in in_chunks(ids):
        rows = ctx.session.execute(
            select(*_COLUMNS).where(*ctx.scope(Appointment), Appointment.id.in_(part))
        )
        for row in rows:
            found[row.id] = Booking.of(row)
    return found


def appointments_by_patient_identifier(
    ctx: Context, wanted: Sequence[tuple[str, str, dt.datetime]]
) -> dict[tuple[str, str, dt.datetime], list[uuid.UUID]]:
    """The appointments of the patient an identifier (system, value) names that start at a
    time: usually one, none when unknown, several when two admissions overlap."""
    keys = list(dict.fromkeys(wanted))
    found: dict[tuple[str, str, dt.datetime], list[uuid.UUID]] = {key: [] for key in keys}
    pairs = list(dict.fromkeys((system, value) for system, value, _ in keys))
    patients: dict[tuple[str, str], uuid.UUID] = {}
    for pairs_part in in_chunks(pairs):
        rows = ctx.session.execute(
            select(PatientIdentifier.system, PatientIdentifier.value, PatientIdentifier.patient_id)
            .where(*ctx.scope(PatientIdentifier))
            .where(tuple_(PatientIdentifier.system, PatientIdentifier.value).in_(pairs_part))
        )
        patients.update({(row.system, row.value): row.patient_id for row in rows})
    by_patient_time = {
        (patients[(system, value)], starts_at): (system, value, starts_at)
        for system, value, starts_at in keys
        if (system, value) in patients
    }
    wanted_times = list(by_patient_time)
    for part in in_chunks(wanted_times):
        rows = ctx.session.execute(
            select(Appointment.id, Appointment.patient_id, Appointment.starts_at)
            .where(*ctx.scope(Appointment))
            .where(tuple_(Appointment.patient_id, Appointment.starts_at).in_(part))
        )
        for row in rows:
            found[by_patient_time[(row.patient_id, row.starts_at)]].append(row.id)
    return found


def group_meeting(ctx: Context, group_id: uuid.UUID, local_date: dt.date) -> list[Appointment]:
    """Every appointment of a group's meeting on one local date, in the order they were made."""
    return list(
        ctx.session.scalars(
            ctx.select(Appointment)
            .where(Appointment.group_id == group_id, Appointment.local_date == local_date)
            .order_by(Appointment.starts_at, Appointment.id)
        )
    )


def record_outcomes(ctx: Context, outcomes: Mapping[uuid.UUID, AppointmentStatus]) -> None:
    """Each appointment follows its attendance: fulfilled or noshow. Set-based: one statement
    per status and thousand appointments."""
    ctx.session.flush()
    for status in (AppointmentStatus.fulfilled, AppointmentStatus.noshow):
        ids = [appointment_id for appointment_id, s in outcomes.items() if s == status]
        for part in in_chunks(ids):
            ctx.session.execute(
                update(Appointment)
                .where(Appointment.id.in_(part))
                .where(Appointment.status != status)
                .values(status=status, version=Appointment.version + 1, updated_at=ctx.now)
                .execution_options(synchronize_session=False)
            )
    # What the statements changed of the appointments already loaded is stale now, and
    # nothing else is: expiring everything would reload each admission the caller holds, one
    # query apiece, and expiring whole appointments walks their relationships.
    for held in list(ctx.session.identity_map.values()):
        identity = inspect(held).identity  # its id, without loading an expired one
        if isinstance(held, Appointment) and identity is not None and identity[0] in outcomes:
            ctx.session.expire(held, ["status", "version", "updated_at"])
