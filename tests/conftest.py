"""Fixtures: a migrated database per test session, a clean slate per test, real HTTP clients."""

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from app.config import Settings
from app.main import create_app
from app.migrations import upgrade_to_head
from app.models import Base
from tests.databases import fresh_postgres_database, reachable_postgres_or_skip
from tests.factories import Clinic, make_clinic

TEST_KEY_SECRET = "test-secret-of-at-least-sixteen-chars"


def uses_postgres() -> bool:
    return os.environ.get("IOP_TEST_DATABASE", "sqlite") == "postgres"


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a database built by the real migrations, shared by the session."""
    if uses_postgres():
        server = reachable_postgres_or_skip()
        with fresh_postgres_database(server) as url:
            upgrade_to_head(url)
            yield url
        return
    template = tmp_path_factory.mktemp("db") / "template.db"
    upgrade_to_head(f"sqlite:///{template}")
    yield f"sqlite:///{template}"


@pytest.fixture
def database_url(migrated_database: str, tmp_path: Path) -> Iterator[str]:
    """A clean database for one test: a copy of the template on SQLite, truncated tables on
    PostgreSQL (TRUNCATE, unlike DELETE, passes the audit trail's append-only trigger)."""
    if migrated_database.startswith("sqlite"):
        copy = tmp_path / "test.db"
        shutil.copyfile(migrated_database.removeprefix("sqlite:///"), copy)
        yield f"sqlite:///{copy}"
        return
    yield migrated_database
    engine = create_engine(migrated_database)
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} CASCADE"))
    engine.dispose()


@dataclass
class FixedClock:
    """The one clock of the app under test: tests decide what "now" is."""

    now: datetime = field(default_factory=lambda: datetime(2026, 3, 2, 15, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, key_secret=TEST_KEY_SECRET, log_level="WARNING")


@pytest.fixture
def app(settings: Settings, clock: FixedClock) -> Iterator[FastAPI]:
    application = create_app(settings, clock=clock)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def client(app: FastAPI) -> TestClient:
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture
def clinic(app: FastAPI) -> Clinic:
    return make_clinic(app, name="Riverbend Recovery")


@pytest.fixture
def other_clinic(app: FastAPI) -> Clinic:
    return make_clinic(app, name="Lakeside Behavioral Health")
