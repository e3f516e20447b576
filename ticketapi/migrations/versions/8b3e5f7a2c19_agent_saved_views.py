"""The views agents save from a ticket filter

Revision ID: 8b3e5f7a2c19
Revises: 6a2f9d3c8e41
Create Date: 2026-12-03 16:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "8b3e5f7a2c19"
down_revision = "6a2f9d3c8e41"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "agent_saved_views",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agents.id"],
            name=op.f("fk_agent_saved_views_agent_id_agents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_saved_views")),
        sa.UniqueConstraint("agent_id", "name", name=op.f("uq_agent_saved_views_agent_id_name")),
    )
    with op.batch_alter_table("agent_saved_views", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agent_saved_views_agent_id"), ["agent_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("agent_saved_views", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agent_saved_views_agent_id"))
    op.drop_table("agent_saved_views")
