"""Audit rows written before the chain become one chained event per request, and back."""

import uuid
from datetime import UTC, datetime, timedelta

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, func, select, text

from app.audit import service as audit_service
from app.audit.models import AuditEvent, AuditEventPatient
from app.context import Context
from app.db import create_sessionmaker
from app.migrations import alembic_config
from app.security import Principal, Role


def before_the_chain(url: str) -> str:
    """The revision before the one that chains the audit trail, whatever it is numbered."""
    script = ScriptDirectory.from_config(alembic_config(url))
    chain = next(r for r in script.walk_revisions() if r.path.endswith("_audit_chain.py"))
    assert isinstance(chain.down_revision, str)
    return chain.down_revision


def test_earlier_audit_rows_become_one_chained_event_per_request(empty_database: str) -> None:
    config = alembic_config(empty_database)
    command.upgrade(config, before_the_chain(empty_database))
    organization_id, patient, key = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    at = datetime(2026, 3, 2, 15, 0, 0, 123456, tzinfo=UTC)
    rows = [  # two rows of one request, one of another, one from the command line
        ("req-1", at, "list", "appointment", uuid.uuid4(), patient),
        ("req-1", at, "list", "appointment", uuid.uuid4(), patient),
        ("req-2", at + timedelta(seconds=1), "read", "patient", patient, patient),
        (None, at + timedelta(seconds=2), "transition", "group_membership", uuid.uuid4(), None),
    ]
    engine = create_engine(empty_database)
    is_sqlite = engine.dialect.name == "sqlite"

    def hex_(value: uuid.UUID) -> object:  # how each database's Uuid column stores it
        return value.hex if is_sqlite else value

    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO organization (id, name, created_at, updated_at, version)"
                 " VALUES (:id, 'Riverbend', :at, :at, 1)"),
            {"id": hex_(organization_id), "at": at.replace(tzinfo=None)},
        )  # fmt: skip
        for request_id, occurred_at, action, resource_type, resource_id, patient_id in rows:
            connection.execute(
                text(
                    "INSERT INTO audit_event (id, organization_id, occurred_at, api_key_id,"
                    " action, resource_type, resource_id, patient_id, request_id) VALUES"
                    " (:id, :org, :at, :key, :action, :type, :resource, :patient, :request)"
                ),
                {
                    "id": hex_(uuid.uuid4()), "org": hex_(organization_id),
                    "at": occurred_at if not is_sqlite
                    else occurred_at.replace(tzinfo=None).isoformat(sep=" "),
                    "key": hex_(key), "action": action, "type": resource_type,
                    "resource": str(resource_id),
                    "patient": None if patient_id is None else hex_(patient_id),
                    "request": request_id,
                },
            )  # fmt: skip

    command.upgrade(config, "head")
    with create_sessionmaker(engine)() as session:
        ctx = Context(session, Principal(None, organization_id, Role.admin, None), None, at)
        verification = audit_service.verify_chain(ctx)
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.sequence)).all()
        patient_links = session.scalar(select(func.count()).select_from(AuditEventPatient))
    assert (verification.status, verification.event_count) == ("intact", 3)
    assert [len(event.accesses) for event in events] == [2, 1, 1]
    assert [event.request_id for event in events] == ["req-1", "req-2", None]
    assert patient_links == 2  # the patient, once per event that touched them

    command.downgrade(config, before_the_chain(empty_database))
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM audit_event")) == len(rows)
    command.upgrade(config, "head")
    engine.dispose()
