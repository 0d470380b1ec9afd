"""What a service needs to know about the request it serves, without any HTTP types."""

import uuid
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from fastapi import Depends, Request
from sqlalchemy import ColumnElement, Select, insert, select
from sqlalchemy.orm import DictBundle, Session

from app.audit.models import AuditChainHead, AuditEvent
from app.audit.trail import note_access
from app.db import OrganizationScoped, OrganizationTally, SoftDeletable, new_id, request_session
from app.errors import NotFound
from app.events.models import DomainEventRecord
from app.events.types import DomainEvent
from app.security import (
    BearerCredentials,
    Permission,
    Principal,
    authenticate,
    refuse_unless_granted,
)

T = TypeVar("T")
ScopedT = TypeVar("ScopedT", bound=OrganizationScoped)
OwnedT = TypeVar(
    "OwnedT", bound=OrganizationScoped | OrganizationTally | AuditEvent | AuditChainHead
)


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
    # The app's clock, which `now` was read from; without one (scripts, tests that build a
    # context by hand) the request is a single instant and `clock()` answers `now`.
    source: Callable[[], datetime] | None = None

    def __post_init__(self) -> None:
        self.session.info["now"] = self.now  # rows stamped with this clock (app.db)

    def clock(self) -> datetime:
        """The app's clock read again, never earlier than `now`: only for an instant that must
        follow the order of a row lock the request holds. `now` is read when the request
        starts, before it waits for any lock, so two requests that queue on one group can hold
        readings in the opposite order of the one in which they took its seats; a reading
        taken under the lock follows that order. Everything else (row stamps, audit and domain
        events, expiry) stays on `now`: one instant per request."""
        if self.source is None:
            return self.now
        return max(self.now, self.source())

    @property
    def organization_id(self) -> uuid.UUID:
        return self.principal.organization_id

    def scope(self, model: type[OwnedT]) -> tuple[ColumnElement[bool], ...]:
        """The rows of `model` this request may see: its organization's, and not deleted.

        The one place a query is scoped: every statement over a scoped table starts from
        `select` below or adds these criteria (a test refuses hand-written ones elsewhere)."""
        return _scope(model, self.organization_id)

    def select(self, model: type[OwnedT]) -> Select[OwnedT]:
        """`select(model)` of the rows this request may see."""
        return _select(model, self.organization_id)

    def select_rows(self, model: type[OwnedT]) -> Select[dict[str, Any]]:
        """The rows of `select(model)` as dicts of its table's columns, for a read that only
        shows them (`Schema.from_record` reads either). No ORM instance is built, kept in the
        session's identity map, then expired and checked for changes at commit: for a page of
        rows that costs more than the query."""
        return _select_rows(model, self.organization_id)

    def get(
        self, model: type[ScopedT], record_id: uuid.UUID, *, for_update: bool = False
    ) -> ScopedT:
        """Load a record of the caller's organization. Another organization's record, or a
        deleted one, answers 404 like a missing one, so ids reveal nothing across tenants.
        `for_update` locks the row until the request's transaction ends (and reloads it)."""
        statement = self.select(model).where(model.id == record_id)
        if for_update:
            statement = statement.with_for_update().execution_options(populate_existing=True)
        record = self.session.scalar(statement)
        if record is None:
            raise _not_found(model, record_id)
        return record

    def check_found(self, model: type[ScopedT], record_id: uuid.UUID) -> None:
        """`get`'s 404 without loading the record: for a request that only names it (a
        patient's appointments need the patient to be there, not its fields)."""
        found = self.session.scalar(
            select(model.id).where(*self.scope(model), model.id == record_id)
        )
        if found is None:
            raise _not_found(model, record_id)

    def audit(
        self,
        action: AuditAction,
        resource_type: str,
        resource_ids: uuid.UUID | Iterable[uuid.UUID],
        *,
        patient_id: uuid.UUID | None = None,
    ) -> None:
        """Note patient-data access for the request's audit event, written in the request's
        own transaction just before it commits (`app.audit.trail`): no change without its
        event, and no event for a change that was rolled back."""
        ids = [resource_ids] if isinstance(resource_ids, uuid.UUID) else resource_ids
        self.audit_each(action, resource_type, ((resource_id, patient_id) for resource_id in ids))

    def audit_each(
        self,
        action: AuditAction,
        resource_type: str,
        accessed: Iterable[tuple[uuid.UUID, uuid.UUID | None]],
    ) -> None:
        """`audit` of records of several patients at once: each record with its patient."""
        accesses = [
            (
                action.value,
                resource_type,
                str(resource_id),
                patient_id
                if patient_id is not None
                else (resource_id if resource_type == "patient" else None),
            )
            for resource_id, patient_id in accessed
        ]
        if not accesses:
            return
        note_access(
            self.session,
            organization_id=self.organization_id,
            api_key_id=self.principal.key_id,
            request_id=self.request_id,
            occurred_at=self.now,
            accesses=accesses,
        )

    def emit(self, *events: DomainEvent) -> None:
        """Store domain events in the request's transaction: each exists exactly when the
        change it describes was committed. Many at once take one statement."""
        if not events:
            return
        self.session.execute(
            insert(DomainEventRecord),
            [
                {
                    "id": new_id(),
                    "organization_id": self.organization_id,
                    "type": event.type.value,
                    "occurred_at": self.now,
                    "subject": {name: str(value) for name, value in event.subject.items()},
                    "patient_id": event.patient_id,
                    "api_key_id": self.principal.key_id,
                    "request_id": self.request_id,
                }
                for event in events
            ],
        )


