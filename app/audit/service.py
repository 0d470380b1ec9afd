"""Reading and verifying the audit trail. Writing it is `app.audit.trail`, at each commit."""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, exists, func, select, type_coerce
from sqlalchemy.dialects.postgresql import JSONB

from app.audit.chain import ChainVerification, Link, canonical_form, verify_links
from app.audit.models import AuditChainHead, AuditEvent, AuditEventPatient
from app.audit.schemas import AuditVerificationRead, BrokenLinkRead
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
    """Events newest first. Filters on records (patient, resource type and id, action) keep
    the events with one access that matches them all."""
    statement = ctx.select(AuditEvent)
    if filters.patient_id is not None:
        statement = statement.where(
            AuditEvent.id.in_(
                select(AuditEventPatient.event_id).where(
                    AuditEventPatient.patient_id == filters.patient_id
                )
            )
        )
    access = {
        name: value
        for name, value in (
            ("action", filters.action),
            ("resource_type", filters.resource_type),
            ("resource_id", filters.resource_id),
        )
        if value is not None
    }
    if access:
        if filters.patient_id is not None:
            access["patient_id"] = str(filters.patient_id)
        statement = statement.where(_has_access(ctx, access))
    if filters.api_key_id is not None:
        statement = statement.where(AuditEvent.api_key_id == filters.api_key_id)
    if filters.since is not None:
        statement = statement.where(AuditEvent.occurred_at >= filters.since)
    if filters.until is not None:
        statement = statement.where(AuditEvent.occurred_at < filters.until)
    statement = statement.order_by(AuditEvent.occurred_at.desc(), AuditEvent.sequence.desc())
    return fetch_page(ctx.session, statement, params)


def _has_access(ctx: Context, access: dict[str, str]) -> ColumnElement[bool]:
    if ctx.session.get_bind().dialect.name == "postgresql":
        return type_coerce(AuditEvent.accesses, JSONB).contains([access])
    each = func.json_each(AuditEvent.accesses).table_valued("value")
    return exists(
        select(1)
        .select_from(each)
        .where(
            *(
                func.json_extract(each.c.value, f"$.{name}") == value
                for name, value in access.items()
            )
        )
    )


def verify_chain(ctx: Context) -> AuditVerificationRead:
    """Recompute the organization's chain from its first event to its head."""
    head = ctx.session.execute(
        select(AuditChainHead.sequence, AuditChainHead.hash).where(*ctx.scope(AuditChainHead))
    ).first()
    verification = verify_links(
        _links(ctx), None if head is None else head.sequence, None if head is None else head.hash
    )
    return _read(verification)


def _links(ctx: Context) -> Iterator[Link]:
    statement = ctx.select(AuditEvent).order_by(AuditEvent.sequence)
    for event in ctx.session.scalars(statement.execution_options(yield_per=500)):
        yield Link(
            event_id=event.id,
            sequence=event.sequence,
            hash=event.hash,
            canonical=canonical_form(
                event_id=event.id,
                organization_id=event.organization_id,
                occurred_at=event.occurred_at,
                api_key_id=event.api_key_id,
                request_id=event.request_id,
                accesses=event.accesses,
            ),
        )


def _read(verification: ChainVerification) -> AuditVerificationRead:
    broken = verification.broken
    return AuditVerificationRead(
        status="intact" if broken is None else "broken",
        event_count=verification.event_count,
        broken_link=None
        if broken is None
        else BrokenLinkRead(
            sequence=broken.sequence,
            event_id=broken.event_id,
            reason=broken.reason,
            expected=broken.expected,
            found=broken.found,
        ),
    )
