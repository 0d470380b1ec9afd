"""The seam where attendance meets the FHIR interface: the minutes each session was attended.

Read from the attendance records of a whole page of appointments at once; a fulfilled
appointment without a record (kept before attendance was recorded) counts its whole length.
"""

import uuid

from app.attendance.service import read_attendance
from app.context import Context
from app.scheduling.schemas import AppointmentRead


def attended_minutes(ctx: Context, appointments: list[AppointmentRead]) -> dict[uuid.UUID, int]:
    """Minutes attended of each fulfilled appointment, by appointment id."""
    recorded = read_attendance(ctx, [appointment.id for appointment in appointments])
    return {
        appointment.id: recorded[appointment.id].minutes_attended
        if appointment.id in recorded
        else int((appointment.ends_at - appointment.starts_at).total_seconds() // 60)
        for appointment in appointments
    }
