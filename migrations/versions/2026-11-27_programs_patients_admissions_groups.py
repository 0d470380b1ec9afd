"""Programs, staff, rooms, patients, admissions and therapy groups.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "patient",
        sa.Column("given_name", sa.String(length=100), nullable=False),
        sa.Column("family_name", sa.String(length=100), nullable=False),
        sa.Column("family_name_folded", sa.String(length=100), nullable=False),
        sa.Column("given_name_folded", sa.String(length=100), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("sex", sa.String(length=20), nullable=True),
        sa.Column("gender_identity", sa.String(length=40), nullable=True),
        sa.Column("is_veteran", sa.Boolean(), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("address", sa.JSON(), nullable=True),
        sa.Column("guardian", sa.JSON(), nullable=True),
        sa.Column("deleted_at", app.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_patient_organization_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patient")),
    )
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_patient_date_of_birth"), ["date_of_birth"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_patient_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(
            "ix_patient_organization_id_family_name",
            ["organization_id", "family_name_folded"],
            unique=False,
        )

    op.create_table(
        "program",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("track", sa.String(length=16), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("operating_hours", sa.JSON(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("subdivision", sa.String(length=10), nullable=True),
        sa.Column("closures", sa.JSON(), nullable=False),
        sa.Column("settings_version", sa.Integer(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_program_organization_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program")),
    )
    with op.batch_alter_table("program", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_program_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "room",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_room_organization_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_room")),
    )
    with op.batch_alter_table("room", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_room_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "staff_member",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=True),
        sa.Column("credential", sa.String(length=40), nullable=True),
        sa.Column("license_number", sa.String(length=60), nullable=True),
        sa.Column("session_kinds", sa.JSON(), nullable=False),
        sa.Column("therapies", sa.JSON(), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_staff_member_organization_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_member")),
    )
    with op.batch_alter_table("staff_member", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_staff_member_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "admission",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("program_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("settings_version", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("recommended_level", sa.String(length=4), nullable=True),
        sa.Column("is_adolescent", sa.Boolean(), nullable=False),
        sa.Column("is_step_down", sa.Boolean(), nullable=False),
        sa.Column("part2_notice_given_on", sa.Date(), nullable=True),
        sa.Column("authorized_days", sa.Integer(), nullable=True),
        sa.Column("authorization_starts_on", sa.Date(), nullable=True),
        sa.Column("authorization_ends_on", sa.Date(), nullable=True),
        sa.Column("next_review_on", sa.Date(), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("discharge_type", sa.String(length=20), nullable=True),
        sa.Column("discharged_on", sa.Date(), nullable=True),
        sa.Column("discharge_reason", sa.String(length=1000), nullable=True),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_admission_organization_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_admission_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["program.id"], name=op.f("fk_admission_program_id_program")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admission")),
    )
    with op.batch_alter_table("admission", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_admission_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_admission_patient_id"), ["patient_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_admission_program_id"), ["program_id"], unique=False)
        batch_op.create_index(
            "uq_admission_open_per_patient_program",
            ["patient_id", "program_id"],
            unique=True,
            postgresql_where=sa.text("status IN ('pending', 'approved', 'active', 'on_hold')"),
            sqlite_where=sa.text("status IN ('pending', 'approved', 'active', 'on_hold')"),
        )

    op.create_table(
        "consent_record",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("recipient", sa.String(length=200), nullable=False),
        sa.Column("purposes", sa.JSON(), nullable=False),
        sa.Column("information", sa.String(length=500), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("revoked_at", app.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_consent_record_organization_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
            name=op.f("fk_consent_record_patient_id_patient"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_record")),
    )
    with op.batch_alter_table("consent_record", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consent_record_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_consent_record_patient_id"), ["patient_id"], unique=False
        )

    op.create_table(
        "patient_identifier",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("system", sa.String(length=200), nullable=False),
        sa.Column("value", sa.String(length=100), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_patient_identifier_organization_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
            name=op.f("fk_patient_identifier_patient_id_patient"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patient_identifier")),
        sa.UniqueConstraint(
            "organization_id",
            "system",
            "value",
            name=op.f("uq_patient_identifier_organization_id_system_value"),
        ),
    )
    with op.batch_alter_table("patient_identifier", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_patient_identifier_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_patient_identifier_patient_id"), ["patient_id"], unique=False
        )

    op.create_table(
        "program_settings_version",
        sa.Column("program_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("changed_by_key_id", sa.Uuid(), nullable=True),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_program_settings_version_organization_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_program_settings_version_program_id_program"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_settings_version")),
        sa.UniqueConstraint(
            "program_id", "number", name=op.f("uq_program_settings_version_program_id_number")
        ),
    )
    with op.batch_alter_table("program_settings_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_program_settings_version_organization_id"),
            ["organization_id"],
            unique=False,
        )

    op.create_table(
        "therapy_group",
        sa.Column("program_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("topic", sa.String(length=60), nullable=False),
        sa.Column("specialization", sa.String(length=60), nullable=True),
        sa.Column("facilitator_id", sa.Uuid(), nullable=True),
        sa.Column("room_id", sa.Uuid(), nullable=True),
        sa.Column("modality", sa.String(length=20), nullable=False),
        sa.Column("weekdays", sa.JSON(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("track", sa.String(length=16), nullable=False),
        sa.Column("admission_type", sa.String(length=10), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("min_size", sa.Integer(), nullable=False),
        sa.Column("max_size", sa.Integer(), nullable=False),
        sa.Column("closed_at", app.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["facilitator_id"],
            ["staff_member.id"],
            name=op.f("fk_therapy_group_facilitator_id_staff_member"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_therapy_group_organization_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["program.id"], name=op.f("fk_therapy_group_program_id_program")
        ),
        sa.ForeignKeyConstraint(
            ["room_id"], ["room.id"], name=op.f("fk_therapy_group_room_id_room")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_therapy_group")),
    )
    with op.batch_alter_table("therapy_group", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_therapy_group_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_therapy_group_program_id"), ["program_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_therapy_group_specialization"), ["specialization"], unique=False
        )

    op.create_table(
        "admission_assessment",
        sa.Column("admission_id", sa.Uuid(), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("asam_edition", sa.Integer(), nullable=True),
        sa.Column("assessment", sa.JSON(), nullable=False),
        sa.Column("decision", sa.JSON(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("recommended_level", sa.String(length=4), nullable=True),
        sa.Column("by_key_id", sa.Uuid(), nullable=True),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["admission_id"],
            ["admission.id"],
            name=op.f("fk_admission_assessment_admission_id_admission"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_admission_assessment_organization_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admission_assessment")),
    )
    with op.batch_alter_table("admission_assessment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_admission_assessment_admission_id"), ["admission_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_admission_assessment_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "admission_transition",
        sa.Column("admission_id", sa.Uuid(), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("occurred_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("by_key_id", sa.Uuid(), nullable=True),
        sa.Column("reason", sa.String(length=1000), nullable=True),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["admission_id"],
            ["admission.id"],
            name=op.f("fk_admission_transition_admission_id_admission"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_admission_transition_organization_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admission_transition")),
    )
    with op.batch_alter_table("admission_transition", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_admission_transition_admission_id"), ["admission_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_admission_transition_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "group_membership",
        sa.Column("group_id", sa.Uuid(), nullable=False),
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("admission_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("requested_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("enrolled_at", app.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("promoted_at", app.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("ended_at", app.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=500), nullable=True),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["admission_id"],
            ["admission.id"],
            name=op.f("fk_group_membership_admission_id_admission"),
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["therapy_group.id"],
            name=op.f("fk_group_membership_group_id_therapy_group"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_group_membership_organization_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_group_membership_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_membership")),
    )
    with op.batch_alter_table("group_membership", schema=None) as batch_op:
        batch_op.create_index(
            "ix_group_membership_group_id_status", ["group_id", "status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_group_membership_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_group_membership_patient_id"), ["patient_id"], unique=False
        )
        batch_op.create_index(
            "uq_group_membership_open",
            ["group_id", "patient_id"],
            unique=True,
            postgresql_where=sa.text("status IN ('enrolled', 'waitlisted')"),
            sqlite_where=sa.text("status IN ('enrolled', 'waitlisted')"),
        )


def downgrade() -> None:
    with op.batch_alter_table("group_membership", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_group_membership_open",
            postgresql_where=sa.text("status IN ('enrolled', 'waitlisted')"),
            sqlite_where=sa.text("status IN ('enrolled', 'waitlisted')"),
        )
        batch_op.drop_index(batch_op.f("ix_group_membership_patient_id"))
        batch_op.drop_index(batch_op.f("ix_group_membership_organization_id"))
        batch_op.drop_index("ix_group_membership_group_id_status")

    op.drop_table("group_membership")
    with op.batch_alter_table("admission_transition", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_admission_transition_organization_id"))
        batch_op.drop_index(batch_op.f("ix_admission_transition_admission_id"))

    op.drop_table("admission_transition")
    with op.batch_alter_table("admission_assessment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_admission_assessment_organization_id"))
        batch_op.drop_index(batch_op.f("ix_admission_assessment_admission_id"))

    op.drop_table("admission_assessment")
    with op.batch_alter_table("therapy_group", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_therapy_group_specialization"))
        batch_op.drop_index(batch_op.f("ix_therapy_group_program_id"))
        batch_op.drop_index(batch_op.f("ix_therapy_group_organization_id"))

    op.drop_table("therapy_group")
    with op.batch_alter_table("program_settings_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_program_settings_version_organization_id"))

    op.drop_table("program_settings_version")
    with op.batch_alter_table("patient_identifier", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_patient_identifier_patient_id"))
        batch_op.drop_index(batch_op.f("ix_patient_identifier_organization_id"))

    op.drop_table("patient_identifier")
    with op.batch_alter_table("consent_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_record_patient_id"))
        batch_op.drop_index(batch_op.f("ix_consent_record_organization_id"))

    op.drop_table("consent_record")
    with op.batch_alter_table("admission", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_admission_open_per_patient_program",
            postgresql_where=sa.text("status IN ('pending', 'approved', 'active', 'on_hold')"),
            sqlite_where=sa.text("status IN ('pending', 'approved', 'active', 'on_hold')"),
        )
        batch_op.drop_index(batch_op.f("ix_admission_program_id"))
        batch_op.drop_index(batch_op.f("ix_admission_patient_id"))
        batch_op.drop_index(batch_op.f("ix_admission_organization_id"))

    op.drop_table("admission")
    with op.batch_alter_table("staff_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_member_organization_id"))

    op.drop_table("staff_member")
    with op.batch_alter_table("room", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_room_organization_id"))

    op.drop_table("room")
    with op.batch_alter_table("program", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_program_organization_id"))

    op.drop_table("program")
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.drop_index("ix_patient_organization_id_family_name")
        batch_op.drop_index(batch_op.f("ix_patient_organization_id"))
        batch_op.drop_index(batch_op.f("ix_patient_date_of_birth"))

    op.drop_table("patient")
