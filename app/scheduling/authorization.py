"""The authorization a plan books against: its terms, and the treatment days already used."""

import datetime as dt
import uuid
from dataclasses import replace

from sqlalchemy import select

from app.admissions.authorizations import terms_in_force
from app.admissions.models import Admission
from app.context import Context
from app.scheduling.models import Appointment
from app.scheduling.rules.authorization import (
    AuthorizationCheck,
    AuthorizationTerms,
    check_authorization,
)
from app.scheduling.rules.calendar import Materialized
from app.vocabulary import AppointmentStatus

# Days that took an authorized day: held or attended. A cancellation or a no-show is not
# treatment the payer pays for.
USED = (AppointmentStatus.booked, AppointmentStatus.fulfilled)


def terms_of(ctx: Context, admission: Admission) -> AuthorizationTerms | None:
    """The authorization in force (the payer's latest approval, else the one given at
    approval), as the booking rules take it."""
    terms = terms_in_force(ctx, admission)
    if terms is None:
        return None
    return AuthorizationTerms(terms.authorized_days, terms.starts_on, terms.ends_on)


def used_treatment_days(ctx: Context, admission_id: uuid.UUID) -> set[dt.date]:
    """Local dates of the admission's appointments that have started: a plan change never
    touches them, so they keep their authorized days."""
    return set(
        ctx.session.scalars(
            select(Appointment.local_date)
            .where(
                *ctx.scope(Appointment),
                Appointment.admission_id == admission_id,
                Appointment.starts_at <= ctx.now,
                Appointment.status.in_(USED),
            )
            .distinct()
        )
    )


def within_authorization(
    ctx: Context,
    admission_id: uuid.UUID | None,
    terms: AuthorizationTerms | None,
    planned: Materialized,
    book_beyond: bool,
) -> tuple[Materialized, AuthorizationCheck]:
    """What to book: the appointments the authorization covers, and the others only when the
    plan says to book beyond it."""
    used = used_treatment_days(ctx, admission_id) if admission_id and terms else set()
    check = check_authorization(planned.appointments, used, terms)
    if book_beyond or not check.beyond:
        return planned, check
    return replace(planned, appointments=check.within), check
