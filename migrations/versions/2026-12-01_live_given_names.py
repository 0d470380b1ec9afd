"""A name search by given name sorts its matches out of one index alone, with no look at the
table: the live patients' given names, with the family name and id that order the list. It
replaces the plain given-name index.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD = "ix_patient_organization_id_given_name_prefix"
_NEW = "ix_patient_live_given_name"
_LIVE = sa.text("deleted_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.drop_index(_OLD)
        batch_op.create_index(
            _NEW,
            ["organization_id", "given_name_folded", "family_name_folded", "id"],
            unique=False,
            sqlite_where=_LIVE,
            postgresql_where=_LIVE,
        )


def downgrade() -> None:
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.drop_index(_NEW)
        batch_op.create_index(_OLD, ["organization_id", "given_name_folded"], unique=False)
