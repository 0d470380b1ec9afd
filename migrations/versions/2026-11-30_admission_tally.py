"""How many admissions each organization has in each program and status, the total of its
admissions list (filtered by program or status, or not): kept by triggers on `admission`
(whatever writes an admission, the count follows), and filled from the admissions already
stored.

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# An admission counts in its program and status: created, moved to another status (or, should
# it ever happen, program), removed. Each change takes one from the row it leaves and adds one
# to the row it joins, made on first use.
_SQLITE_JOIN = """INSERT INTO admission_tally (organization_id, program_id, status, admissions)
        VALUES (NEW.organization_id, NEW.program_id, NEW.status, 1)
        ON CONFLICT (organization_id, program_id, status)
        DO UPDATE SET admissions = admissions + 1;"""
_SQLITE_LEAVE = """UPDATE admission_tally SET admissions = admissions - 1
        WHERE organization_id = OLD.organization_id AND program_id = OLD.program_id
        AND status = OLD.status;"""
_SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER admission_tally_on_insert AFTER INSERT ON admission BEGIN
        {_SQLITE_JOIN}
    END""",
    f"""CREATE TRIGGER admission_tally_on_update AFTER UPDATE OF status, program_id ON admission
    WHEN OLD.status <> NEW.status OR OLD.program_id <> NEW.program_id BEGIN
        {_SQLITE_LEAVE}
        {_SQLITE_JOIN}
    END""",
    f"""CREATE TRIGGER admission_tally_on_delete AFTER DELETE ON admission BEGIN
        {_SQLITE_LEAVE}
    END""",
)
_POSTGRESQL_ADD = """
CREATE FUNCTION admission_tally_add(organization uuid, program uuid, state text, change integer)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO admission_tally (organization_id, program_id, status, admissions)
    VALUES (organization, program, state, change)
    ON CONFLICT (organization_id, program_id, status)
    DO UPDATE SET admissions = admission_tally.admissions + EXCLUDED.admissions
$$"""
# A move locks the row it leaves and the row it joins until the commit, always in the rows'
# order: two moves in opposite directions (a hold and a resume in one program) then queue on
# the same row instead of each holding the row the other waits for (a deadlock). SQLite has
# one writer at a time, so there the order does not matter.
_POSTGRESQL_FUNCTION = """
CREATE FUNCTION admission_tally_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM admission_tally_add(NEW.organization_id, NEW.program_id, NEW.status, 1);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM admission_tally_add(OLD.organization_id, OLD.program_id, OLD.status, -1);
    ELSIF (OLD.program_id, OLD.status) < (NEW.program_id, NEW.status) THEN
        PERFORM admission_tally_add(OLD.organization_id, OLD.program_id, OLD.status, -1);
        PERFORM admission_tally_add(NEW.organization_id, NEW.program_id, NEW.status, 1);
    ELSIF (OLD.program_id, OLD.status) > (NEW.program_id, NEW.status) THEN
        PERFORM admission_tally_add(NEW.organization_id, NEW.program_id, NEW.status, 1);
        PERFORM admission_tally_add(OLD.organization_id, OLD.program_id, OLD.status, -1);
    END IF;
    RETURN NULL;
END $$"""
_POSTGRESQL_TRIGGER = """
CREATE TRIGGER admission_tally_follow AFTER INSERT OR UPDATE OF status, program_id OR DELETE
ON admission FOR EACH ROW EXECUTE FUNCTION admission_tally_follow()"""


def upgrade() -> None:
    op.create_table(
        "admission_tally",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("program_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("admissions", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_admission_tally_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_admission_tally_program_id_program"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "organization_id", "program_id", "status", name=op.f("pk_admission_tally")
        ),
    )
    op.execute(
        "INSERT INTO admission_tally (organization_id, program_id, status, admissions)"
        " SELECT organization_id, program_id, status, count(*) FROM admission"
        " GROUP BY organization_id, program_id, status"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_POSTGRESQL_ADD)
        op.execute(_POSTGRESQL_FUNCTION)
        op.execute(_POSTGRESQL_TRIGGER)
    else:
        for trigger in _SQLITE_TRIGGERS:
            op.execute(trigger)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER admission_tally_follow ON admission")
        op.execute("DROP FUNCTION admission_tally_follow()")
        op.execute("DROP FUNCTION admission_tally_add(uuid, uuid, text, integer)")
    else:
        for name in ("on_insert", "on_update", "on_delete"):
            op.execute(f"DROP TRIGGER admission_tally_{name}")
    op.drop_table("admission_tally")
