import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from app.audit import service
from app.audit.schemas import AuditEventRead
from app.context import Context, context_with
from app.pagination import PageDep, page_body
from app.schemas import Instant, Page
from app.security import Permission

router = APIRouter(tags=["audit"])

AuditReader = Annotated[Context, context_with(Permission.audit_read)]


@router.get("/audit-events", summary="Who read or changed which patient record, newest first")
def list_audit_events(
    ctx: AuditReader,
    page: PageDep,
    patient_id: uuid.UUID | None = None,
    resource_type: Annotated[str | None, Query(max_length=60, examples=["patient"])] = None,
    resource_id: Annotated[str | None, Query(max_length=64)] = None,
    api_key_id: uuid.UUID | None = None,
    action: Annotated[str | None, Query(max_length=40, examples=["read"])] = None,
    since: Annotated[Instant | None, Query(description="Inclusive lower bound.")] = None,
    until: Annotated[Instant | None, Query(description="Exclusive upper bound.")] = None,
) -> Page[AuditEventRead]:
    filters = service.AuditFilters(
        patient_id, resource_type, resource_id, api_key_id, action, since, until
    )
    events, total = service.list_events(ctx, filters, page)
    return Page[AuditEventRead].model_validate(page_body(events, total, page))
