"""The `iop` command: serve, migrate, manage organizations and keys, export OpenAPI, demo."""

import json
import os
import signal
import tempfile
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from sqlalchemy import select
from sqlalchemy.engine import make_url

from app.access import service as access_service
from app.access.models import Organization
from app.access.schemas import ApiKeyCreate
from app.audit import service as audit_service
from app.config import get_settings
from app.context import Context
from app.db import create_db_engine, create_sessionmaker
from app.flows import alerts as alert_flows
from app.flows import keys as keys_flow
from app.idempotency import store as idempotency_store
from app.inquiries import service as inquiries_service
from app.migrations import upgrade_to_head
from app.ops.database_roles import grant_service_role
from app.security import Principal, Role
from app.webhooks.worker import run_forever

cli = typer.Typer(help="Run and administer the IOP API.", no_args_is_help=True)
orgs = typer.Typer(help="Organizations (clinic operators).", no_args_is_help=True)
keys = typer.Typer(help="API keys.", no_args_is_help=True)
cli.add_typer(orgs, name="orgs")
cli.add_typer(keys, name="keys")
alerts = typer.Typer(help="The clinic's alerts.", no_args_is_help=True)
cli.add_typer(alerts, name="alerts")
audit = typer.Typer(help="The audit trail.", no_args_is_help=True)
cli.add_typer(audit, name="audit")
db = typer.Typer(help="Database roles (PostgreSQL).", no_args_is_help=True)
cli.add_typer(db, name="db")

OPENAPI_PATH = Path("openapi/openapi.json")


@cli.command()
def migrate() -> None:
    """Upgrade the database to the latest migration."""
    upgrade_to_head(get_settings().migration_url)
    typer.echo("database is at the latest migration")


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
) -> None:
    """Apply migrations, then serve the API."""
    settings = get_settings()
    settings.require_production_secret()
    upgrade_to_head(settings.migration_url)
    if workers > 1 and "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        # Each worker keeps its own counters; /metrics adds them up from this folder.
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="iop-metrics-")
    uvicorn.run(
        "app.main:create_app", factory=True, host=host, port=port, workers=workers,
        log_config=None, access_log=False,
    )  # fmt: skip


@cli.command()
def worker() -> None:
    """Deliver webhooks until stopped (SIGTERM or Ctrl-C). Run as many as wanted: each event
    is delivered once per subscription, whichever worker sends it."""
    settings = get_settings()
    sessions = create_sessionmaker(create_db_engine(settings))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    typer.echo("delivering webhooks; stop with Ctrl-C")
    try:
        run_forever(sessions, settings, stop)
    except KeyboardInterrupt:
        stop.set()


@alerts.command("sweep")
def sweep_alerts() -> None:
    """The daily sweep of every organization: raise the alerts due today for every admission
    in treatment, delete the website's insurance inquiries older than the organization's
    retention period, and purge the idempotency keys past theirs. Safe to run from cron more
    than once a day: no alert is raised twice."""
    sessionmaker = create_sessionmaker(create_db_engine(get_settings()))
    with sessionmaker() as session:
        organization_ids = list(session.scalars(select(Organization.id)))
    for organization_id in organization_ids:
        with sessionmaker.begin() as session:
            principal = Principal(None, organization_id, Role.admin, None)
            ctx = Context(session, principal, "alerts-sweep", datetime.now(UTC))
            raised = alert_flows.sweep(ctx)
            purged = inquiries_service.purge_expired(ctx)
        typer.echo(
            f"organization {organization_id}: {raised} alert(s) raised,"
            f" {purged} expired insurance inquiries deleted"
        )
    with sessionmaker.begin() as session:
        purged = idempotency_store.purge_expired(session, datetime.now(UTC))
    typer.echo(f"{purged} expired idempotency key(s) purged")


@audit.command("verify")
def verify_audit(
    organization: Annotated[
        uuid.UUID | None, typer.Option(help="One organization; every one when left out.")
    ] = None,
) -> None:
    """Recompute each organization's audit chain; exit 1 if one is broken, naming its first
    broken link."""
    sessionmaker = create_sessionmaker(create_db_engine(get_settings()))
    with sessionmaker() as session:
        organization_ids = (
            [organization]
            if organization is not None
            else list(session.scalars(select(Organization.id).order_by(Organization.id)))
        )
    is_intact = True
    for organization_id in organization_ids:
        with sessionmaker() as session:
            principal = Principal(None, organization_id, Role.admin, None)
            verification = audit_service.verify_chain(
                Context(session, principal, "audit-verify", datetime.now(UTC))
            )
        broken = verification.broken_link
        if broken is None:
            typer.echo(f"organization {organization_id}: intact, {verification.event_count} events")
            continue
        is_intact = False
        typer.echo(
            f"organization {organization_id}: broken at sequence {broken.sequence}"
            f" (event {broken.event_id or 'none'}, {broken.reason}):"
            f" expected {broken.expected}, found {broken.found}"
        )
    if not is_intact:
        raise typer.Exit(1)


