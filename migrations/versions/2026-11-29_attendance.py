"""Attendance records with their corrections, and the clinic's alerts.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "alert",
        sa.Column("program_id", sa.Uuid(), nullable=False),
        sa.Column("admission_id", sa.Uuid(), nullable=False),
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("message", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("raised_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", app.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by_key_id", sa.Uuid(), nullable=True),
        sa.Column("resolved_at", app.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("resolved_by_key_id", sa.Uuid(), nullable=True),
        sa.Column("resolution_note", sa.String(length=1000), nullable=True),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["admission_id"], ["admission.id"], name=op.f("fk_alert_admission_id_admission")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_alert_organization_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_alert_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["program.id"], name=op.f("fk_alert_program_id_program")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert")),
        sa.UniqueConstraint(
            "organization_id", "dedupe_key", name=op.f("uq_alert_organization_id_dedupe_key")
        ),
    )
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_admission_id"), ["admission_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_alert_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(
            "ix_alert_organization_id_status", ["organization_id", "status"], unique=False
        )

    op.create_table(
        "attendance_record",
        sa.Column("appointment_id", sa.Uuid(), nullable=False),
        sa.Column("admission_id", sa.Uuid(), nullable=False),
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("program_id", sa.Uuid(), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("minutes_attended", sa.Integer(), nullable=False),
        sa.Column("scheduled_minutes", sa.Integer(), nullable=False),
        sa.Column(
            "is_beyond_authorization", sa.Boolean(), server_default=sa.false(), nullable=False
        ),
        sa.Column("recorded_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_key_id", sa.Uuid(), nullable=True),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["admission_id"],
            ["admission.id"],
            name=op.f("fk_attendance_record_admission_id_admission"),
        ),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointment.id"],
            name=op.f("fk_attendance_record_appointment_id_appointment"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_attendance_record_organization_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_attendance_record_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["program.id"], name=op.f("fk_attendance_record_program_id_program")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance_record")),
        sa.UniqueConstraint("appointment_id", name=op.f("uq_attendance_record_appointment_id")),
    )
    with op.batch_alter_table("attendance_record", schema=None) as batch_op:
        batch_op.create_index(
            "ix_attendance_record_admission_id_local_date",
            ["admission_id", "local_date"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_attendance_record_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "attendance_revision",
        sa.Column("attendance_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("minutes_attended", sa.Integer(), nullable=False),
        sa.Column("recorded_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_key_id", sa.Uuid(), nullable=True),
        sa.Column("replaced_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("replaced_by_key_id", sa.Uuid(), nullable=True),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attendance_id"],
            ["attendance_record.id"],
            name=op.f("fk_attendance_revision_attendance_id_attendance_record"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_attendance_revision_organization_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance_revision")),
    )
    with op.batch_alter_table("attendance_revision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_attendance_revision_attendance_id"), ["attendance_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_attendance_revision_organization_id"), ["organization_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("attendance_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attendance_revision_organization_id"))
        batch_op.drop_index(batch_op.f("ix_attendance_revision_attendance_id"))

    op.drop_table("attendance_revision")
    with op.batch_alter_table("attendance_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attendance_record_organization_id"))
        batch_op.drop_index("ix_attendance_record_admission_id_local_date")

    op.drop_table("attendance_record")
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_organization_id_status")
        batch_op.drop_index(batch_op.f("ix_alert_organization_id"))
        batch_op.drop_index(batch_op.f("ix_alert_admission_id"))

    op.drop_table("alert")
