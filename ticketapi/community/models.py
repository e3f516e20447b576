"""Suggestions, their votes, comments and history."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ticketapi.extensions import db
from ticketapi.timeutil import utcnow


class SuggestionStatus(StrEnum):
    NEW = "new"
    UNDER_REVIEW = "under_review"
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    DECLINED = "declined"
    DUPLICATE = "duplicate"


STATUSES = tuple(status.value for status in SuggestionStatus)


class Suggestion(db.Model):
    __tablename__ = "suggestions"
    __table_args__ = (
        # The community page: one status (or a few), most voted or newest first.
        Index("ix_suggestions_status_votes", "status", "votes"),
        Index("ix_suggestions_status_created", "status", "created_at"),
        Index("ix_suggestions_author_created", "author_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str | None] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(20), default=SuggestionStatus.NEW.value)
    # An idea outlives its author's account: the name stays, the id becomes NULL.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(String(200))
    # Kept equal to the number of vote rows, in the transaction that changes them, so
    # lists sort by votes without counting.
    votes: Mapped[int] = mapped_column(default=0)
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("suggestions.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    # Whether the caller has voted for it: set per request by `services.mark_voted`.
    voted = False


class SuggestionVote(db.Model):
    """One user's vote for one suggestion."""

    __tablename__ = "suggestion_votes"
    __table_args__ = (UniqueConstraint("suggestion_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(ForeignKey("suggestions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SuggestionComment(db.Model):
    __tablename__ = "suggestion_comments"
    __table_args__ = (
        Index("ix_suggestion_comments_suggestion_created", "suggestion_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(ForeignKey("suggestions.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    author_type: Mapped[str] = mapped_column(String(10))  # "user" or "agent"
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_agent_id: Mapped[int | None] = mapped_column(
        ForeignKey("agents.id", ondelete="SET NULL")
    )
    author_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def author_id(self) -> int | None:
        return self.author_agent_id if self.author_type == "agent" else self.author_user_id

    @property
    def author(self) -> dict[str, Any]:
        return {"type": self.author_type, "id": self.author_id, "name": self.author_name}


class SuggestionEvent(db.Model):
    """One change to a suggestion (created, edited, status, merged): who, when, what."""

    __tablename__ = "suggestion_events"
    __table_args__ = (
        Index("ix_suggestion_events_suggestion_created", "suggestion_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(ForeignKey("suggestions.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_type: Mapped[str] = mapped_column(String(10))
    actor_id: Mapped[int | None]
    actor_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
