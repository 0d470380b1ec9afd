"""One audit event per request, hash-chained per organization.

`audit_event` becomes one row per request naming every record it touched (`accesses`), with
its `sequence` and `hash` in its organization's chain; `audit_event_patient` keeps "who saw
this patient" one indexed query; `audit_chain_head` is each chain's last link. Existing rows
are regrouped (rows of one request, key and instant become one event) and chained in the order
they were written. Downgrade splits events back into one row per record.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30
"""

import itertools
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import app.db
from app.audit.chain import GENESIS_HASH, canonical_form, link_hash

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ACCESSES = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

_old_event = sa.table(
    "audit_event",
    sa.column("id", sa.Uuid()),
    sa.column("organization_id", sa.Uuid()),
    sa.column("occurred_at", app.db.UtcDateTime()),
    sa.column("api_key_id", sa.Uuid()),
    sa.column("action", sa.String()),
    sa.column("resource_type", sa.String()),
    sa.column("resource_id", sa.String()),
    sa.column("patient_id", sa.Uuid()),
    sa.column("request_id", sa.String()),
)
_new_event = sa.table(
    "audit_event",
    sa.column("id", sa.Uuid()),
    sa.column("organization_id", sa.Uuid()),
    sa.column("sequence", sa.Integer()),
    sa.column("occurred_at", app.db.UtcDateTime()),
    sa.column("api_key_id", sa.Uuid()),
    sa.column("request_id", sa.String()),
    sa.column("accesses", _ACCESSES),
    sa.column("hash", sa.String()),
)
_event_patient = sa.table(
    "audit_event_patient", sa.column("patient_id", sa.Uuid()), sa.column("event_id", sa.Uuid())
)
_chain_head = sa.table(
    "audit_chain_head",
    sa.column("organization_id", sa.Uuid()),
    sa.column("sequence", sa.Integer()),
    sa.column("hash", sa.String()),
)


def upgrade() -> None:
    connection = op.get_bind()
    _drop_append_only("audit_event")
    old_rows = connection.execute(
        sa.select(_old_event).order_by(
            _old_event.c.organization_id, _old_event.c.occurred_at, _old_event.c.id
        )
    ).all()
    _drop_old_table()
    _create_new_tables()
    for organization_id, rows in itertools.groupby(old_rows, key=lambda row: row.organization_id):
        _chain(connection, organization_id, list(rows))
    for table in ("audit_event", "audit_event_patient"):
        _make_append_only(table)
    _make_head_advance_only()


def downgrade() -> None:
    connection = op.get_bind()
    for table in ("audit_event_patient", "audit_event"):
        _drop_append_only(table)
    _drop_head_advance_only()
    events = connection.execute(sa.select(_new_event).order_by(_new_event.c.sequence)).all()
    op.drop_table("audit_chain_head")
    op.drop_table("audit_event_patient")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_organization_id_occurred_at")
    op.drop_table("audit_event")
    _create_old_table()
    rows = [
        {
            "id": uuid.uuid4() if index else event.id,
            "organization_id": event.organization_id,
            "occurred_at": event.occurred_at,
            "api_key_id": event.api_key_id,
            "action": access["action"],
            "resource_type": access["resource_type"],
            "resource_id": access["resource_id"],
            "patient_id": None if access["patient_id"] is None else uuid.UUID(access["patient_id"]),
            "request_id": event.request_id,
        }
        for event in events
        for index, access in enumerate(event.accesses)
    ]
    if rows:
        connection.execute(sa.insert(_old_event), rows)
    _make_append_only("audit_event")


def _chain(connection: sa.Connection, organization_id: uuid.UUID, rows: list[Any]) -> None:
    """One event per request, key and instant, chained in the order they were written."""
    previous_hash, sequence, events, patients = GENESIS_HASH, 0, [], []
    for _caller, grouped in itertools.groupby(
        rows, key=lambda row: (row.request_id or row.id, row.api_key_id, row.occurred_at)
    ):
        request_rows = list(grouped)
        first, sequence = request_rows[0], sequence + 1
        occurred_at: datetime = first.occurred_at.astimezone(UTC)
        accesses = list({
            (row.action, row.resource_type, row.resource_id,
             None if row.patient_id is None else str(row.patient_id)): None
            for row in request_rows
        })  # fmt: skip
        access_list = [
            {"action": a, "resource_type": t, "resource_id": r, "patient_id": p}
            for a, t, r, p in accesses
        ]
        canonical = canonical_form(
            event_id=first.id, organization_id=organization_id, occurred_at=occurred_at,
            api_key_id=first.api_key_id, request_id=first.request_id, accesses=access_list,
        )  # fmt: skip
        previous_hash = link_hash(previous_hash, sequence, canonical)
        events.append({
            "id": first.id, "organization_id": organization_id, "sequence": sequence,
            "occurred_at": occurred_at, "api_key_id": first.api_key_id,
            "request_id": first.request_id, "accesses": access_list, "hash": previous_hash,
        })  # fmt: skip
        patients.extend(
            {"patient_id": patient_id, "event_id": first.id}
            for patient_id in dict.fromkeys(uuid.UUID(p) for *_, p in accesses if p is not None)
        )
    connection.execute(sa.insert(_new_event), events)
    if patients:
        connection.execute(sa.insert(_event_patient), patients)
    connection.execute(
        sa.insert(_chain_head),
        [{"organization_id": organization_id, "sequence": sequence, "hash": previous_hash}],
    )


