"""Staff close an insurance inquiry that will not become a patient: when, why, and a note.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("insurance_inquiry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_at", app.db.UtcDateTime(timezone=True)))
        batch_op.add_column(sa.Column("close_reason", sa.String(length=20)))
        batch_op.add_column(sa.Column("close_note", sa.String(length=500)))


def downgrade() -> None:
    # A closed inquiry goes back to the queue it left: the earlier schema has no such state.
    op.execute(
        "UPDATE insurance_inquiry SET status = CASE WHEN assigned_to_staff_id IS NULL"
        " THEN 'new' ELSE 'assigned' END WHERE status = 'closed'"
    )
    with op.batch_alter_table("insurance_inquiry", schema=None) as batch_op:
        batch_op.drop_column("close_note")
        batch_op.drop_column("close_reason")
        batch_op.drop_column("closed_at")
