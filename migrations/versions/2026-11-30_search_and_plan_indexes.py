"""Indexes for a name search that reads its matches, not the list before them, and for a new
plan that reads its own admission's future sessions, not every other plan's.

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-30
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.create_index(
            "ix_patient_organization_id_family_name_prefix",
            ["organization_id", "family_name_folded"],
            unique=False,
            postgresql_ops={"family_name_folded": "text_pattern_ops"},
        )
        batch_op.create_index(
            "ix_patient_organization_id_given_name_prefix",
            ["organization_id", "given_name_folded"],
            unique=False,
            postgresql_ops={"given_name_folded": "text_pattern_ops"},
        )
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.create_index(
            "ix_appointment_admission_id_planned_starts_at",
            ["admission_id", "planned_starts_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.drop_index("ix_appointment_admission_id_planned_starts_at")
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.drop_index("ix_patient_organization_id_given_name_prefix")
        batch_op.drop_index("ix_patient_organization_id_family_name_prefix")
