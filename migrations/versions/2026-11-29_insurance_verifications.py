"""Insurance verification requests and the organizations' X12 control numbers.

Revision ID: 0011
Revises: 0009
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "0011"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "x12_control_number",
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_x12_control_number_organization_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_x12_control_number")),
        sa.UniqueConstraint("organization_id", name="uq_x12_control_number_org"),
    )
    with op.batch_alter_table("x12_control_number", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_x12_control_number_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "insurance_verification",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("coverage_id", sa.Uuid(), nullable=False),
        sa.Column("payer_id", sa.String(length=80), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("service_types", sa.JSON(), nullable=False),
        sa.Column("service_starts_on", sa.Date(), nullable=False),
        sa.Column("service_ends_on", sa.Date(), nullable=True),
        sa.Column("provider_npi", sa.String(length=10), nullable=True),
        sa.Column("started_at", app.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", app.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("verified_on", sa.Date(), nullable=True),
        sa.Column("benefits", sa.JSON(), nullable=True),
        sa.Column("failure_reason", sa.String(length=500), nullable=True),
        sa.Column("answered_as", sa.String(length=10), nullable=True),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coverage_id"],
            ["coverage.id"],
            name=op.f("fk_insurance_verification_coverage_id_coverage"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_insurance_verification_organization_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
            name=op.f("fk_insurance_verification_patient_id_patient"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insurance_verification")),
    )
    with op.batch_alter_table("insurance_verification", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_insurance_verification_coverage_id"), ["coverage_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_insurance_verification_organization_id"),
            ["organization_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_insurance_verification_patient_id"), ["patient_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_insurance_verification_payer_id"), ["payer_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("insurance_verification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_insurance_verification_payer_id"))
        batch_op.drop_index(batch_op.f("ix_insurance_verification_patient_id"))
        batch_op.drop_index(batch_op.f("ix_insurance_verification_organization_id"))
        batch_op.drop_index(batch_op.f("ix_insurance_verification_coverage_id"))

    op.drop_table("insurance_verification")
    with op.batch_alter_table("x12_control_number", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_x12_control_number_organization_id"))

    op.drop_table("x12_control_number")
