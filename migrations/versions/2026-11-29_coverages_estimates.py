"""Coverages, saved cost estimates and Good Faith Estimates.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "coverage",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("payer_type", sa.String(length=20), nullable=False),
        sa.Column("payer_id", sa.String(length=80), nullable=True),
        sa.Column("payer_name", sa.String(length=200), nullable=True),
        sa.Column("member_id", sa.String(length=80), nullable=True),
        sa.Column("group_number", sa.String(length=80), nullable=True),
        sa.Column("plan_starts_on", sa.Date(), nullable=True),
        sa.Column("plan_ends_on", sa.Date(), nullable=True),
        sa.Column("network_status", sa.String(length=20), nullable=False),
        sa.Column("requires_prior_authorization", sa.Boolean(), nullable=False),
        sa.Column("benefits", sa.JSON(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", app.db.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_coverage_organization_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_coverage_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coverage")),
    )
    with op.batch_alter_table("coverage", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coverage_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_coverage_patient_id"), ["patient_id"], unique=False)

    op.create_table(
        "cost_estimate",
        sa.Column("patient_id", sa.Uuid(), nullable=True),
        sa.Column("program_id", sa.Uuid(), nullable=True),
        sa.Column("admission_id", sa.Uuid(), nullable=True),
        sa.Column("coverage_id", sa.Uuid(), nullable=True),
        sa.Column("estimated_on", sa.Date(), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["admission_id"], ["admission.id"], name=op.f("fk_cost_estimate_admission_id_admission")
        ),
        sa.ForeignKeyConstraint(
            ["coverage_id"], ["coverage.id"], name=op.f("fk_cost_estimate_coverage_id_coverage")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_cost_estimate_organization_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_cost_estimate_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["program.id"], name=op.f("fk_cost_estimate_program_id_program")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cost_estimate")),
    )
    with op.batch_alter_table("cost_estimate", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cost_estimate_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_cost_estimate_patient_id"), ["patient_id"], unique=False
        )

    op.create_table(
        "good_faith_estimate",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("program_id", sa.Uuid(), nullable=False),
        sa.Column("admission_id", sa.Uuid(), nullable=True),
        sa.Column("scheduled_on", sa.Date(), nullable=True),
        sa.Column("requested_on", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("issued_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["admission_id"],
            ["admission.id"],
            name=op.f("fk_good_faith_estimate_admission_id_admission"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_good_faith_estimate_organization_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_good_faith_estimate_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["program.id"], name=op.f("fk_good_faith_estimate_program_id_program")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_good_faith_estimate")),
    )
    with op.batch_alter_table("good_faith_estimate", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_good_faith_estimate_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_good_faith_estimate_patient_id"), ["patient_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("good_faith_estimate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_good_faith_estimate_patient_id"))
        batch_op.drop_index(batch_op.f("ix_good_faith_estimate_organization_id"))

    op.drop_table("good_faith_estimate")
    with op.batch_alter_table("cost_estimate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cost_estimate_patient_id"))
        batch_op.drop_index(batch_op.f("ix_cost_estimate_organization_id"))

    op.drop_table("cost_estimate")
    with op.batch_alter_table("coverage", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coverage_patient_id"))
        batch_op.drop_index(batch_op.f("ix_coverage_organization_id"))

    op.drop_table("coverage")
