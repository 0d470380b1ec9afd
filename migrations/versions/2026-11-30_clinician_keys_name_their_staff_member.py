"""Clinician keys name their staff member; an approval records who approved.

Existing clinician keys keep working for everything but approval: re-issue them with
`--staff-id` (or `staff_id`) naming the licensed staff member who holds each one.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("admission", schema=None) as batch_op:
        batch_op.add_column(sa.Column("approved_by_staff_id", sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_admission_approved_by_staff_id_staff_member"),
            "staff_member",
            ["approved_by_staff_id"],
            ["id"],
        )

    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.add_column(sa.Column("staff_id", sa.Uuid(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.drop_column("staff_id")

    with op.batch_alter_table("admission", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_admission_approved_by_staff_id_staff_member"), type_="foreignkey"
        )
        batch_op.drop_column("approved_by_staff_id")
