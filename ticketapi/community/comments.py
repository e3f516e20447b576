"""Comments on suggestions: portal users with community.comment, and agents."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, select

from ticketapi import permissions as rules
from ticketapi.community.models import SuggestionComment
from ticketapi.community.services import (
    check_may_view,
    get_suggestion,
    record,
    refuse_if_duplicate,
)
from ticketapi.core.access import require
from ticketapi.core.rows import find
from ticketapi.errors import NotFound, Unauthorized
from ticketapi.extensions import db
from ticketapi.permissions import Actor
from ticketapi.tickets.rendering import body_html


def comments_query(actor: Actor, suggestion_id: int) -> Select:
    """The suggestion's comments, oldest first."""
    suggestion = get_suggestion(actor, suggestion_id)
    return (
        select(SuggestionComment)
        .where(SuggestionComment.suggestion_id == suggestion.id)
        .order_by(SuggestionComment.created_at, SuggestionComment.id)
    )


def add_comment(
    actor: Actor, suggestion_id: int, *, body: str, now: datetime, html: str | None = None
) -> SuggestionComment:
    """Comment as a portal user (community.comment) or as an agent."""
    check_may_view(actor)
    require(
        rules.can_comment,
        actor,
        None,
        "Commenting is not open to your account.",
        signed_out="Sign in to comment.",
    )
    suggestion = get_suggestion(actor, suggestion_id)
    refuse_if_duplicate(suggestion, "comment on")
    comment = SuggestionComment(
        suggestion_id=suggestion.id,
        body=body,
        body_html=body_html(body, html),
        author_type="agent" if actor.is_agent else "user",
        author_agent_id=actor.id if actor.is_agent else None,
        author_user_id=actor.id if actor.is_user else None,
        author_name=actor.name,
        created_at=now,
    )
    db.session.add(comment)
    db.session.flush()
    return comment


def delete_comment(actor: Actor, suggestion_id: int, comment_id: int, *, now: datetime) -> None:
    """Delete a comment: its author may, and moderators may delete any."""
    check_may_view(actor)
    if actor.is_anonymous:
        raise Unauthorized("Sign in to delete your comment.")
    suggestion = get_suggestion(actor, suggestion_id)
    comment = find(SuggestionComment, comment_id)
    if comment is None or comment.suggestion_id != suggestion.id:
        raise NotFound(f"Suggestion {suggestion_id} has no comment {comment_id}.")
    require(
        rules.can_delete_comment,
        actor,
        comment,
        "You can delete your own comments; others need the community.moderate permission.",
        signed_out="Sign in first.",
    )
    record(
        suggestion, actor, "comment_deleted", now=now,
        comment_id=comment.id, author=comment.author,
    )  # fmt: skip
    db.session.delete(comment)
    db.session.flush()
