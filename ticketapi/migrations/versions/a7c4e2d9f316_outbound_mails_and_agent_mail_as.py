"""Our mail about tickets (for the References of the next), and how an agent's mail is filed

Revision ID: a7c4e2d9f316
Revises: e3a7c51d9b20
Create Date: 2026-12-04 10:20:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7c4e2d9f316"
down_revision = "e3a7c51d9b20"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("email_accounts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("agent_mail_as", sa.String(length=5), server_default="reply", nullable=False)
        )
    op.create_table(
        "outbound_mails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("ticket_message_id", sa.Integer(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("message_id", sa.String(length=500), nullable=False),
        sa.Column("recipients", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["email_accounts.id"],
            name=op.f("fk_outbound_mails_account_id_email_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_outbound_mails_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_message_id"],
            ["messages.id"],
            name=op.f("fk_outbound_mails_ticket_message_id_messages"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbound_mails")),
    )
    with op.batch_alter_table("outbound_mails", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outbound_mails_ticket_created", ["ticket_id", "created_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("outbound_mails", schema=None) as batch_op:
        batch_op.drop_index("ix_outbound_mails_ticket_created")
    op.drop_table("outbound_mails")
    with op.batch_alter_table("email_accounts", schema=None) as batch_op:
        batch_op.drop_column("agent_mail_as")
