"""Engine, the request-scoped session, and the declarative base every table derives from."""

import sqlite3
import threading
import uuid
from collections import deque
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

import anyio
from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import DateTime, Engine, ForeignKey, MetaData, Uuid, create_engine, event, text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, declared_attr, mapped_column
from sqlalchemy.orm import sessionmaker as make_sessionmaker
from sqlalchemy.types import TypeDecorator
from uuid6 import uuid7

from app.config import Settings

T = TypeVar("T")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


# Ids per `IN (…)`: well under every database's bound-parameter limit (SQLite's 32,766).
IN_CHUNK = 1000


def in_chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    """`items` in slices of `IN_CHUNK`, one statement each, for lists of any length."""
    for start in range(0, len(items), IN_CHUNK):
        yield items[start : start + IN_CHUNK]


def new_id() -> uuid.UUID:
    """A UUIDv7: ordered by creation, so rows made in one instant of the request clock still
    list in the order they were made, and new keys land at the end of their indexes."""
    return uuid7()


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every database (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UtcDateTime, uuid.UUID: Uuid}  # noqa: RUF012


class Entity(Base):
    """A record with a UUID key, timestamps and a version for optimistic concurrency."""

    __abstract__ = True

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Every UPDATE checks and bumps it, so two clients editing the same record never
    # silently overwrite each other: the second gets a 409 (see app.errors).
    version: Mapped[int] = mapped_column(default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805
        return {"version_id_col": cls.__table__.c.version}


class OrganizationScoped(Entity):
    """A record owned by one organization (a clinic operator): the tenancy boundary."""

    __abstract__ = True

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organization.id", ondelete="RESTRICT"), index=True
    )


class OrganizationTally(Base):
    """A count of an organization's rows (by whatever else the subclass keys it), kept by
    triggers in the database as the rows change, never written by the service: a list's total
    read from a few rows instead of counted over every row, which grows with the table."""

    __abstract__ = True

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True
    )


class SoftDeletable:
    """A record that is never removed: deleting it stamps `deleted_at`, and it leaves every
    list and read (`Context.scope`) while staying in the database."""

    deleted_at: Mapped[datetime | None]

    @staticmethod
    def live_only() -> dict[str, Any]:
        """An index's options that keep it to the records not deleted, the only ones a scoped
        query reads: such a query then needs no look at the table to leave the others out."""
        live = text("deleted_at IS NULL")
        return {"sqlite_where": live, "postgresql_where": live}


@event.listens_for(Session, "before_flush")
def _stamp_with_request_clock(session: Session, _context: Any, _instances: Any) -> None:
    """Records take their timestamps from the request's clock (`Context` puts it in
    `session.info`), the same reading as audit events and every rule of the request; without
    one (migrations, scripts) the column defaults read the system clock."""
    now = session.info.get("now")
    if now is None:
        return
    for record in session.new:
        if isinstance(record, Entity):
            record.created_at = record.created_at or now
            record.updated_at = record.updated_at or now
    for record in session.dirty:
        if isinstance(record, Entity) and session.is_modified(record):
            record.updated_at = now


def create_db_engine(settings: Settings) -> Engine:
    if settings.is_sqlite:
        engine = create_engine(
            settings.database_url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_SECONDS},
        )
        _configure_sqlite(engine)
        return engine
    # No ping before each checkout (a second round trip per request): a connection the server
    # dropped fails its first statement instead, which invalidates the pool and answers 503
    # `database-unavailable` (app.errors), and the next request connects afresh. Recycling
    # keeps connections younger than any idle timeout between us and the server.
    return create_engine(
        settings.database_url, pool_size=settings.db_pool_size, pool_recycle=POOL_RECYCLE_SECONDS
    )


POOL_RECYCLE_SECONDS = 1800


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, open transactions (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
        cursor.close()

    # SQLite has one writer at a time, and a connection waiting for the lock polls for it
    # with sleeps of up to 100 ms: with 8 requests at once the lock sat idle between them and
    # throughput fell below one client's. Writers of this process queue on a lock of their own
    # instead, handed over the moment the holder's connection returns to the pool; SQLite's
    # busy timeout still orders this process against others.
    writer = FifoLock()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Nearly every request writes (at least its audit event), so take the write lock up
        # front: a deferred transaction that upgrades from read to write fails with
        # SQLITE_BUSY instead of waiting, and capacity checks would race. A transaction that
        # never runs a statement (a stateless evaluation, a cached key) never begins.
        if not connection.info.get(_HOLDS_WRITER):
            if not writer.acquire(timeout=SQLITE_BUSY_SECONDS):
                raise sqlite3.OperationalError("database is locked")
            connection.info[_HOLDS_WRITER] = True
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _release(connection.info)
            raise

    def _release(info: dict[str, Any]) -> None:
        if info.pop(_HOLDS_WRITER, False):
            writer.release()

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        # After the commit or rollback (the pool's reset), whichever thread returns it.
        _release(record.info)

    @event.listens_for(engine, "close")
    def _on_close(_dbapi_connection: Any, record: Any) -> None:
        _release(record.info)


SQLITE_BUSY_SECONDS = 30


class FifoLock:
    """A lock handed to its waiters in the order they came. `threading.Lock` lets a thread
    that asks just as it is released take it before those waiting, and under a steady stream
    of requests a background writer (the webhook worker) waited out its timeout."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._waiters: deque[threading.Lock] = deque()
        self._held = False

    def acquire(self, timeout: float) -> bool:
        with self._mutex:
            if not self._held:
                self._held = True
                return True
            waiter = threading.Lock()
            waiter.acquire()
            self._waiters.append(waiter)
        if waiter.acquire(timeout=timeout):
            return True  # handed over by `release`
        with self._mutex:
            if waiter in self._waiters:
                self._waiters.remove(waiter)
                return False
        return True  # handed over just as the wait timed out

    def release(self) -> None:
        with self._mutex:
            if self._waiters:
                self._waiters.popleft().release()  # still held: now by that waiter
            else:
                self._held = False


_HOLDS_WRITER = "iop_holds_writer_lock"


def create_sessionmaker(engine: Engine) -> make_sessionmaker[Session]:
    return make_sessionmaker(engine, expire_on_commit=False, autoflush=True)


@asynccontextmanager
async def request_session(request: Request) -> AsyncIterator[Session]:
    """The request's session, for its one dependency (`Context`, declared with
    `scope="function"` so that the commit happens before the response is sent: a failed
    commit becomes an error answer, never a 201 for data that was not stored). It runs on the
    event loop: the session's statements run where its caller runs them, and the commit or
    rollback goes to the thread pool only if a transaction began (a stateless evaluation
    never touches the database)."""
    session = request.app.state.sessionmaker()
    try:
        yield session
        if session.in_transaction():
            await run_in_threadpool(session.commit)
    except BaseException:
        # Shielded: a client that hangs up must not leave the transaction (or SQLite's write
        # lock) open.
        with anyio.CancelScope(shield=True):
            await run_in_threadpool(_roll_back_and_close, session)
        raise
    else:
        session.close()


def _roll_back_and_close(session: Session) -> None:
    try:
        session.rollback()
    finally:
        session.close()
