"""Payers' prior-authorization decisions on admissions, the website's insurance inquiries and
each organization's inquiry retention period.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "insurance_inquiry",
        sa.Column("given_name", sa.String(length=100), nullable=False),
        sa.Column("family_name", sa.String(length=100), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("payer_name", sa.String(length=200), nullable=False),
        sa.Column("member_id", sa.String(length=80), nullable=False),
        sa.Column("consents_to_contact", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("assigned_to_staff_id", sa.Uuid(), nullable=True),
        sa.Column("assigned_at", app.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("patient_id", sa.Uuid(), nullable=True),
        sa.Column("converted_at", app.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assigned_to_staff_id"],
            ["staff_member.id"],
            name=op.f("fk_insurance_inquiry_assigned_to_staff_id_staff_member"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_insurance_inquiry_organization_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_insurance_inquiry_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insurance_inquiry")),
    )
    with op.batch_alter_table("insurance_inquiry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_insurance_inquiry_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_insurance_inquiry_status"), ["status"], unique=False)

    op.create_table(
        "prior_authorization",
        sa.Column("admission_id", sa.Uuid(), nullable=False),
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("payer_id", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("reference_number", sa.String(length=50), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("authorized_days", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("next_review_on", sa.Date(), nullable=True),
        sa.Column("denial_reason", sa.String(length=500), nullable=True),
        sa.Column("extends_id", sa.Uuid(), nullable=True),
        sa.Column("recorded_by_key_id", sa.Uuid(), nullable=True),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["admission_id"],
            ["admission.id"],
            name=op.f("fk_prior_authorization_admission_id_admission"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["extends_id"],
            ["prior_authorization.id"],
            name=op.f("fk_prior_authorization_extends_id_prior_authorization"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_prior_authorization_organization_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_prior_authorization_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prior_authorization")),
    )
    with op.batch_alter_table("prior_authorization", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_prior_authorization_admission_id"), ["admission_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_prior_authorization_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_prior_authorization_patient_id"), ["patient_id"], unique=False
        )

    with op.batch_alter_table("organization", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("inquiry_retention_days", sa.Integer(), server_default="30", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("organization", schema=None) as batch_op:
        batch_op.drop_column("inquiry_retention_days")

    with op.batch_alter_table("prior_authorization", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prior_authorization_patient_id"))
        batch_op.drop_index(batch_op.f("ix_prior_authorization_organization_id"))
        batch_op.drop_index(batch_op.f("ix_prior_authorization_admission_id"))

    op.drop_table("prior_authorization")
    with op.batch_alter_table("insurance_inquiry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_insurance_inquiry_status"))
        batch_op.drop_index(batch_op.f("ix_insurance_inquiry_organization_id"))

    op.drop_table("insurance_inquiry")
