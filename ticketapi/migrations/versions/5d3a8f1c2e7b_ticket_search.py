"""The agents' ticket search index: FTS5 on SQLite, a weighted tsvector on PostgreSQL

Revision ID: 5d3a8f1c2e7b
Revises: 0eb4e661993f
Create Date: 2026-11-27 09:30:00.000000

Written by hand: the index is outside the models (env.py leaves it out of autogenerate).
The ticket services keep it in step; `helpdesk db upgrade` fills it for existing tickets,
and `helpdesk tickets reindex` rebuilds it.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "5d3a8f1c2e7b"
down_revision = "0eb4e661993f"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        # One row per ticket, rowid = ticket id; prefix indexes make as-you-type cheap.
        op.execute(
            "CREATE VIRTUAL TABLE ticket_search USING fts5("
            "subject, requester, public_text, note_text, "
            "tokenize = 'porter unicode61 remove_diacritics 2', prefix = '3')"
        )
        return
    op.create_table(
        "ticket_search",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("document", postgresql.TSVECTOR(), nullable=False),
        sa.Column("indexed_chars", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name="fk_ticket_search_ticket_id_tickets",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("ticket_id", name="pk_ticket_search"),
    )
    op.create_index(
        "ix_ticket_search_document", "ticket_search", ["document"], postgresql_using="gin"
    )


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        op.drop_index("ix_ticket_search_document", table_name="ticket_search")
    op.drop_table("ticket_search")
