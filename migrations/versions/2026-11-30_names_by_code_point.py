"""Folded names compare by code point on PostgreSQL too (the "C" collation), as they always have
on SQLite: a name search by family name then reads its page from the list's own index, in its
order, instead of sorting every match, and its own prefix index goes. The given-name index no
longer needs `text_pattern_ops` for `LIKE`: the search reads a range.

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FOLDED = ("family_name_folded", "given_name_folded")
_GIVEN = "ix_patient_organization_id_given_name_prefix"
_FAMILY = "ix_patient_organization_id_family_name_prefix"


def upgrade() -> None:
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.drop_index(_FAMILY)
        batch_op.drop_index(_GIVEN)
        if op.get_bind().dialect.name == "postgresql":
            for column in _FOLDED:
                batch_op.alter_column(column, type_=sa.String(100, collation="C"))
        batch_op.create_index(_GIVEN, ["organization_id", "given_name_folded"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.drop_index(_GIVEN)
        if op.get_bind().dialect.name == "postgresql":
            for column in _FOLDED:
                batch_op.alter_column(column, type_=sa.String(100, collation="default"))
        for name, column in ((_FAMILY, "family_name_folded"), (_GIVEN, "given_name_folded")):
            batch_op.create_index(
                name,
                ["organization_id", column],
                unique=False,
                postgresql_ops={column: "text_pattern_ops"},
            )
