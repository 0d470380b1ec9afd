"""Treatment plans may book beyond the authorization; calendar events carry their own
sequence.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("treatment_plan") as batch:
        batch.add_column(
            sa.Column(
                "book_beyond_authorization", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
    with op.batch_alter_table("appointment") as batch:
        batch.add_column(sa.Column("sequence", sa.Integer(), server_default="0", nullable=False))
    # An event that already changed keeps the sequence its feed last showed.
    op.execute("UPDATE appointment SET sequence = version - 1")


def downgrade() -> None:
    with op.batch_alter_table("appointment") as batch:
        batch.drop_column("sequence")
    with op.batch_alter_table("treatment_plan") as batch:
        batch.drop_column("book_beyond_authorization")
