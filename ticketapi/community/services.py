"""Community services: suggestions and their history.

Every function takes the acting `Actor` (and `now` when it writes); the access
rules of `ticketapi.permissions` are checked here, so views stay flat.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select

from ticketapi import permissions as rules
from ticketapi.community.models import (
    Suggestion,
    SuggestionEvent,
    SuggestionStatus,
    SuggestionVote,
)
from ticketapi.core.access import require
from ticketapi.core.ids import in_id_range
from ticketapi.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from ticketapi.extensions import db
from ticketapi.permissions import Actor
from ticketapi.tickets.rendering import body_html

ORDERINGS = {
    "-votes": (Suggestion.votes.desc(), Suggestion.id.desc()),
    "-created_at": (Suggestion.created_at.desc(), Suggestion.id.desc()),
    "created_at": (Suggestion.created_at.asc(), Suggestion.id.asc()),
}


def record(suggestion: Suggestion, actor: Actor, kind: str, *, now: datetime, **data: Any) -> None:
    """Add an event to the suggestion's history, written with the change itself."""
    db.session.add(
        SuggestionEvent(
            suggestion_id=suggestion.id,
            created_at=now,
            actor_type=actor.kind,
            actor_id=actor.id,
            actor_name=actor.name,
            kind=kind,
            data=data,
        )
    )


def check_may_view(actor: Actor) -> None:
    require(
        rules.can_view_community,
        actor,
        None,
        "The community is not open to your account: ask us for access.",
        signed_out="Sign in to see the community suggestions.",
    )


def get_suggestion(actor: Actor, suggestion_id: int, *, lock: bool = False) -> Suggestion:
    """Return the suggestion if the actor may see the community; `lock` holds its row."""
    check_may_view(actor)
    if not in_id_range(suggestion_id):  # never a database error
        raise NotFound(f"There is no suggestion {suggestion_id}.")
    query = select(Suggestion).where(Suggestion.id == suggestion_id)
    if lock:
        # Votes, merges and status changes of one suggestion queue on its row, so the
        # vote count recomputed under the lock is never stale.
        query = query.with_for_update().execution_options(populate_existing=True)
    suggestion = db.session.scalar(query)
    if suggestion is None:
        raise NotFound(f"There is no suggestion {suggestion_id}.")
    return suggestion


def mark_voted(actor: Actor, suggestions: Iterable[Suggestion]) -> None:
    """Set `voted` on each suggestion: whether this actor has voted for it."""
    suggestions = list(suggestions)
    voted: set[int] = set()
    if actor.is_user and suggestions:
        voted = set(
            db.session.scalars(
                select(SuggestionVote.suggestion_id).where(
                    SuggestionVote.user_id == actor.id,
                    SuggestionVote.suggestion_id.in_([s.id for s in suggestions]),
                )
            )
        )
    for suggestion in suggestions:
        suggestion.voted = suggestion.id in voted


def refuse_if_duplicate(suggestion: Suggestion, doing: str) -> None:
    """Send people from a merged suggestion to the one that survived."""
    if suggestion.duplicate_of_id is not None:
        raise Conflict(
            f"Suggestion {suggestion.id} is a duplicate of suggestion "
            f"{suggestion.duplicate_of_id}: {doing} that one.",
            extra={"duplicate_of_id": suggestion.duplicate_of_id},
        )


def suggestions_query(actor: Actor, filters: dict[str, Any]) -> Select:
    """The suggestions matching the filters; duplicates only when that status is asked."""
    check_may_view(actor)
    query = select(Suggestion)
    statuses = filters.get("status")
    if statuses:
        query = query.where(Suggestion.status.in_(statuses))
    else:
        query = query.where(Suggestion.status != SuggestionStatus.DUPLICATE.value)
    if category := (filters.get("category") or "").strip():
        query = query.where(Suggestion.category == category)
    if "author_id" in filters:
        query = query.where(Suggestion.author_id == filters["author_id"])
    if q := (filters.get("q") or "").strip():
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(Suggestion.title.ilike(pattern, escape="\\"))
    return query.order_by(*ORDERINGS[filters.get("order", "-votes")])


def _title(value: str) -> str:
    title = value.strip()
    if not title:
        raise Invalid("Give the suggestion a title.", fields={"title": "blank"})
    return title


def _category(value: str | None) -> str | None:
    return (value or "").strip() or None


