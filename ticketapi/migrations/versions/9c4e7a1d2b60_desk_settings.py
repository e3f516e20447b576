"""The help desk's settings: the default team for portal and API submissions

Revision ID: 9c4e7a1d2b60
Revises: 5b8e2d41c9a7
Create Date: 2026-12-03 11:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9c4e7a1d2b60"
down_revision = "5b8e2d41c9a7"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "desk_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("default_team_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["default_team_id"],
            ["teams.id"],
            name=op.f("fk_desk_settings_default_team_id_teams"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_settings")),
    )


def downgrade():
    op.drop_table("desk_settings")
