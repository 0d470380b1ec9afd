import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from app.audit import service
from app.audit.schemas import AuditEventRead, AuditVerificationRead
from app.context import Context, context_with
from app.pagination import PageDep, page_body
from app.schemas import Instant, Page
from app.security import Permission

router = APIRouter(tags=["audit"])

AuditReader = Annotated[Context, context_with(Permission.audit_read)]


@router.get(
    "/audit-events",
    summary="Who read or changed which patient records, one event per request, newest first",
)
def list_audit_events(
    ctx: AuditReader,
    page: PageDep,
    patient_id: Annotated[
        uuid.UUID | None, Query(description="Events that touched this patient's records.")
    ] = None,
    resource_type: Annotated[str | None, Query(max_length=60, examples=["patient"])] = None,
    resource_id: Annotated[str | None, Query(max_length=64)] = None,
    api_key_id: uuid.UUID | None = None,
    action: Annotated[str | None, Query(max_length=40, examples=["read"])] = None,
    since: Annotated[Instant | None, Query(description="Inclusive lower bound.")] = None,
    until: Annotated[Instant | None, Query(description="Exclusive upper bound.")] = None,
) -> Page[AuditEventRead]:
    """Who read or changed which patient records, one event per request, newest first.

    An event lists every record its request touched; `resource_type`, `resource_id` and
    `action` (with `patient_id`, when given too) select the events with one access matching
    them all."""
    filters = service.AuditFilters(
        patient_id, resource_type, resource_id, api_key_id, action, since, until
    )
    events, total = service.list_events(ctx, filters, page)
    return Page[AuditEventRead].model_validate(page_body(events, total, page))


@router.get(
    "/audit-events/verification",
    summary="Check the organization's audit chain: intact, or its first broken link",
)
def verify_audit_events(ctx: AuditReader) -> AuditVerificationRead:
    """Recompute every event's hash from the first to the chain's head: an edited event, a
    missing one or one removed from the end is reported with its sequence."""
    return service.verify_chain(ctx)