def create_suggestion(actor: Actor, values: dict[str, Any], *, now: datetime) -> Suggestion:
    """Post a suggestion as a portal user; it starts as `new` with no votes."""
    check_may_view(actor)
    require(
        rules.can_suggest,
        actor,
        None,
        "Agents comment on suggestions; only portal users with community.suggest post them."
        if actor.is_agent
        else "Posting suggestions is not open to your account.",
        signed_out="Sign in to post a suggestion.",
    )
    body = values.get("body") or ""
    suggestion = Suggestion(
        title=_title(values["title"]),
        body=body,
        body_html=body_html(body, values.get("body_html")),
        category=_category(values.get("category")),
        status=SuggestionStatus.NEW.value,
        author_id=actor.id,
        author_name=actor.name,
        votes=0,
        created_at=now,
        updated_at=now,
        status_changed_at=now,
    )
    db.session.add(suggestion)
    db.session.flush()
    record(suggestion, actor, "created", now=now)
    return suggestion


def update_suggestion(
    actor: Actor, suggestion_id: int, changes: dict[str, Any], *, now: datetime
) -> Suggestion:
    """Edit a suggestion: its author while it is new, moderators always (status too)."""
    check_may_view(actor)
    if actor.is_anonymous:
        raise Unauthorized("Sign in to edit your suggestion.")
    suggestion = get_suggestion(actor, suggestion_id, lock=True)
    require(
        rules.can_edit_suggestion,
        actor,
        suggestion,
        _edit_refusal(actor, suggestion),
        signed_out="Sign in to edit your suggestion.",
    )
    if "status" in changes and not rules.can_moderate_community(actor):
        raise Forbidden("Only moderators (community.moderate) change a suggestion's status.")
    edited = {}
    if "title" in changes and _title(changes["title"]) != suggestion.title:
        edited["title"] = _title(changes["title"])
    if "category" in changes and _category(changes["category"]) != suggestion.category:
        edited["category"] = _category(changes["category"])
    if "body" in changes or "body_html" in changes:
        body = changes.get("body", suggestion.body)
        html = body_html(body, changes.get("body_html"))
        if (body, html) != (suggestion.body, suggestion.body_html):
            edited.update(body=body, body_html=html)
    if edited:
        record(
            suggestion, actor, "edited", now=now,
            fields=sorted(set(edited) - {"body_html"}),
            old_title=suggestion.title, old_category=suggestion.category,
        )  # fmt: skip
        for name, value in edited.items():
            setattr(suggestion, name, value)
        suggestion.updated_at = now
    if "status" in changes and changes["status"] != suggestion.status:
        refuse_if_duplicate(suggestion, "change")
        record(suggestion, actor, "status", now=now, old=suggestion.status, new=changes["status"])
        suggestion.status = changes["status"]
        suggestion.status_changed_at = suggestion.updated_at = now
    db.session.flush()
    return suggestion


def _edit_refusal(actor: Actor, suggestion: Suggestion) -> str:
    if rules.is_suggestion_author(actor, suggestion) and suggestion.status != "new":
        return (
            f"Your suggestion is {suggestion.status.replace('_', ' ')} now, so its text is "
            "what people voted for: add a comment instead."
        )
    return "Changing suggestions needs the community.moderate permission."


def delete_suggestion(actor: Actor, suggestion_id: int) -> None:
    """Delete a suggestion with its votes and comments (moderators)."""
    check_may_view(actor)
    require(
        rules.can_delete_suggestion,
        actor,
        None,
        "Deleting suggestions needs the community.moderate permission.",
        signed_out="Sign in first.",
    )
    suggestion = get_suggestion(actor, suggestion_id, lock=True)
    duplicates = list(
        db.session.scalars(
            select(Suggestion.id)
            .where(Suggestion.duplicate_of_id == suggestion.id)
            .order_by(Suggestion.id)
        )
    )
    if duplicates:
        # Their votes live here now: deleting it would leave them pointing nowhere.
        listed = ", ".join(map(str, duplicates))
        raise Conflict(
            f"Suggestions {listed} were merged into suggestion {suggestion.id}: "
            "delete those first, or decline this one instead.",
            extra={"duplicate_ids": duplicates},
        )
    db.session.delete(suggestion)
    db.session.flush()


def events_query(actor: Actor, suggestion_id: int) -> Select:
    check_may_view(actor)
    require(
        rules.can_see_suggestion_history,
        actor,
        None,
        "A suggestion's history is for agents.",
        signed_out="Sign in first.",
    )
    suggestion = get_suggestion(actor, suggestion_id)
    return (
        select(SuggestionEvent)
        .where(SuggestionEvent.suggestion_id == suggestion.id)
        .order_by(SuggestionEvent.created_at, SuggestionEvent.id)
    )
