"""Therapy group membership details: the therapy a complementary group offers.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("therapy_group", schema=None) as batch_op:
        batch_op.add_column(sa.Column("therapy", sa.String(length=60), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("therapy_group", schema=None) as batch_op:
        batch_op.drop_column("therapy")