def _not_found(model: type[Any], record_id: uuid.UUID) -> NotFound:
    label = model.__tablename__.replace("_", " ")
    return NotFound(f"No {label} with id {record_id} in your organization.")


# Statements are immutable and each change makes a copy, so one organization's scoped
# statements serve all of its requests: building them (the criteria's comparisons, the table's
# columns) cost as much as a short read's query. Forgotten all at once past a bound.
_STATEMENTS_KEPT = 4096
_statements: dict[tuple[str, type[Any], uuid.UUID], Any] = {}


def _kept(kind: str, model: type[Any], organization_id: uuid.UUID, build: Callable[[], T]) -> T:
    key = (kind, model, organization_id)
    found: T | None = _statements.get(key)
    if found is None:
        if len(_statements) >= _STATEMENTS_KEPT:
            _statements.clear()
        found = _statements[key] = build()
    return found


def _scope(model: type[Any], organization_id: uuid.UUID) -> tuple[ColumnElement[bool], ...]:
    def build() -> tuple[ColumnElement[bool], ...]:
        criteria = [model.organization_id == organization_id]
        if issubclass(model, SoftDeletable):
            criteria.append(model.deleted_at.is_(None))
        return tuple(criteria)

    return _kept("scope", model, organization_id, build)


def _select(model: type[Any], organization_id: uuid.UUID) -> Select[Any]:
    return _kept(
        "select", model, organization_id,
        lambda: select(model).where(*_scope(model, organization_id)),
    )  # fmt: skip


def _select_rows(model: type[Any], organization_id: uuid.UUID) -> Select[dict[str, Any]]:
    def build() -> Select[dict[str, Any]]:
        columns: DictBundle[dict[str, Any]] = DictBundle(
            model.__tablename__, *model.__table__.columns
        )
        return select(columns).where(*_scope(model, organization_id))

    return _kept("rows", model, organization_id, build)


def context_with(permission: Permission | None) -> Any:
    """Dependency: authenticate, check `permission` (None: any key will do), and hand the
    service its context.

    One dependency on the event loop for the whole request (`app.db.request_session`): a
    known key is checked without a query, and only work that waits on the database goes to
    the thread pool (a lookup, the commit), instead of a thread per step."""

    async def build(request: Request, credentials: BearerCredentials) -> AsyncIterator[Context]:
        async with request_session(request) as session:
            principal = await authenticate(request, session, credentials)
            if permission is not None:
                refuse_unless_granted(principal, permission)
            clock: Callable[[], datetime] = request.app.state.clock
            yield Context(
                session=session,
                principal=principal,
                request_id=getattr(request.state, "request_id", None),
                now=clock(),
                source=clock,
            )

    return Depends(build, scope="function")
