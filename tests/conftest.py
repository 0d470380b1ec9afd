"""Fixtures: one app and one migrated database per test session, each test inside a transaction
that is rolled back at its end, and real HTTP clients.

A test gets a clean database in one of two ways:

- By default (`app`, `client`, `clinic`, …) it runs on the session's app and database inside an
  outer transaction: every session the app opens, the request's included, joins it through a
  SAVEPOINT, so a request's commit is a RELEASE and its rollback a ROLLBACK TO SAVEPOINT, and
  everything is rolled back when the test ends. The two clinics and their keys are committed once
  for the session; whatever a test does to them is rolled back with the rest.
- A test marked `@pytest.mark.commits` (it opens connections, engines or processes of its own,
  which cannot see an open transaction) and a test that asks for `database_url` or `settings`
  get a database of their own where transactions really commit: a copy of the migrated template
  on SQLite, a second migrated database emptied after each test on PostgreSQL.
"""

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, exists, literal, select, text, union_all
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from app.audit.models import AuditChainHead, AuditEvent, AuditEventPatient
from app.config import Settings, get_settings
from app.logging import configure_logging
from app.main import create_app
from app.migrations import upgrade_to_head
from app.models import Base
from app.ratelimit import RateLimiter
from app.security import Role
from tests.databases import fresh_postgres_database, reachable_postgres_or_skip
from tests.factories import Clinic, make_clinic

# Their triggers refuse DELETE (and the chain head's refuses anything but advancing).
AUDIT_TABLES = {
    AuditEvent.__tablename__,
    AuditEventPatient.__tablename__,
    AuditChainHead.__tablename__,
}
TEST_KEY_SECRET = "test-secret-of-at-least-sixteen-chars"
CLINIC_NAME = "Riverbend Recovery"
OTHER_CLINIC_NAME = "Lakeside Behavioral Health"

# A shared, busy 2-core machine must not turn a slow example into a failure: no profile has a
# deadline, CI's included (Hypothesis loads its own `ci` profile when `CI` is set; ours replaces
# it and keeps its derandomized, database-free runs).
hypothesis_settings.register_profile("iop", deadline=None)
hypothesis_settings.register_profile(
    "ci", parent=hypothesis_settings.get_profile("iop"), derandomize=True, database=None
)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "iop")


def uses_postgres() -> bool:
    return os.environ.get("IOP_TEST_DATABASE", "sqlite") == "postgres"


def commits(request: pytest.FixtureRequest) -> bool:
    """Whether the test needs a database of its own where transactions really commit."""
    return request.node.get_closest_marker("commits") is not None


