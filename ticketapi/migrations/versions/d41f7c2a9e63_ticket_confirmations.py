"""Ticket confirmations: a submission made without signing in waits for its address

Revision ID: d41f7c2a9e63
Revises: 9c4e7a2b5d18
Create Date: 2026-12-02 10:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d41f7c2a9e63"
down_revision = "9c4e7a2b5d18"
branch_labels = None
depends_on = None


def upgrade():
    # Every ticket so far stays as it was: confirmed, seen by whoever saw it before.
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("confirmed", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    op.create_table(
        "ticket_confirmations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_ticket_confirmations_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_confirmations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_ticket_confirmations_token_hash")),
    )
    with op.batch_alter_table("ticket_confirmations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ticket_confirmations_ticket_id"), ["ticket_id"], unique=False
        )
        batch_op.create_index(
            "ix_ticket_confirmations_email_created", ["email", "created_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("ticket_confirmations", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_confirmations_email_created")
        batch_op.drop_index(batch_op.f("ix_ticket_confirmations_ticket_id"))
    op.drop_table("ticket_confirmations")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_column("confirmed")
