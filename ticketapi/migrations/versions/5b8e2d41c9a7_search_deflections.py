"""Search deflections

Revision ID: 5b8e2d41c9a7
Revises: 5d3a8f1c2e7b
Create Date: 2026-11-26 10:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5b8e2d41c9a7"
down_revision = "5d3a8f1c2e7b"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "search_deflections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("query", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_deflections")),
    )
    with op.batch_alter_table("search_deflections", schema=None) as batch_op:
        batch_op.create_index("ix_search_deflections_created_at", ["created_at"], unique=False)
        batch_op.create_index(
            "ix_search_deflections_url_created_at", ["url", "created_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("search_deflections", schema=None) as batch_op:
        batch_op.drop_index("ix_search_deflections_url_created_at")
        batch_op.drop_index("ix_search_deflections_created_at")
    op.drop_table("search_deflections")
