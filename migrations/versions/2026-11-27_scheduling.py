"""Treatment plans, their sessions and appointments.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "treatment_plan",
        sa.Column("admission_id", sa.Uuid(), nullable=False),
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("program_id", sa.Uuid(), nullable=False),
        sa.Column("previous_plan_id", sa.Uuid(), nullable=True),
        sa.Column("settings_version", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("move_skipped_days", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("superseded_at", app.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["admission_id"],
            ["admission.id"],
            name=op.f("fk_treatment_plan_admission_id_admission"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_treatment_plan_organization_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_treatment_plan_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["previous_plan_id"],
            ["treatment_plan.id"],
            name=op.f("fk_treatment_plan_previous_plan_id_treatment_plan"),
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["program.id"], name=op.f("fk_treatment_plan_program_id_program")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_treatment_plan")),
    )
    with op.batch_alter_table("treatment_plan", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_treatment_plan_admission_id"), ["admission_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_treatment_plan_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(
            "ix_treatment_plan_organization_id_status", ["organization_id", "status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_treatment_plan_patient_id"), ["patient_id"], unique=False
        )
        batch_op.create_index(
            "uq_treatment_plan_current_per_admission",
            ["admission_id"],
            unique=True,
            postgresql_where=sa.text("status = 'current'"),
            sqlite_where=sa.text("status = 'current'"),
        )

    op.create_table(
        "treatment_plan_session",
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.String(length=10), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("modality", sa.String(length=20), nullable=False),
        sa.Column("group_id", sa.Uuid(), nullable=True),
        sa.Column("staff_id", sa.Uuid(), nullable=True),
        sa.Column("room_id", sa.Uuid(), nullable=True),
        sa.Column("therapy", sa.String(length=60), nullable=True),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["therapy_group.id"],
            name=op.f("fk_treatment_plan_session_group_id_therapy_group"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_treatment_plan_session_organization_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["treatment_plan.id"],
            name=op.f("fk_treatment_plan_session_plan_id_treatment_plan"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["room_id"], ["room.id"], name=op.f("fk_treatment_plan_session_room_id_room")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_member.id"],
            name=op.f("fk_treatment_plan_session_staff_id_staff_member"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_treatment_plan_session")),
    )
    with op.batch_alter_table("treatment_plan_session", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_treatment_plan_session_organization_id"),
            ["organization_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_treatment_plan_session_plan_id"), ["plan_id"], unique=False
        )

    op.create_table(
        "appointment",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("admission_id", sa.Uuid(), nullable=False),
        sa.Column("program_id", sa.Uuid(), nullable=False),
        sa.Column("plan_id", sa.Uuid(), nullable=True),
        sa.Column("plan_session_id", sa.Uuid(), nullable=True),
        sa.Column("group_id", sa.Uuid(), nullable=True),
        sa.Column("staff_id", sa.Uuid(), nullable=True),
        sa.Column("room_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("modality", sa.String(length=20), nullable=False),
        sa.Column("starts_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("planned_starts_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("cancel_reason", sa.String(length=20), nullable=True),
        sa.Column("cancel_note", sa.String(length=500), nullable=True),
        sa.Column("cancelled_at", app.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("is_rescheduled", sa.Boolean(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["admission_id"], ["admission.id"], name=op.f("fk_appointment_admission_id_admission")
        ),
        sa.ForeignKeyConstraint(
            ["group_id"], ["therapy_group.id"], name=op.f("fk_appointment_group_id_therapy_group")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_appointment_organization_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_appointment_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["treatment_plan.id"], name=op.f("fk_appointment_plan_id_treatment_plan")
        ),
        sa.ForeignKeyConstraint(
            ["plan_session_id"],
            ["treatment_plan_session.id"],
            name=op.f("fk_appointment_plan_session_id_treatment_plan_session"),
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["program.id"], name=op.f("fk_appointment_program_id_program")
        ),
        sa.ForeignKeyConstraint(["room_id"], ["room.id"], name=op.f("fk_appointment_room_id_room")),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_member.id"], name=op.f("fk_appointment_staff_id_staff_member")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointment")),
    )
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.create_index(
            "ix_appointment_admission_id_starts_at", ["admission_id", "starts_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_appointment_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(
            "ix_appointment_organization_id_local_date",
            ["organization_id", "local_date"],
            unique=False,
        )
        batch_op.create_index(
            "ix_appointment_patient_id_starts_at", ["patient_id", "starts_at"], unique=False
        )
        batch_op.create_index(
            "ix_appointment_room_id_starts_at", ["room_id", "starts_at"], unique=False
        )
        batch_op.create_index(
            "ix_appointment_staff_id_starts_at", ["staff_id", "starts_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.drop_index("ix_appointment_staff_id_starts_at")
        batch_op.drop_index("ix_appointment_room_id_starts_at")
        batch_op.drop_index("ix_appointment_patient_id_starts_at")
        batch_op.drop_index("ix_appointment_organization_id_local_date")
        batch_op.drop_index(batch_op.f("ix_appointment_organization_id"))
        batch_op.drop_index("ix_appointment_admission_id_starts_at")

    op.drop_table("appointment")
    with op.batch_alter_table("treatment_plan_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_treatment_plan_session_plan_id"))
        batch_op.drop_index(batch_op.f("ix_treatment_plan_session_organization_id"))

    op.drop_table("treatment_plan_session")
    with op.batch_alter_table("treatment_plan", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_treatment_plan_current_per_admission",
            postgresql_where=sa.text("status = 'current'"),
            sqlite_where=sa.text("status = 'current'"),
        )
        batch_op.drop_index(batch_op.f("ix_treatment_plan_patient_id"))
        batch_op.drop_index("ix_treatment_plan_organization_id_status")
        batch_op.drop_index(batch_op.f("ix_treatment_plan_organization_id"))
        batch_op.drop_index(batch_op.f("ix_treatment_plan_admission_id"))

    op.drop_table("treatment_plan")
