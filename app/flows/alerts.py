"""The daily alert sweep: every admission in treatment checked against the compliance rules.

Safe to run from cron more than once a day: an alert is raised once per occurrence."""

from sqlalchemy import select

from app.admissions.models import Admission
from app.attendance import alerts
from app.context import Context
from app.db import in_chunks
from app.flows import locks
from app.vocabulary import AdmissionStatus

IN_TREATMENT = (AdmissionStatus.approved, AdmissionStatus.active, AdmissionStatus.on_hold)


def sweep(ctx: Context) -> int:
    """Raise what is due for each admission in treatment; returns how many alerts were raised."""
    admission_ids = list(
        ctx.session.scalars(
            select(Admission.id)
            .where(*ctx.scope(Admission), Admission.status.in_(IN_TREATMENT))
            .order_by(Admission.id)
        )
    )
    raised = 0
    for part in in_chunks(admission_ids):
        admissions = locks.admissions(ctx, part)
        still = [a for a in admissions if a.status in IN_TREATMENT]  # some may have closed
        raised += len(alerts.raise_alerts(ctx, still))
    return raised
