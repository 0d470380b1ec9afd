"""Indexes in the order of lists that grow without end, so that a page is read from an
index rather than by sorting every row: the admissions (newest first), the alert worklist
by status, and a webhook subscription's deliveries (newest first).

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-30
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("admission", schema=None) as batch_op:
        batch_op.create_index(
            "ix_admission_organization_id_created_at",
            ["organization_id", "created_at", "id"],
            unique=False,
        )
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_organization_id_status")
        batch_op.create_index(
            "ix_alert_organization_id_status_raised_at",
            ["organization_id", "status", "raised_at", "id"],
            unique=False,
        )
    with op.batch_alter_table("webhook_delivery", schema=None) as batch_op:
        batch_op.drop_index("ix_webhook_delivery_subscription_id")
        batch_op.create_index(
            "ix_webhook_delivery_subscription_id_created_at",
            ["subscription_id", "created_at", "id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("webhook_delivery", schema=None) as batch_op:
        batch_op.drop_index("ix_webhook_delivery_subscription_id_created_at")
        batch_op.create_index(
            "ix_webhook_delivery_subscription_id", ["subscription_id"], unique=False
        )
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_organization_id_status_raised_at")
        batch_op.create_index(
            "ix_alert_organization_id_status", ["organization_id", "status"], unique=False
        )
    with op.batch_alter_table("admission", schema=None) as batch_op:
        batch_op.drop_index("ix_admission_organization_id_created_at")
