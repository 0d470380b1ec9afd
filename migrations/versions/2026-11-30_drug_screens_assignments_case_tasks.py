"""Drug screens during treatment, home assignments and case-management tasks.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_task",
        sa.Column("admission_id", sa.Uuid(), nullable=False),
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("details", sa.String(length=2000), nullable=True),
        sa.Column("owner_staff_id", sa.Uuid(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_by_key_id", sa.Uuid(), nullable=True),
        sa.Column("closed_at", app.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("closed_by_key_id", sa.Uuid(), nullable=True),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["admission_id"], ["admission.id"], name=op.f("fk_case_task_admission_id_admission")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_case_task_organization_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["owner_staff_id"],
            ["staff_member.id"],
            name=op.f("fk_case_task_owner_staff_id_staff_member"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_case_task_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_task")),
    )
    with op.batch_alter_table("case_task", schema=None) as batch_op:
        batch_op.create_index(
            "ix_case_task_admission_id_status", ["admission_id", "status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_case_task_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_case_task_owner_staff_id"), ["owner_staff_id"], unique=False
        )

    op.create_table(
        "drug_screen",
        sa.Column("admission_id", sa.Uuid(), nullable=False),
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("program_id", sa.Uuid(), nullable=False),
        sa.Column("collected_on", sa.Date(), nullable=False),
        sa.Column("result", sa.String(length=20), nullable=False),
        sa.Column("substances", sa.JSON(), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=True),
        sa.Column("action", sa.String(length=30), nullable=True),
        sa.Column("recorded_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_key_id", sa.Uuid(), nullable=True),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["admission_id"], ["admission.id"], name=op.f("fk_drug_screen_admission_id_admission")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_drug_screen_organization_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_drug_screen_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["program.id"], name=op.f("fk_drug_screen_program_id_program")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drug_screen")),
    )
    with op.batch_alter_table("drug_screen", schema=None) as batch_op:
        batch_op.create_index(
            "ix_drug_screen_admission_id_collected_on",
            ["admission_id", "collected_on"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_drug_screen_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "home_assignment",
        sa.Column("admission_id", sa.Uuid(), nullable=False),
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("instructions", sa.String(length=2000), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("assigned_by_key_id", sa.Uuid(), nullable=True),
        sa.Column("completed_at", app.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("completed_by_key_id", sa.Uuid(), nullable=True),
        sa.Column("completion_note", sa.String(length=1000), nullable=True),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["admission_id"],
            ["admission.id"],
            name=op.f("fk_home_assignment_admission_id_admission"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_home_assignment_organization_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_home_assignment_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_home_assignment")),
    )
    with op.batch_alter_table("home_assignment", schema=None) as batch_op:
        batch_op.create_index(
            "ix_home_assignment_admission_id_status", ["admission_id", "status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_home_assignment_organization_id"), ["organization_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("home_assignment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_home_assignment_organization_id"))
        batch_op.drop_index("ix_home_assignment_admission_id_status")

    op.drop_table("home_assignment")
    with op.batch_alter_table("drug_screen", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_drug_screen_organization_id"))
        batch_op.drop_index("ix_drug_screen_admission_id_collected_on")

    op.drop_table("drug_screen")
    with op.batch_alter_table("case_task", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_task_owner_staff_id"))
        batch_op.drop_index(batch_op.f("ix_case_task_organization_id"))
        batch_op.drop_index("ix_case_task_admission_id_status")

    op.drop_table("case_task")
