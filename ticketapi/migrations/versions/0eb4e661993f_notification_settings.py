"""Notification settings

Revision ID: 0eb4e661993f
Revises: b7e2c4d9a1f3
Create Date: 2026-11-26 10:12:40.518306

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0eb4e661993f"
down_revision = "b7e2c4d9a1f3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "notification_settings",
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("new_ticket_for_team", sa.Boolean(), nullable=False),
        sa.Column("assigned_to_me", sa.Boolean(), nullable=False),
        sa.Column("user_reply", sa.Boolean(), nullable=False),
        sa.Column("sla_warning", sa.Boolean(), nullable=False),
        sa.Column("sla_failure", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agents.id"],
            name=op.f("fk_notification_settings_agent_id_agents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("agent_id", name=op.f("pk_notification_settings")),
    )


def downgrade():
    op.drop_table("notification_settings")
