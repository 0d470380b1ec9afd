"""Writing the audit trail: one event per transaction and caller, just before the commit.

`Context.audit` only notes each access in the session (`note_access`); the `before_commit`
listener below turns what a transaction noted into one `audit_event` row naming every record,
one `audit_event_patient` row per patient, and the next link of the organization's hash chain.
A transaction that noted nothing writes nothing, and one rolled back leaves nothing, as before.

The chain head is updated by the last statement before the commit, so concurrent requests of an
organization queue on its row only for the length of a commit. On PostgreSQL the head update,
the event and its patients are one statement that computes the link's hash in SQL (`sha256()`,
PostgreSQL 11 and later); on SQLite the database's single writer already serializes them."""

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Uuid, bindparam, event, insert, text
from sqlalchemy.orm import Session, SessionTransaction

from app.audit.chain import GENESIS_HASH, canonical_form, link_hash
from app.audit.models import AuditEvent, AuditEventPatient
from app.db import new_id

_TRAIL = "audit_trail"  # the key of the session's pending accesses in `session.info`

Access = tuple[str, str, str, uuid.UUID | None]  # action, resource type and id, patient


@dataclass
class PendingEvent:
    organization_id: uuid.UUID
    api_key_id: uuid.UUID | None
    request_id: str | None
    occurred_at: datetime
    # An ordered set: reading the same record twice in one request is one access.
    accesses: dict[Access, None] = field(default_factory=dict)

    def access_list(self) -> list[dict[str, Any]]:
        return [
            {
                "action": a,
                "resource_type": t,
                "resource_id": r,
                "patient_id": None if p is None else str(p),
            }
            for a, t, r, p in self.accesses
        ]

    def patient_ids(self) -> list[uuid.UUID]:
        return list(dict.fromkeys(p for *_, p in self.accesses if p is not None))


def note_access(
    session: Session,
    *,
    organization_id: uuid.UUID,
    api_key_id: uuid.UUID | None,
    request_id: str | None,
    occurred_at: datetime,
    accesses: list[Access],
) -> None:
    """Remember accesses until the transaction commits; one event per caller and request."""
    if not session.in_transaction():
        # Noting touches no table: begin (no connection yet) so that a rollback forgets it.
        session.begin()
    pending: dict[tuple[uuid.UUID, uuid.UUID | None, str | None], PendingEvent]
    pending = session.info.setdefault(_TRAIL, {})
    caller = (organization_id, api_key_id, request_id)
    if caller not in pending:
        pending[caller] = PendingEvent(organization_id, api_key_id, request_id, occurred_at)
    pending[caller].accesses.update(dict.fromkeys(accesses))


