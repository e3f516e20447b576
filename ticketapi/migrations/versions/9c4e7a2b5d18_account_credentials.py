"""Account credentials: a generation per account and per sign-in token

Revision ID: 9c4e7a2b5d18
Revises: 5b8e2d41c9a7
Create Date: 2026-11-27 10:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9c4e7a2b5d18"
down_revision = "5b8e2d41c9a7"
branch_labels = None
depends_on = None

GENERATIONS = ("agents", "users", "tokens")


def upgrade():
    # Every existing token and account starts at 0: the tokens in use keep working.
    for table in GENERATIONS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(
                    "credentials_generation", sa.Integer(), server_default="0", nullable=False
                )
            )


def downgrade():
    for table in reversed(GENERATIONS):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("credentials_generation")
