"""A closed (cohort) group's first day: it takes no new member after it.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("therapy_group", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cohort_starts_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("therapy_group", schema=None) as batch_op:
        batch_op.drop_column("cohort_starts_on")