@event.listens_for(Session, "before_commit")
def _write_audit_events(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint released inside the request: its event comes with the commit
    # Read, not taken: other `before_commit` work of the transaction may still ask what it
    # audited (`pending_accesses`); the end of the transaction forgets it below.
    pending = session.info.get(_TRAIL)
    if not pending:
        return
    session.flush()  # the changes first: the chain head is the last thing the commit waits on
    # Heads in organization order, should one transaction ever audit for several.
    for noted in sorted(pending.values(), key=lambda noted: noted.organization_id):
        if session.get_bind().dialect.name == "postgresql":
            _append_on_postgresql(session, noted)
        else:
            _append_on_sqlite(session, noted)


def pending_accesses(session: Session) -> list[tuple[uuid.UUID, Access]]:
    """What the session's transaction has noted so far, with each access's organization."""
    pending: dict[Any, PendingEvent] = session.info.get(_TRAIL, {})
    return [
        (noted.organization_id, access) for noted in pending.values() for access in noted.accesses
    ]


@event.listens_for(Session, "after_transaction_end")
def _forget_what_was_not_committed(session: Session, transaction: SessionTransaction) -> None:
    # A rollback or a close forgets what the transaction noted; a savepoint rolled back inside
    # it does not: what it read was read.
    if transaction.parent is None:
        session.info.pop(_TRAIL, None)


def _canonical(noted: PendingEvent, event_id: uuid.UUID) -> str:
    return canonical_form(
        event_id=event_id,
        organization_id=noted.organization_id,
        occurred_at=noted.occurred_at,
        api_key_id=noted.api_key_id,
        request_id=noted.request_id,
        accesses=noted.access_list(),
    )


_ORGANIZATION = bindparam("organization_id", type_=Uuid())

_CREATE_HEAD = text(
    "INSERT INTO audit_chain_head (organization_id, sequence, hash)"
    " VALUES (:organization_id, 0, :genesis) ON CONFLICT (organization_id) DO NOTHING"
).bindparams(_ORGANIZATION, genesis=GENESIS_HASH)

# sha256(previous hash || "\n" || sequence || "\n" || canonical form), as `chain.link_hash`.
_APPEND_ON_POSTGRESQL = text("""
WITH head AS (
    UPDATE audit_chain_head
    SET sequence = sequence + 1,
        hash = encode(sha256(convert_to(
            hash || chr(10) || CAST(sequence + 1 AS text) || chr(10) || :canonical, 'UTF8'
        )), 'hex')
    WHERE organization_id = :organization_id
    RETURNING sequence, hash
), appended AS (
    INSERT INTO audit_event
        (id, organization_id, sequence, occurred_at, api_key_id, request_id, accesses, hash)
    SELECT :event_id, :organization_id, head.sequence, :occurred_at, :api_key_id, :request_id,
        CAST(:accesses AS jsonb), head.hash
    FROM head
    RETURNING id
), patients AS (
    INSERT INTO audit_event_patient (patient_id, event_id)
    SELECT patient.id, appended.id
    FROM appended, unnest(CAST(:patient_ids AS uuid[])) AS patient (id)
)
SELECT sequence FROM head
""")


def append_parameters(noted: PendingEvent, event_id: uuid.UUID) -> dict[str, Any]:
    """The bound values of `_APPEND_ON_POSTGRESQL` for the event `noted` (the benchmarks that
    run the statement on the driver alone bind the same)."""
    return {
        "event_id": event_id,
        "organization_id": noted.organization_id,
        "occurred_at": noted.occurred_at,
        "api_key_id": noted.api_key_id,
        "request_id": noted.request_id,
        "accesses": json.dumps(noted.access_list()),
        "patient_ids": noted.patient_ids(),
        "canonical": _canonical(noted, event_id),
    }


def _append_on_postgresql(session: Session, noted: PendingEvent) -> None:
    parameters = append_parameters(noted, new_id())
    if session.execute(_APPEND_ON_POSTGRESQL, parameters).first() is None:
        # The organization's first event: start its chain, then append.
        session.execute(_CREATE_HEAD, {"organization_id": noted.organization_id})
        session.execute(_APPEND_ON_POSTGRESQL, parameters).one()


_EVENT_TABLE = AuditEvent.metadata.tables[AuditEvent.__tablename__]
_PATIENT_TABLE = AuditEventPatient.metadata.tables[AuditEventPatient.__tablename__]

_ADVANCE_HEAD = text(
    "UPDATE audit_chain_head SET sequence = sequence + 1"
    " WHERE organization_id = :organization_id RETURNING sequence, hash"
).bindparams(_ORGANIZATION)
_SET_HEAD_HASH = text(
    "UPDATE audit_chain_head SET hash = :hash WHERE organization_id = :organization_id"
).bindparams(_ORGANIZATION)


def _append_on_sqlite(session: Session, noted: PendingEvent) -> None:
    # Advancing the head first takes SQLite's write lock even in a deferred transaction, so
    # no other writer reads the same head before this one commits.
    head = session.execute(_ADVANCE_HEAD, {"organization_id": noted.organization_id}).first()
    if head is None:
        session.execute(_CREATE_HEAD, {"organization_id": noted.organization_id})
        head = session.execute(_ADVANCE_HEAD, {"organization_id": noted.organization_id}).one()
    sequence, previous_hash = head
    event_id = new_id()
    hash_ = link_hash(previous_hash, sequence, _canonical(noted, event_id))
    # Core inserts on the session's connection: the ORM's bulk machinery costs more than the
    # rows themselves here.
    connection = session.connection()
    connection.execute(
        insert(_EVENT_TABLE),
        [{
            "id": event_id, "organization_id": noted.organization_id, "sequence": sequence,
            "occurred_at": noted.occurred_at, "api_key_id": noted.api_key_id,
            "request_id": noted.request_id, "accesses": noted.access_list(), "hash": hash_,
        }],
    )  # fmt: skip
    patient_ids = noted.patient_ids()
    if patient_ids:
        connection.execute(
            insert(_PATIENT_TABLE),
            [{"patient_id": patient_id, "event_id": event_id} for patient_id in patient_ids],
        )
    connection.execute(_SET_HEAD_HASH, {"organization_id": noted.organization_id, "hash": hash_})
