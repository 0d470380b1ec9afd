"""Whether the sessions of a closed day may move to another date of its week: the program is
open at their time, and their staff, room and patient are free then, by what is booked on that
date (in absolute time) and by the meetings of open groups."""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, or_, select

from app.context import Context
from app.groups.models import TherapyGroup
from app.programs.settings import ProgramSettings
from app.scheduling.appointments import as_session
from app.scheduling.models import Appointment
from app.scheduling.references import References
from app.scheduling.rule_inputs import (
    Meeting,
    Subject,
    assemble_context,
    group_meetings,
    meeting_key,
    operating_hours,
)
from app.scheduling.rules.calendar import MakeUpCheck
from app.scheduling.rules.plan import PlanSession
from app.scheduling.rules.validation import conflicts
from app.vocabulary import AppointmentStatus, Weekday


def make_up_check(
    ctx: Context,
    subject: Subject,
    references: References,
    settings: ProgramSettings,
    dates: tuple[dt.date, dt.date],
) -> MakeUpCheck:
    hours = operating_hours(subject.program)
    weekly = list(group_meetings(ctx, subject, references, dates))
    booked = _booked_by_date(ctx, subject, references, dates)

    def can_move(day: dt.date, sessions: Sequence[PlanSession]) -> bool:
        weekday = Weekday.of(day)
        meetings = [m for m in weekly if m[1].weekday is weekday] + booked.get(day, [])
        context = assemble_context(
            subject, sessions, references, meetings, settings, hours=hours, weeks=1
        )
        return not conflicts(sessions, context, settings)

    return can_move


def _booked_by_date(
    ctx: Context, subject: Subject, references: References, dates: tuple[dt.date, dt.date]
) -> dict[dt.date, list[Meeting]]:
    """Other admissions' bookings in the plan's dates that share its staff, rooms or patient,
    by local date of the plan's program: a therapist's hour in another time zone is the
    same instant."""
    shares: list[ColumnElement[bool]] = [
        Appointment.staff_id.in_(set(references.staff)),
        Appointment.room_id.in_(set(references.rooms)),
    ]
    if subject.patient_id is not None:
        shares.append(Appointment.patient_id == subject.patient_id)
    first, last = dates
    statement = (
        select(Appointment, TherapyGroup.max_size)
        .outerjoin(TherapyGroup, TherapyGroup.id == Appointment.group_id)
        .where(
            *ctx.scope(Appointment),
            Appointment.status == AppointmentStatus.booked,
            # A day either side: the other program's local date may differ from ours.
            Appointment.local_date >= first - dt.timedelta(days=1),
            Appointment.local_date <= last + dt.timedelta(days=1),
            Appointment.starts_at > ctx.now,
            or_(*shares),
        )
    )
    if subject.admission_id is not None:  # its own bookings are re-made by this plan
        statement = statement.where(Appointment.admission_id != subject.admission_id)
    zone = ZoneInfo(subject.program.time_zone)
    booked: dict[dt.date, list[Meeting]] = defaultdict(list)
    for other, group_seats in ctx.session.execute(statement):
        local = other.starts_at.astimezone(zone)
        session = replace(as_session(other, local, Weekday.of(local.date())), seats=group_seats)
        key = meeting_key(session) or ("appointment", other.id)
        label = f"another appointment at {local:%H:%M} on {local.date()}"
        booked[local.date()].append((key, session, other.patient_id, label))
    return booked
