"""Ticket email accounts, and every inbound message stored raw before it is parsed

Revision ID: e3a7c51d9b20
Revises: 8b3e5f7a2c19
Create Date: 2026-12-03 18:15:17.759686

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e3a7c51d9b20"
down_revision = "8b3e5f7a2c19"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "email_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("auto_acknowledge", sa.Boolean(), nullable=False),
        sa.Column("add_cc_recipients", sa.Boolean(), nullable=False),
        sa.Column("imap_host", sa.String(length=253), nullable=True),
        sa.Column("imap_port", sa.Integer(), nullable=True),
        sa.Column("imap_username", sa.String(length=254), nullable=True),
        sa.Column("imap_password_encrypted", sa.Text(), nullable=True),
        sa.Column("imap_folder", sa.String(length=200), nullable=True),
        sa.Column("imap_tls", sa.Boolean(), nullable=True),
        sa.Column("imap_last_uid", sa.BigInteger(), nullable=True),
        sa.Column("imap_uid_validity", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_email_accounts_team_id_teams"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_accounts")),
        sa.UniqueConstraint("address", name=op.f("uq_email_accounts_address")),
    )
    op.create_table(
        "inbound_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("message_id", sa.String(length=500), nullable=True),
        sa.Column("raw_sha256", sa.String(length=64), nullable=False),
        sa.Column("raw_size", sa.BigInteger(), nullable=False),
        sa.Column("raw_path", sa.String(length=300), nullable=False),
        sa.Column("from_address", sa.String(length=254), nullable=True),
        sa.Column("from_name", sa.String(length=200), nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("kind", sa.String(length=12), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("ticket_message_id", sa.Integer(), nullable=True),
        sa.Column("duplicate_of_id", sa.Integer(), nullable=True),
        sa.Column("full_text", sa.Text(), nullable=True),
        sa.Column("full_html", sa.Text(), nullable=True),
        sa.Column("handled_at", sa.DateTime(), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["email_accounts.id"],
            name=op.f("fk_inbound_messages_account_id_email_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["duplicate_of_id"],
            ["inbound_messages.id"],
            name=op.f("fk_inbound_messages_duplicate_of_id_inbound_messages"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_inbound_messages_ticket_id_tickets"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_message_id"],
            ["messages.id"],
            name=op.f("fk_inbound_messages_ticket_message_id_messages"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_messages")),
    )
    with op.batch_alter_table("inbound_messages", schema=None) as batch_op:
        batch_op.create_index(
            "ix_inbound_messages_account_received", ["account_id", "received_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inbound_messages_message_id"), ["message_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inbound_messages_raw_sha256"), ["raw_sha256"], unique=False
        )
        batch_op.create_index(
            "ix_inbound_messages_sender_acknowledged",
            ["from_address", "acknowledged_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_inbound_messages_state_received", ["state", "received_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inbound_messages_ticket_id"), ["ticket_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("inbound_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inbound_messages_ticket_id"))
        batch_op.drop_index("ix_inbound_messages_state_received")
        batch_op.drop_index("ix_inbound_messages_sender_acknowledged")
        batch_op.drop_index(batch_op.f("ix_inbound_messages_raw_sha256"))
        batch_op.drop_index(batch_op.f("ix_inbound_messages_message_id"))
        batch_op.drop_index("ix_inbound_messages_account_received")

    op.drop_table("inbound_messages")
    op.drop_table("email_accounts")
