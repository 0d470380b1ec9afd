"""The live-patient count of each organization, the total of its unfiltered patient list: kept
by triggers on `patient` (whatever writes a patient, the count follows), and filled from the
patients already stored.

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A patient counts while it is not deleted: created live, deleted (stamped) or undeleted,
# removed for good. Each change adds or takes one from its organization's row, made on first use.
_SQLITE_TRIGGERS = (
    """CREATE TRIGGER patient_tally_on_insert AFTER INSERT ON patient
    WHEN NEW.deleted_at IS NULL BEGIN
        INSERT INTO patient_tally (organization_id, live) VALUES (NEW.organization_id, 1)
        ON CONFLICT (organization_id) DO UPDATE SET live = live + 1;
    END""",
    """CREATE TRIGGER patient_tally_on_deleted_at AFTER UPDATE OF deleted_at ON patient
    WHEN (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL) BEGIN
        INSERT INTO patient_tally (organization_id, live)
        VALUES (NEW.organization_id, CASE WHEN NEW.deleted_at IS NULL THEN 1 ELSE 0 END)
        ON CONFLICT (organization_id)
        DO UPDATE SET live = live + CASE WHEN NEW.deleted_at IS NULL THEN 1 ELSE -1 END;
    END""",
    """CREATE TRIGGER patient_tally_on_delete AFTER DELETE ON patient
    WHEN OLD.deleted_at IS NULL BEGIN
        UPDATE patient_tally SET live = live - 1 WHERE organization_id = OLD.organization_id;
    END""",
)
_POSTGRESQL_FUNCTION = """
CREATE FUNCTION patient_tally_follow() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    change integer := 0;
    organization uuid;
BEGIN
    IF TG_OP = 'INSERT' THEN
        organization := NEW.organization_id;
        IF NEW.deleted_at IS NULL THEN change := 1; END IF;
    ELSIF TG_OP = 'DELETE' THEN
        organization := OLD.organization_id;
        IF OLD.deleted_at IS NULL THEN change := -1; END IF;
    ELSE
        organization := NEW.organization_id;
        IF OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL THEN change := -1;
        ELSIF OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NULL THEN change := 1;
        END IF;
    END IF;
    IF change <> 0 THEN
        INSERT INTO patient_tally (organization_id, live) VALUES (organization, change)
        ON CONFLICT (organization_id) DO UPDATE SET live = patient_tally.live + EXCLUDED.live;
    END IF;
    RETURN NULL;
END $$"""
_POSTGRESQL_TRIGGER = """
CREATE TRIGGER patient_tally_follow AFTER INSERT OR UPDATE OF deleted_at OR DELETE ON patient
FOR EACH ROW EXECUTE FUNCTION patient_tally_follow()"""


def upgrade() -> None:
    op.create_table(
        "patient_tally",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("live", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_patient_tally_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organization_id", name=op.f("pk_patient_tally")),
    )
    op.execute(
        "INSERT INTO patient_tally (organization_id, live)"
        " SELECT organization_id, count(*) FROM patient WHERE deleted_at IS NULL"
        " GROUP BY organization_id"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_POSTGRESQL_FUNCTION)
        op.execute(_POSTGRESQL_TRIGGER)
    else:
        for trigger in _SQLITE_TRIGGERS:
            op.execute(trigger)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER patient_tally_follow ON patient")
        op.execute("DROP FUNCTION patient_tally_follow()")
    else:
        for name in ("on_insert", "on_deleted_at", "on_delete"):
            op.execute(f"DROP TRIGGER patient_tally_{name}")
    op.drop_table("patient_tally")