def _drop_old_table() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_resource")
        batch_op.drop_index(batch_op.f("ix_audit_event_patient_id"))
        batch_op.drop_index("ix_audit_event_organization_id_occurred_at")
        batch_op.drop_index(batch_op.f("ix_audit_event_api_key_id"))
    op.drop_table("audit_event")


def _create_new_tables() -> None:
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("occurred_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("api_key_id", sa.Uuid(), nullable=True),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.Column("accesses", _ACCESSES, nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_audit_event_organization_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
        sa.UniqueConstraint(
            "organization_id", "sequence", name=op.f("uq_audit_event_organization_id_sequence")
        ),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(
            "ix_audit_event_organization_id_occurred_at",
            ["organization_id", "occurred_at"],
            unique=False,
        )
    op.create_table(
        "audit_event_patient",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["audit_event.id"],
            name=op.f("fk_audit_event_patient_event_id_audit_event"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("patient_id", "event_id", name=op.f("pk_audit_event_patient")),
    )
    op.create_table(
        "audit_chain_head",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_audit_chain_head_organization_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("organization_id", name=op.f("pk_audit_chain_head")),
    )


def _create_old_table() -> None:
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("occurred_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("api_key_id", sa.Uuid(), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("resource_type", sa.String(length=60), nullable=False),
        sa.Column("resource_id", sa.String(length=64), nullable=False),
        sa.Column("patient_id", sa.Uuid(), nullable=True),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_audit_event_organization_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_api_key_id"), ["api_key_id"], unique=False)
        batch_op.create_index(
            "ix_audit_event_organization_id_occurred_at",
            ["organization_id", "occurred_at"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_audit_event_patient_id"), ["patient_id"], unique=False)
        batch_op.create_index(
            "ix_audit_event_resource", ["resource_type", "resource_id"], unique=False
        )


# The trail must not be edited, even by someone holding the service's database credentials:
# the database refuses UPDATE and DELETE (the service role cannot drop these triggers, not
# being the tables' owner; see `iop db create-service-role`).
def _make_append_only(table: str) -> None:
    message = f"{table} is append-only"
    if op.get_bind().dialect.name == "postgresql":
        if table == "audit_event":
            op.execute(
                "CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$"
                " BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
            )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table}"
                f" BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )


def _drop_append_only(table: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        if table == "audit_event":
            op.execute("DROP FUNCTION audit_event_append_only()")
    else:
        op.execute(f"DROP TRIGGER {table}_no_update")
        op.execute(f"DROP TRIGGER {table}_no_delete")


# On PostgreSQL the service role may UPDATE the chain head, but only forward by one link: it
# cannot rewind the head over events it would like to hide (its rights are in
# `app/ops/database_roles.py`). SQLite's writer sets the hash in a second statement, and SQLite
# has no roles to separate anyway.
def _make_head_advance_only() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE FUNCTION audit_chain_head_advances() RETURNS trigger LANGUAGE plpgsql AS $$"
        " BEGIN"
        " IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'audit_chain_head is never deleted'; END IF;"
        " IF NEW.organization_id <> OLD.organization_id OR NEW.sequence <> OLD.sequence + 1 THEN"
        " RAISE EXCEPTION 'audit_chain_head only advances by one event'; END IF;"
        " RETURN NEW; END $$"
    )
    op.execute(
        "CREATE TRIGGER audit_chain_head_advances BEFORE UPDATE OR DELETE ON audit_chain_head"
        " FOR EACH ROW EXECUTE FUNCTION audit_chain_head_advances()"
    )


def _drop_head_advance_only() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER audit_chain_head_advances ON audit_chain_head")
    op.execute("DROP FUNCTION audit_chain_head_advances()")
