"""The seam where attendance meets the FHIR interface: the minutes each session was attended.

Attendance is not recorded yet, so a fulfilled appointment counts as attended for its whole
scheduled length. When attendance records exist, this one function reads them (for a whole
page of appointments at once) and every Encounter reports what was really attended.
"""

import uuid

from app.context import Context
from app.scheduling.schemas import AppointmentRead


def attended_minutes(ctx: Context, appointments: list[AppointmentRead]) -> dict[uuid.UUID, int]:
    """Minutes attended of each fulfilled appointment, by appointment id."""
    del ctx  # attendance records will be read through it
    return {
        appointment.id: int((appointment.ends_at - appointment.starts_at).total_seconds() // 60)
        for appointment in appointments
    }
