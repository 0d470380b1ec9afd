"""Indexes that keep lists as fast at 100,000 patients as at 10,000: the patient list's whole
order, and a patient's appointments by date.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.drop_index("ix_patient_organization_id_family_name")
        batch_op.create_index(
            "ix_patient_organization_id_name_order",
            ["organization_id", "family_name_folded", "given_name_folded", "id"],
            unique=False,
        )
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.create_index(
            "ix_appointment_patient_id_local_date", ["patient_id", "local_date"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.drop_index("ix_appointment_patient_id_local_date")
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.drop_index("ix_patient_organization_id_name_order")
        batch_op.create_index(
            "ix_patient_organization_id_family_name",
            ["organization_id", "family_name_folded"],
            unique=False,
        )
