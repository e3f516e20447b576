"""Attachments: the uploader index for quotas; stored types cut to the allow-list

Revision ID: d41e8b7c2a95
Revises: d41f7c2a9e63
Create Date: 2026-12-03 13:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d41e8b7c2a95"
down_revision = "d41f7c2a9e63"
branch_labels = None
depends_on = None

# tickets/attachments.py SERVED_AS_THEMSELVES when this was written (a migration does not
# follow later changes of the list).
SERVED_AS_THEMSELVES = (
    "image/png", "image/jpeg", "image/gif", "image/webp", "image/avif", "image/bmp",
    "application/pdf", "text/plain",
)  # fmt: skip


def upgrade():
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_attachments_uploader_created",
            ["uploader_type", "uploader_id", "created_at"],
            unique=False,
        )
    # Types stored under the old blocklist that today's allow-list does not keep: the
    # metadata says what a download is served as.
    attachments = sa.table("attachments", sa.column("content_type", sa.String))
    op.execute(
        attachments.update()
        .where(attachments.c.content_type.not_in(SERVED_AS_THEMSELVES))
        .values(content_type="application/octet-stream")
    )


def downgrade():
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_index("ix_attachments_uploader_created")
