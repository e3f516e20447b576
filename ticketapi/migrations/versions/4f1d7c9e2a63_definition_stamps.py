"""Stamps for the definitions each process keeps; the plain ticket list's index

Revision ID: 4f1d7c9e2a63
Revises: d41e8b7c2a95
Create Date: 2026-12-03 13:00:00.000000

"""

import uuid

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "4f1d7c9e2a63"
down_revision = "d41e8b7c2a95"
branch_labels = None
depends_on = None

KINDS = ("usergroups", "slas", "settings")


def upgrade():
    stamps = op.create_table(
        "definition_stamps",
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("stamp", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("kind", name=op.f("pk_definition_stamps")),
    )
    # A row from the start: PostgreSQL's FOR SHARE holds a row, not the lack of one.
    op.bulk_insert(stamps, [{"kind": kind, "stamp": uuid.uuid4().hex} for kind in KINDS])
    # Lists leave merged tickets out: newest first without sorting every ticket. The
    # index on merged_into_id keeps only merged tickets (the planners took the full one
    # for `IS NULL` and sorted).
    unmerged, merged = sa.text("merged_into_id IS NULL"), sa.text("merged_into_id IS NOT NULL")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_merged_into_id")
        batch_op.create_index(
            "ix_tickets_unmerged_created",
            ["created_at", "id"],
            unique=False,
            sqlite_where=unmerged,
            postgresql_where=unmerged,
        )
        batch_op.create_index(
            "ix_tickets_merged_into",
            ["merged_into_id"],
            unique=False,
            sqlite_where=merged,
            postgresql_where=merged,
        )


def downgrade():
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_merged_into")
        batch_op.drop_index("ix_tickets_unmerged_created")
        batch_op.create_index("ix_tickets_merged_into_id", ["merged_into_id"], unique=False)
    op.drop_table("definition_stamps")
