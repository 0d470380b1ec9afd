"""What a service needs to know about the request it serves, without any HTTP types."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from fastapi import Depends, Request
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.db import OrganizationScoped, SessionDep
from app.errors import NotFound
from app.security import Permission, Principal, require

ScopedT = TypeVar("ScopedT", bound=OrganizationScoped)


class AuditAction(StrEnum):
    read = "read"
    list = "list"
    create = "create"
    update = "update"
    delete = "delete"
    transition = "transition"


@dataclass(frozen=True)
class Context:
    session: Session
    principal: Principal
    request_id: str | None
    now: datetime

    @property
    def organization_id(self) -> uuid.UUID:
        return self.principal.organization_id

    def get(
        self, model: type[ScopedT], record_id: uuid.UUID, *, for_update: bool = False
    ) -> ScopedT:
        """Load a record of the caller's organization. Another organization's record answers
        404 like a missing one, so ids reveal nothing across tenants. `for_update` locks the
        row until the request's transaction ends."""
        statement = select(model).where(
            model.id == record_id, model.organization_id == self.organization_id
        )
        record = self.session.scalar(statement.with_for_update() if for_update else statement)
        if record is None:
            label = model.__tablename__.replace("_", " ")
            raise NotFound(f"No {label} with id {record_id} in your organization.")
        return record

    def audit(
        self,
        action: AuditAction,
        resource_type: str,
        resource_ids: uuid.UUID | Iterable[uuid.UUID],
        *,
        patient_id: uuid.UUID | None = None,
    ) -> None:
        """Record patient-data access in the request's own transaction: no change without its
        audit event, and no audit event for a change that was rolled back."""
        ids = [resource_ids] if isinstance(resource_ids, uuid.UUID) else list(resource_ids)
        if not ids:
            return
        self.session.execute(
            insert(AuditEvent),
            [
                {
                    "id": uuid.uuid4(),
                    "organization_id": self.organization_id,
                    "occurred_at": self.now,
                    "api_key_id": self.principal.key_id,
                    "action": action.value,
                    "resource_type": resource_type,
                    "resource_id": str(resource_id),
                    "patient_id": patient_id
                    if patient_id is not None
                    else (resource_id if resource_type == "patient" else None),
                    "request_id": self.request_id,
                }
                for resource_id in ids
            ],
        )


def context_with(permission: Permission) -> Any:
    """Dependency: authenticate, check `permission`, and hand the service its context."""

    def build(
        request: Request, session: SessionDep, principal: Principal = require(permission)
    ) -> Context:
        return Context(
            session=session,
            principal=principal,
            request_id=getattr(request.state, "request_id", None),
            now=request.app.state.clock(),
        )

    return Depends(build)