@db.command("create-service-role")
def create_service_role(
    name: Annotated[str, typer.Argument(help="The login role the service will connect as.")],
    password: Annotated[
        str | None,
        typer.Option(envvar="IOP_SERVICE_ROLE_PASSWORD", help="Its password (or the variable)."),
    ] = None,
) -> None:
    """Create a PostgreSQL login role for the service (or update an existing one's rights):
    it may work with the data but only read and append to the audit trail, and cannot
    TRUNCATE, ALTER or disable triggers. Run as the tables' owner (the migration URL) after
    `iop migrate`, and again after migrations that add tables."""
    settings = get_settings()
    if settings.is_sqlite:
        typer.echo("roles do not apply to SQLite: whoever can write the file can change it")
        raise typer.Exit(2)
    engine = create_db_engine(settings.model_copy(update={"database_url": settings.migration_url}))
    try:
        created = grant_service_role(engine, name, password)
    finally:
        engine.dispose()
    service_url = make_url(settings.migration_url).set(
        drivername="postgresql", username=name, password=None
    )
    typer.echo(f"{'created' if created else 'updated'} role {name}; serve with")
    typer.echo(f"IOP_DATABASE_URL={service_url.render_as_string()}  (add its password)")
    typer.echo("and keep IOP_MIGRATION_DATABASE_URL as the owner's URL, for migrations")


@orgs.command("create")
def create_org(name: Annotated[str, typer.Argument(help="The organization's name.")]) -> None:
    """Create an organization; prints its id as the last line."""
    sessionmaker = create_sessionmaker(create_db_engine(get_settings()))
    with sessionmaker.begin() as session:
        organization = access_service.create_organization(session, name)
        typer.echo(f"created organization {name!r}")
        typer.echo(str(organization.id))


@orgs.command("inquiry-retention")
def set_inquiry_retention(
    org: Annotated[uuid.UUID, typer.Option(help="Organization id.")],
    days: Annotated[int, typer.Argument(min=1, max=3650, help="Days to keep an inquiry.")],
) -> None:
    """How many days the website's insurance inquiries are kept before the daily sweep
    (`iop alerts sweep`) deletes them; 30 unless set."""
    sessionmaker = create_sessionmaker(create_db_engine(get_settings()))
    with sessionmaker.begin() as session:
        organization = access_service.get_organization(session, org)
        organization.inquiry_retention_days = days
    typer.echo(f"insurance inquiries of {organization.name!r} are kept {days} days")


@keys.command("create")
def create_key(
    org: Annotated[uuid.UUID, typer.Option(help="Organization id.")],
    role: Annotated[Role, typer.Option(help="What the key may do.")],
    payer_id: Annotated[str | None, typer.Option(help="The payer a payer key acts for.")] = None,
    staff_id: Annotated[
        uuid.UUID | None,
        typer.Option(help="The licensed staff member who holds a clinician key (required)."),
    ] = None,
    name: Annotated[str, typer.Option(help="A label for the key.")] = "command line key",
) -> None:
    """Create an API key; prints the key as the last line (shown once, stored hashed)."""
    settings = get_settings()
    request = ApiKeyCreate(name=name, role=role, payer_id=payer_id, staff_id=staff_id)
    sessionmaker = create_sessionmaker(create_db_engine(settings))
    with sessionmaker.begin() as session:
        ctx = Context(session, Principal(None, org, Role.admin, None), None, datetime.now(UTC))
        issued = keys_flow.create_key(ctx, request, settings.key_secret.get_secret_value())
        typer.echo(f"created {role} key {issued.id} ({issued.key_prefix}…); it is shown only once:")
        typer.echo(issued.key)


@cli.command()
def openapi(
    path: Annotated[Path, typer.Option(help="Where to write the document.")] = OPENAPI_PATH,
) -> None:
    """Write the OpenAPI document generated from the app."""
    from app.main import create_app

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_openapi(create_app().openapi()))
    typer.echo(f"wrote {path}")


def render_openapi(document: dict[str, object]) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@cli.command()
def demo() -> None:
    """Load a demo clinic (once per database) and print fresh API keys to try it with."""
    from app.demo import load_demo

    settings = get_settings()
    upgrade_to_head(settings.migration_url)
    sessionmaker = create_sessionmaker(create_db_engine(settings))
    database = describe_database(settings.database_url)
    with sessionmaker.begin() as session:
        for line in load_demo(session, settings.key_secret.get_secret_value(), database):
            typer.echo(line)


def describe_database(database_url: str) -> str:
    """The database a URL names, for people: a SQLite file's full path, a server URL without
    its password."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database in (None, "", ":memory:"):
            return "an in-memory SQLite database"
        return f"the SQLite file {Path(url.database).resolve()}"
    return url.set(drivername=url.get_backend_name()).render_as_string(hide_password=True)


def main() -> None:
    cli()