@dataclass
class FixedClock:
    """The one clock of the app under test: tests decide what "now" is."""

    now: datetime = field(default_factory=lambda: datetime(2026, 3, 2, 15, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now


def settings_for(database_url: str) -> Settings:
    return Settings(database_url=database_url, key_secret=TEST_KEY_SECRET, log_level="WARNING")


# Databases


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a database built by the real migrations that the session's app uses."""
    if uses_postgres():
        with fresh_postgres_database(reachable_postgres_or_skip()) as url:
            upgrade_to_head(url)
            yield url
        return
    directory = tmp_path_factory.mktemp("db")
    upgrade_to_head(f"sqlite:///{directory / 'template.db'}")
    shutil.copyfile(directory / "template.db", directory / "shared.db")
    yield f"sqlite:///{directory / 'shared.db'}"


@pytest.fixture(scope="session")
def committing_database(migrated_database: str) -> Iterator[str]:
    """Where tests that really commit do so: on SQLite the untouched template that each such
    test copies, on PostgreSQL a second migrated database that is emptied after each test."""
    if migrated_database.startswith("sqlite"):
        yield migrated_database.replace("/shared.db", "/template.db")
        return
    with fresh_postgres_database(reachable_postgres_or_skip()) as url:
        upgrade_to_head(url)
        yield url


@pytest.fixture
def database_url(committing_database: str, tmp_path: Path) -> Iterator[str]:
    """A clean database of the test's own whose transactions really commit: a copy of the
    template on SQLite, truncated tables on PostgreSQL (TRUNCATE, unlike DELETE, passes the
    audit trail's append-only trigger)."""
    if committing_database.startswith("sqlite"):
        copy = tmp_path / "test.db"
        shutil.copyfile(committing_database.removeprefix("sqlite:///"), copy)
        yield f"sqlite:///{copy}"
        return
    yield committing_database
    empty_written_tables(committing_database)


def empty_written_tables(url: str) -> None:
    """Empty the tables a test wrote to, children first. DELETE, not TRUNCATE, which would have
    to take every table that references the organization and costs half a second; only the audit
    trail, whose triggers refuse DELETE and which no other table references, is truncated (its
    tables in one statement, as they reference one another)."""
    tables = Base.metadata.sorted_tables
    written_query = union_all(
        *(select(literal(table.name)).where(exists().select_from(table)) for table in tables)
    )
    engine = create_engine(url)
    with engine.begin() as connection:
        written = set(connection.scalars(written_query))
        if written & AUDIT_TABLES:
            connection.execute(text(f"TRUNCATE {', '.join(sorted(AUDIT_TABLES))}"))
        for table in reversed(tables):
            if table.name in written and table.name not in AUDIT_TABLES:
                connection.execute(table.delete())
    engine.dispose()


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Settings for a database of the test's own (see `database_url`)."""
    return settings_for(database_url)


# The app


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture(scope="session")
def session_app(migrated_database: str) -> Iterator[FastAPI]:
    """The app every test shares, built once: building one costs more than most tests."""
    application = create_app(settings_for(migrated_database), clock=FixedClock())
    yield application
    application.state.engine.dispose()


@pytest.fixture(scope="session")
def event_loop_thread() -> Iterator[BlockingPortal]:
    """One event loop, in a thread of its own, for the requests of the session's clients, as a
    server has: a client without it starts a new loop and worker thread for every request."""
    with start_blocking_portal() as portal:
        yield portal


def on_loop(clinic: Clinic, portal: BlockingPortal) -> Clinic:
    for role in Role:
        clinic.as_role(role).portal = portal
    return clinic


@pytest.fixture(scope="session")
def session_clinics(
    session_app: FastAPI, event_loop_thread: BlockingPortal
) -> tuple[Clinic, Clinic]:
    """Two clinics with a key per role, committed before any test's transaction opens."""
    return (
        on_loop(make_clinic(session_app, name=CLINIC_NAME), event_loop_thread),
        on_loop(make_clinic(session_app, name=OTHER_CLINIC_NAME), event_loop_thread),
    )


@contextmanager
def rolled_back(app: FastAPI, clock: FixedClock) -> Iterator[FastAPI]:
    """The session's app, for one test: its sessions join a transaction rolled back at the end,
    its clock is the test's, and its rate limits, routes and logging are as they were built."""
    state = app.state
    engine_sessions: sessionmaker[Session] = state.sessionmaker
    routes = list(app.router.routes)
    configure_logging(state.settings.log_level)
    state.rate_limiter = RateLimiter(state.rate_limiter.rate, "memory://")  # fresh counts
    state.failed_auth_limiter = RateLimiter(state.failed_auth_limiter.rate, "memory://")
    with state.engine.connect() as connection:
        # On SQLite the engine's "begin" event makes this a BEGIN IMMEDIATE, as for a request.
        transaction = connection.begin()
        state.sessionmaker = sessionmaker(
            class_=engine_sessions.class_,
            **(
                engine_sessions.kw
                | {"bind": connection, "join_transaction_mode": "create_savepoint"}
            ),
        )
        state.clock = clock
        try:
            yield app
        finally:
            state.sessionmaker = engine_sessions
            transaction.rollback()
            if app.router.routes != routes:  # a test added a route of its own
                app.router.routes[:] = routes
                app.openapi_schema = None


@pytest.fixture
def app(
    request: pytest.FixtureRequest,
    session_app: FastAPI,
    session_clinics: tuple[Clinic, Clinic],
    clock: FixedClock,
) -> Iterator[FastAPI]:
    if commits(request):
        application = create_app(request.getfixturevalue("settings"), clock=clock)
        yield application
        application.state.engine.dispose()
        return
    with rolled_back(session_app, clock) as application:
        yield application


@pytest.fixture
def client(
    request: pytest.FixtureRequest, app: FastAPI, event_loop_thread: BlockingPortal
) -> TestClient:
    client = TestClient(app, raise_server_exceptions=False)
    if not commits(request):
        client.portal = event_loop_thread
    return client


@pytest.fixture
def clinic(
    request: pytest.FixtureRequest, app: FastAPI, session_clinics: tuple[Clinic, Clinic]
) -> Clinic:
    return make_clinic(app, name=CLINIC_NAME) if commits(request) else session_clinics[0]


@pytest.fixture
def other_clinic(
    request: pytest.FixtureRequest, app: FastAPI, session_clinics: tuple[Clinic, Clinic]
) -> Clinic:
    return make_clinic(app, name=OTHER_CLINIC_NAME) if commits(request) else session_clinics[1]


@pytest.fixture
def runner(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """The command line under test: `iop` on a database of the test's own."""
    monkeypatch.setenv("IOP_DATABASE_URL", database_url)
    monkeypatch.setenv("IOP_KEY_SECRET", "cli-test-secret-0123456789")
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()
