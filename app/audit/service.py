"""Reading the audit trail. Writing it is `Context.audit`, in each request's transaction."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from app.audit.models import AuditEvent
from app.context import Context
from app.pagination import PageParams, fetch_page


@dataclass(frozen=True)
class AuditFilters:
    patient_id: uuid.UUID | None = None
    resource_type: str | None = None
    resource_id: str | None = None
    api_key_id: uuid.UUID | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def list_events(
    ctx: Context, filters: AuditFilters, params: PageParams
) -> tuple[list[AuditEvent], int]:
    statement = ctx.select(AuditEvent)
    equal_to = {
        AuditEvent.patient_id: filters.patient_id,
        AuditEvent.resource_type: filters.resource_type,
        AuditEvent.resource_id: filters.resource_id,
        AuditEvent.api_key_id: filters.api_key_id,
        AuditEvent.action: filters.action,
    }
    for column, value in equal_to.items():
        if value is not None:
            statement = statement.where(column == value)
    if filters.since is not None:
        statement = statement.where(AuditEvent.occurred_at >= filters.since)
    if filters.until is not None:
        statement = statement.where(AuditEvent.occurred_at < filters.until)
    statement = statement.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id)
    return fetch_page(ctx.session, statement, params)
