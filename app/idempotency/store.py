"""Reserving, answering and releasing idempotency keys, each in a short transaction of its own,
and marking one committed inside the transaction of the change it guards."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app.access.models import ApiKey
from app.audit.trail import note_access, pending_accesses
from app.db import new_id
from app.errors import Conflict, DomainError
from app.idempotency.models import IdempotencyRecord
from app.security import hash_api_key

RUNNING, COMMITTED, COMPLETED = "running", "committed", "completed"


class IdempotencyKeyReused(DomainError):
    status, slug, title = 422, "idempotency-key-reused", "The key was used for another request"


class IdempotencyKeyInUse(Conflict):
    slug, title = "idempotency-key-in-use", "A request with this key is still being carried out"


class IdempotencyAnswerLost(Conflict):
    slug, title = "idempotency-answer-lost", "Carried out, but its answer was not kept"


@dataclass(frozen=True)
class Reservation:
    """The lock of one attempt on a key: only this attempt may commit under it."""

    record_id: uuid.UUID
    attempt: uuid.UUID


@dataclass(frozen=True)
class StoredAnswer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    audited: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class KeyTerms:
    """How long a key is kept and how long a running request holds it (settings)."""

    retention: timedelta
    lock: timedelta


def api_key_id(session: Session, bearer: str, secret: str) -> uuid.UUID | None:
    """The key the request authenticates with, or None (the route then answers 401 itself)."""
    key_hash = hash_api_key(bearer, secret)
    statement = select(ApiKey.id).where(ApiKey.key_hash == key_hash, ApiKey.revoked_at.is_(None))
    return session.scalar(statement)


def reserve(
    sessions: sessionmaker[Session],
    key_id: uuid.UUID,
    key: str,
    fingerprint: str,
    now: datetime,
    terms: KeyTerms,
) -> Reservation | StoredAnswer:
    """Take the key for this request, or answer what a retry gets: the stored answer, or a
    422 (another request), a 409 (still running) or a 409 (carried out, answer lost)."""
    for _ in range(3):
        try:
            with sessions.begin() as session:
                return _reserve(session, key_id, key, fingerprint, now, terms)
        except IntegrityError:
            continue  # another request inserted the same key at the same moment: read it
    raise IdempotencyKeyInUse("Another request with this key is starting; retry.", retry_after=1)


def _reserve(
    session: Session,
    key_id: uuid.UUID,
    key: str,
    fingerprint: str,
    now: datetime,
    terms: KeyTerms,
) -> Reservation | StoredAnswer:
    record = session.scalar(
        select(IdempotencyRecord)
        .where(IdempotencyRecord.api_key_id == key_id, IdempotencyRecord.idempotency_key == key)
        .with_for_update()
    )
    attempt = new_id()
    if record is not None and record.expires_at <= now and record.locked_until <= now:
        session.delete(record)
        session.flush()
        record = None
    if record is None:
        record = IdempotencyRecord(
            api_key_id=key_id,
            idempotency_key=key,
            fingerprint=fingerprint,
            status=RUNNING,
            attempt=attempt,
            locked_until=now + terms.lock,
            created_at=now,
            expires_at=now + terms.retention,
        )
        session.add(record)
        session.flush()
        return Reservation(record.id, attempt)
    if record.fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was sent with another request (method, path or body); "
            "use a new key for a new request."
        )
    if record.status == COMPLETED:
        headers = [(name, value) for name, value in record.response_headers or []]
        return StoredAnswer(
            record.response_status or 200,
            headers,
            record.response_body or b"",
            record.audited or [],
        )
    if record.status == COMMITTED and record.locked_until <= now:
        # Committed, and its request never kept the answer (its server died, or the database
        # went away right after the commit): the change exists, so it is not made again.
        raise IdempotencyAnswerLost(
            "The request with this Idempotency-Key was carried out, but its answer could not "
            "be kept; read the resource it changed."
        )
    if record.locked_until > now:  # running, or committed with its answer about to be kept
        seconds = max(1, int((record.locked_until - now).total_seconds() + 0.999))
        raise IdempotencyKeyInUse(
            "The first request with this Idempotency-Key is still being carried out; retry "
            "when it has answered.",
            retry_after=min(seconds, 5),
        )
    # The attempt that held the key stopped without committing (its lock ran out): take over.
    record.attempt, record.locked_until = attempt, now + terms.lock
    return Reservation(record.id, attempt)


def mark_committed(
    session: Session, reservation: Reservation, key_id: uuid.UUID, request_id: str | None
) -> bool:
    """In the change's own transaction: the key is spent exactly when the change commits, with
    the records its audit events name. False when this attempt lost its lock to a retry, which
    then carries the change out."""
    audited = [
        [str(organization_id), resource_type, resource_id, _text(patient_id)]
        for organization_id, (_action, resource_type, resource_id, patient_id) in pending_accesses(
            session
        )
    ]
    result = session.execute(
        update(IdempotencyRecord)
        .where(
            IdempotencyRecord.id == reservation.record_id,
            IdempotencyRecord.attempt == reservation.attempt,
            IdempotencyRecord.status == RUNNING,
        )
        .values(status=COMMITTED, audited=audited)
    )
    return bool(getattr(result, "rowcount", 0))


def audit_replay(
    sessions: sessionmaker[Session],
    key_id: uuid.UUID,
    request_id: str | None,
    now: datetime,
    answer: StoredAnswer,
) -> None:
    """A replayed answer shows patient data again: a read of each record, like any read."""
    if not answer.audited:
        return
    with sessions.begin() as session:
        for organization_id, resource_type, resource_id, patient_id in answer.audited:
            note_access(
                session,
                organization_id=uuid.UUID(organization_id),
                api_key_id=key_id,
                request_id=request_id,
                occurred_at=now,
                accesses=[
                    (
                        "read",
                        resource_type,
                        resource_id,
                        uuid.UUID(patient_id) if patient_id else None,
                    )
                ],
            )


def _text(value: uuid.UUID | None) -> str | None:
    return None if value is None else str(value)


def keep_answer(
    sessions: sessionmaker[Session], reservation: Reservation, answer: StoredAnswer
) -> None:
    with sessions.begin() as session:
        session.execute(
            update(IdempotencyRecord)
            .where(
                IdempotencyRecord.id == reservation.record_id,
                IdempotencyRecord.attempt == reservation.attempt,
            )
            .values(
                status=COMPLETED,
                response_status=answer.status,
                response_headers=[list(header) for header in answer.headers],
                response_body=answer.body,
            )
        )


def release(sessions: sessionmaker[Session], reservation: Reservation) -> None:
    """Forget a key whose request changed nothing (an error): the client may send it again."""
    with sessions.begin() as session:
        session.execute(
            delete(IdempotencyRecord).where(
                IdempotencyRecord.id == reservation.record_id,
                IdempotencyRecord.attempt == reservation.attempt,
                IdempotencyRecord.status == RUNNING,
            )
        )


def purge_expired(session: Session, now: datetime) -> int:
    """Drop the keys past their retention (the daily sweep); a running one keeps its lock."""
    result: Any = session.execute(
        delete(IdempotencyRecord).where(
            IdempotencyRecord.expires_at <= now, IdempotencyRecord.locked_until <= now
        )
    )
    return int(result.rowcount or 0)
