"""`iop audit verify`, `iop db create-service-role` and the migration URL on the command line."""

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from app.cli import cli
from app.config import Settings, get_settings
from app.context import AuditAction, Context
from app.db import create_db_engine, create_sessionmaker
from app.security import Principal, Role


def new_organization(runner: CliRunner) -> uuid.UUID:
    created = runner.invoke(cli, ["orgs", "create", "Hillside Clinic"])
    assert created.exit_code == 0, created.output
    return uuid.UUID(created.output.strip().splitlines()[-1])


def record_reads(organization_id: uuid.UUID, count: int) -> None:
    engine = create_db_engine(get_settings())
    sessions = create_sessionmaker(engine)
    for number in range(count):
        with sessions.begin() as session:
            principal = Principal(None, organization_id, Role.admin, None)
            ctx = Context(session, principal, f"cli-{number}", datetime.now(UTC))
            ctx.audit(AuditAction.read, "patient", uuid.uuid4())
    engine.dispose()


def test_verify_reports_each_organization_intact_with_its_count(runner: CliRunner) -> None:
    first, second = new_organization(runner), new_organization(runner)
    record_reads(first, 3)
    verified = runner.invoke(cli, ["audit", "verify"])
    assert verified.exit_code == 0, verified.output
    assert f"organization {first}: intact, 3 events" in verified.output
    assert f"organization {second}: intact, 0 events" in verified.output
    one = runner.invoke(cli, ["audit", "verify", "--organization", str(second)])
    assert one.output.strip() == f"organization {second}: intact, 0 events"


def test_verify_fails_naming_the_first_broken_link(runner: CliRunner) -> None:
    organization_id = new_organization(runner)
    record_reads(organization_id, 3)
    engine = create_db_engine(get_settings())
    with engine.begin() as connection:  # the owner can do anything: the chain tells
        if connection.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
        else:
            connection.execute(text("DROP TRIGGER audit_event_no_update"))
        connection.execute(text("UPDATE audit_event SET request_id = 'edited' WHERE sequence = 2"))
        if connection.dialect.name == "postgresql":  # the database is shared with later tests
            connection.execute(text("ALTER TABLE audit_event ENABLE TRIGGER USER"))
    engine.dispose()
    verified = runner.invoke(cli, ["audit", "verify"])
    assert verified.exit_code == 1
    assert f"organization {organization_id}: broken at sequence 2" in verified.output


def test_service_roles_are_refused_on_sqlite_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IOP_DATABASE_URL", f"sqlite:///{tmp_path}/iop.db")
    get_settings.cache_clear()
    try:
        refused = CliRunner().invoke(cli, ["db", "create-service-role", "iop_service"])
    finally:
        get_settings.cache_clear()
    assert refused.exit_code == 2
    assert "roles do not apply to SQLite" in refused.output


def test_migrations_run_with_the_migration_url(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IOP_DATABASE_URL", f"sqlite:///{tmp_path}/missing/folder/iop.db")
    monkeypatch.setenv("IOP_MIGRATION_DATABASE_URL", database_url)
    get_settings.cache_clear()
    try:
        migrated = CliRunner().invoke(cli, ["migrate"])
    finally:
        get_settings.cache_clear()
    assert migrated.exit_code == 0, migrated.output


def test_the_migration_url_defaults_to_the_service_url() -> None:
    settings = Settings(database_url="postgresql://iop_service@db:5432/iop")
    assert settings.migration_url == "postgresql+psycopg://iop_service@db:5432/iop"
    owner = Settings(database_url="sqlite:///a.db", migration_database_url="postgresql://o@db/iop")
    assert owner.migration_url == "postgresql+psycopg://o@db/iop"
