"""Snippets and their tags."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ticketapi.extensions import db
from ticketapi.timeutil import utcnow


class Snippet(db.Model):
    """A canned reply: shared with every agent, or personal to its owner."""

    __tablename__ = "snippets"
    __table_args__ = (
        # The two halves of an agent's list: the shared ones, and their own.
        Index("ix_snippets_shared_title", "shared", "title"),
        Index("ix_snippets_owner_title", "owner_id", "title"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    shared: Mapped[bool] = mapped_column(default=False)
    # Shared snippets outlive the agent who wrote them; personal ones become nobody's.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    category: Mapped[str | None] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    tag_rows: Mapped[list[SnippetTag]] = relationship(
        cascade="all, delete-orphan", order_by="SnippetTag.name", lazy="selectin"
    )

    @property
    def tags(self) -> list[str]:
        return [row.name for row in self.tag_rows]


class SnippetTag(db.Model):
    __tablename__ = "snippet_tags"

    snippet_id: Mapped[int] = mapped_column(
        ForeignKey("snippets.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(50), primary_key=True, index=True)
