"""The audit trail on PostgreSQL: concurrent requests of several organizations leave intact
chains without gaps, and the service role cannot wipe or rewrite the trail."""

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi import FastAPI
from sqlalchemy import create_engine, make_url, select, text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from app.audit.models import AuditEvent
from app.cli import cli
from app.config import Settings, get_settings
from app.main import create_app
from app.migrations import upgrade_to_head
from app.ops.database_roles import grant_service_role
from tests.databases import fresh_postgres_database, reachable_postgres_or_skip
from tests.factories import Clinic, json_object, make_clinic

SECRET = "audit-postgres-test-secret-0123456789"
PATIENT = {"given_name": "Alex", "family_name": "Rivera", "date_of_birth": "1990-05-17"}

pytestmark = pytest.mark.postgres


@pytest.fixture
def postgres_url() -> Iterator[str]:
    with fresh_postgres_database(reachable_postgres_or_skip()) as url:
        upgrade_to_head(url)
        yield url


def app_on(url: str) -> FastAPI:
    return create_app(
        Settings(database_url=url, key_secret=SECRET, log_level="WARNING", db_pool_size=4)
    )


def test_concurrent_requests_of_several_organizations_leave_intact_chains(
    postgres_url: str,
) -> None:
    app = app_on(postgres_url)
    clinics = [make_clinic(app, name=f"Clinic {number}") for number in range(3)]

    def work(clinic: Clinic) -> int:
        audited = 0
        for number in range(8):
            created = clinic.staff.post("/v1/patients", json=PATIENT | {"given_name": f"P{number}"})
            assert created.status_code == 201, created.text
            assert clinic.staff.get("/v1/patients").status_code == 200
            audited += 2
        return audited

    try:
        # Two threads per organization, all at once: their commits race for each chain's head.
        with ThreadPoolExecutor(max_workers=6) as pool:
            counts = list(pool.map(work, [clinic for clinic in clinics for _ in range(2)]))
        for index, clinic in enumerate(clinics):
            result = json_object(clinic.admin.get("/v1/audit-events/verification"))
            expected = counts[2 * index] + counts[2 * index + 1]
            assert result == {"status": "intact", "event_count": expected, "broken_link": None}
        with app.state.sessionmaker() as session:
            for clinic in clinics:
                sequences = session.scalars(
                    select(AuditEvent.sequence)
                    .where(AuditEvent.organization_id == clinic.organization_id)
                    .order_by(AuditEvent.sequence)
                ).all()
                assert sequences == list(range(1, len(sequences) + 1))
    finally:
        app.state.engine.dispose()


@pytest.fixture
def service_role(postgres_url: str) -> Iterator[str]:
    """The URL of a service role made by `grant_service_role` (roles are the server's, not the
    database's: a unique name, dropped afterwards)."""
    name = f"iop_service_{uuid.uuid4().hex[:10]}"
    owner = create_engine(postgres_url)
    assert grant_service_role(owner, name, None) is True
    assert grant_service_role(owner, name, None) is False  # again: rights brought up to date
    try:
        yield make_url(postgres_url).set(username=name).render_as_string(hide_password=False)
    finally:
        with owner.begin() as connection:
            connection.exec_driver_sql(f"DROP OWNED BY {name}")
            connection.exec_driver_sql(f"DROP ROLE {name}")
        owner.dispose()


@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE audit_event, audit_event_patient",
        "TRUNCATE audit_chain_head",
        "DELETE FROM audit_event",
        "DELETE FROM audit_event_patient",
        "DELETE FROM audit_chain_head",
        "UPDATE audit_event SET request_id = 'tampered'",
        "ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only",
        "ALTER TABLE audit_event DISABLE TRIGGER ALL",
        "DROP TABLE audit_event CASCADE",
        "UPDATE alembic_version SET version_num = 'x'",
        "UPDATE audit_chain_head SET organization_id = gen_random_uuid()",
        "ALTER TABLE audit_chain_head DISABLE TRIGGER USER",
    ],
)
def test_the_service_role_cannot_wipe_or_rewrite_the_trail(
    service_role: str, statement: str
) -> None:
    engine = create_engine(service_role)
    try:
        with (
            pytest.raises(DBAPIError, match=r"permission denied|must be owner"),
            engine.begin() as connection,
        ):
            connection.execute(text(statement))
    finally:
        engine.dispose()


def test_the_chain_head_only_advances_by_one_event(service_role: str) -> None:
    app = app_on(service_role)
    try:
        clinic = make_clinic(app)
        assert clinic.staff.post("/v1/patients", json=PATIENT).status_code == 201
    finally:
        app.state.engine.dispose()
    engine = create_engine(service_role)
    try:
        for rewind in ("sequence = sequence - 1", "sequence = sequence + 2", "sequence = 0"):
            with (
                pytest.raises(DBAPIError, match="only advances by one event"),
                engine.begin() as connection,
            ):
                connection.execute(text(f"UPDATE audit_chain_head SET {rewind}"))
    finally:
        engine.dispose()


def test_the_service_works_as_its_role(service_role: str) -> None:
    upgrade_to_head(service_role)  # at the latest migration already: nothing it may not do
    app = app_on(service_role)
    try:
        clinic = make_clinic(app)
        created = clinic.staff.post("/v1/patients", json=PATIENT)
        assert created.status_code == 201, created.text
        patient_id = created.json()["id"]
        assert clinic.clinician.get(f"/v1/patients/{patient_id}").status_code == 200
        trail = json_object(clinic.admin.get("/v1/audit-events", params={"patient_id": patient_id}))
        assert trail["total"] == 2
        verification = json_object(clinic.admin.get("/v1/audit-events/verification"))
        assert verification["status"] == "intact"
        assert clinic.staff.get("/readyz").status_code == 200
    finally:
        app.state.engine.dispose()


def test_the_command_creates_the_role_and_says_how_to_serve_with_it(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = f"iop_service_{uuid.uuid4().hex[:10]}"
    monkeypatch.setenv("IOP_DATABASE_URL", postgres_url)
    monkeypatch.setenv("IOP_KEY_SECRET", SECRET)
    get_settings.cache_clear()
    try:
        created = CliRunner().invoke(cli, ["db", "create-service-role", name])
        assert created.exit_code == 0, created.output
        assert f"created role {name}" in created.output
        assert f"IOP_DATABASE_URL=postgresql://{name}@" in created.output
    finally:
        get_settings.cache_clear()
        owner = create_engine(postgres_url)
        with owner.begin() as connection:
            connection.exec_driver_sql(f"DROP OWNED BY {name}")
            connection.exec_driver_sql(f"DROP ROLE IF EXISTS {name}")
        owner.dispose()
