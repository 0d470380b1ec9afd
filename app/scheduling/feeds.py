"""iCalendar (RFC 5545) feeds of appointments for a patient or a staff member.

Feeds leave the clinic: they sync to phones and shared calendars. So an event says when and
where, never what: the summary is always "IOP session", the location a room name or
"Telehealth", and no patient, diagnosis or kind of therapy appears (42 CFR Part 2: even the
word "family therapy" next to a name discloses treatment). Clients read the rest from the API.
"""

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Sequence

from icalendar import Calendar, Event

from app.context import AuditAction, Context
from app.patients.service import get_live_patient
from app.programs.models import Room, StaffMember
from app.scheduling.appointments import audit_schedule
from app.scheduling.models import Appointment
from app.vocabulary import AppointmentStatus

SUMMARY = "IOP session"
CALENDAR_NAME = "IOP sessions"
TELEHEALTH = "Telehealth"
# Past events stay in a feed this long; the future is always complete.
FEED_HISTORY = dt.timedelta(days=90)
# Calendar apps poll a subscription; an hour keeps changes timely without hammering the API.
REFRESH_INTERVAL = dt.timedelta(hours=1)
UID_NAMESPACE = uuid.UUID("1b6f0c3e-2d4a-5e8f-9a7b-6c5d4e3f2a10")


def patient_calendar(ctx: Context, patient_id: uuid.UUID) -> bytes:
    patient = get_live_patient(ctx, patient_id)
    audit_schedule(ctx, patient.id)
    appointments = _appointments(ctx, Appointment.patient_id == patient.id)
    ctx.audit(AuditAction.list, "appointment", [a.id for a in appointments], patient_id=patient.id)
    return _calendar(ctx, [(f"{a.id}@iop", [a]) for a in appointments])


def staff_calendar(ctx: Context, staff_id: uuid.UUID) -> bytes:
    """A staff member's sessions; a group's meeting is one event, however many attend."""
    staff = ctx.get(StaffMember, staff_id)
    appointments = _appointments(ctx, Appointment.staff_id == staff.id)
    ctx.audit_each(AuditAction.list, "appointment", [(a.id, a.patient_id) for a in appointments])
    meetings: dict[str, list[Appointment]] = defaultdict(list)
    for appointment in appointments:
        meetings[_meeting_uid(appointment)].append(appointment)
    return _calendar(ctx, list(meetings.items()))


def _appointments(ctx: Context, whose: object) -> list[Appointment]:
    return list(
        ctx.session.scalars(
            ctx.select(Appointment)
            .where(
                whose,  # type: ignore[arg-type]
                Appointment.starts_at >= ctx.now - FEED_HISTORY,
            )
            .order_by(Appointment.starts_at, Appointment.id)
        )
    )


def _meeting_uid(appointment: Appointment) -> str:
    """For the person leading it, the appointments of one group's or class's meeting are one
    event, named by what makes them one meeting; any other appointment is its own event."""
    if appointment.group_id is None and appointment.kind not in ("group", "education"):
        return f"{appointment.id}@iop"
    a = appointment
    key = "|".join(str(part) for part in (a.staff_id, a.group_id, a.kind, a.room_id, a.starts_at))
    return f"{uuid.uuid5(UID_NAMESPACE, key)}@iop"


def _calendar(ctx: Context, events: Sequence[tuple[str, list[Appointment]]]) -> bytes:
    """Each event: its UID and the appointments it shows (several for a group's meeting)."""
    room_ids = {a.room_id for _, event in events for a in event if a.room_id is not None}
    rooms = {
        room.id: room.name
        for room in ctx.session.scalars(ctx.select(Room).where(Room.id.in_(room_ids)))
    }
    calendar = Calendar()
    calendar.add("prodid", "-//IOP API//Scheduling//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", CALENDAR_NAME)
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH_INTERVAL)
    for uid, appointments in events:
        calendar.add_component(_event(uid, appointments, rooms))
    return bytes(calendar.to_ical())


def event_sequence(appointments: Sequence[Appointment]) -> int:
    """The event's SEQUENCE: it rises only when the event itself changes. A patient's event is
    one appointment. A group's meeting shows its time, place and whether it is still held: one
    member's cancellation leaves it as it was, the last one's cancels it."""
    held = [a.sequence for a in appointments if a.status != AppointmentStatus.cancelled]
    return max(held or [a.sequence for a in appointments])


def _event(uid: str, appointments: list[Appointment], rooms: dict[uuid.UUID, str]) -> Event:
    first = appointments[0]
    modified = max(a.updated_at for a in appointments)
    event = Event()
    event.add("uid", uid)
    # No METHOD in a published feed: DTSTAMP is when the event was last revised (RFC 5545).
    event.add("dtstamp", modified)
    event.add("last-modified", modified)
    event.add("created", min(a.created_at for a in appointments))
    event.add("sequence", event_sequence(appointments))
    event.add("dtstart", first.starts_at)
    event.add("dtend", first.ends_at)
    event.add("summary", SUMMARY)
    event.add("location", rooms.get(first.room_id, TELEHEALTH) if first.room_id else TELEHEALTH)
    cancelled = all(a.status == AppointmentStatus.cancelled for a in appointments)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    return event
