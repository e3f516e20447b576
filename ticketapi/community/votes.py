"""Votes for suggestions, and merging a duplicate with its votes into the survivor.

The `votes` column always equals the number of vote rows: every change recounts
them while holding the suggestion's row lock, in the same transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from ticketapi import permissions as rules
from ticketapi.community.models import Suggestion, SuggestionStatus, SuggestionVote
from ticketapi.community.services import (
    check_may_view,
    get_suggestion,
    mark_voted,
    record,
    refuse_if_duplicate,
)
from ticketapi.core.access import require
from ticketapi.errors import Conflict, Invalid, NotFound
from ticketapi.extensions import db
from ticketapi.permissions import Actor


def recount(suggestion: Suggestion) -> None:
    suggestion.votes = db.session.scalar(
        select(func.count()).where(SuggestionVote.suggestion_id == suggestion.id)
    )


def _has_voted(suggestion_id: int, user_id: int) -> bool:
    return (
        db.session.scalar(
            select(SuggestionVote.id).where(
                SuggestionVote.suggestion_id == suggestion_id, SuggestionVote.user_id == user_id
            )
        )
        is not None
    )


def summary(actor: Actor, suggestion: Suggestion) -> dict[str, Any]:
    """The count, whether the actor voted, and for agents who voted."""
    result: dict[str, Any] = {
        "suggestion_id": suggestion.id,
        "votes": suggestion.votes,
        "voted": actor.is_user and _has_voted(suggestion.id, actor.id),
    }
    if rules.can_see_voters(actor, suggestion):
        result["voter_ids"] = list(
            db.session.scalars(
                select(SuggestionVote.user_id)
                .where(SuggestionVote.suggestion_id == suggestion.id)
                .order_by(SuggestionVote.created_at, SuggestionVote.id)
            )
        )
    return result


def votes_of(actor: Actor, suggestion_id: int) -> dict[str, Any]:
    return summary(actor, get_suggestion(actor, suggestion_id))


def vote(actor: Actor, suggestion_id: int, *, now: datetime) -> dict[str, Any]:
    """Vote for a suggestion; voting again changes nothing."""
    check_may_view(actor)
    require(
        rules.can_vote,
        actor,
        None,
        "Only portal users with the community.vote permission can vote.",
        signed_out="Sign in to vote.",
    )
    suggestion = get_suggestion(actor, suggestion_id, lock=True)
    refuse_if_duplicate(suggestion, "vote for")
    if not _has_voted(suggestion.id, actor.id):
        try:
            with db.session.begin_nested():
                db.session.add(
                    SuggestionVote(suggestion_id=suggestion.id, user_id=actor.id, created_at=now)
                )
        except IntegrityError:
            pass  # The same user's other request got there first: one vote stands.
        recount(suggestion)
    return summary(actor, suggestion)


def unvote(actor: Actor, suggestion_id: int) -> dict[str, Any]:
    """Take a vote back; taking back a vote that is not there changes nothing."""
    check_may_view(actor)
    # No permission beyond being signed in: people may always take their own vote back.
    require(rules.is_user, actor, None, "Only portal users vote.", signed_out="Sign in first.")
    suggestion = get_suggestion(actor, suggestion_id, lock=True)
    refuse_if_duplicate(suggestion, "take your vote back from")
    db.session.execute(
        delete(SuggestionVote).where(
            SuggestionVote.suggestion_id == suggestion.id, SuggestionVote.user_id == actor.id
        )
    )
    recount(suggestion)
    return summary(actor, suggestion)


def merge_suggestions(actor: Actor, source_id: int, target_id: int, *, now: datetime) -> Suggestion:
    """Mark the source a duplicate of the target and move its votes there.

    A user who voted for both keeps one vote; comments stay on the source, whose
    `duplicate_of_id` sends readers to the survivor.
    """
    check_may_view(actor)
    require(
        rules.can_merge_suggestions,
        actor,
        None,
        "Merging suggestions needs the community.moderate permission.",
        signed_out="Sign in first.",
    )
    if source_id == target_id:
        raise Invalid(
            "A suggestion cannot be merged into itself.", fields={"into_id": "same suggestion"}
        )
    source, target = _lock_pair(source_id, target_id)
    _check_mergeable(source, target)
    theirs = aliased(SuggestionVote)
    both = select(theirs.user_id).where(theirs.suggestion_id == target.id)
    no_sync = {"synchronize_session": False}
    db.session.execute(
        delete(SuggestionVote).where(
            SuggestionVote.suggestion_id == source.id, SuggestionVote.user_id.in_(both)
        ),
        execution_options=no_sync,
    )
    moved = db.session.execute(
        update(SuggestionVote)
        .where(SuggestionVote.suggestion_id == source.id)
        .values(suggestion_id=target.id),
        execution_options=no_sync,
    ).rowcount
    record(
        source, actor, "merged_into", now=now,
        suggestion_id=target.id, old_status=source.status, votes=source.votes,
    )  # fmt: skip
    record(target, actor, "merged_from", now=now, suggestion_id=source.id, votes_moved=moved)
    source.status = SuggestionStatus.DUPLICATE.value
    source.duplicate_of_id = target.id
    source.status_changed_at = source.updated_at = target.updated_at = now
    recount(source)
    recount(target)
    db.session.flush()
    mark_voted(actor, [target])
    return target


def _lock_pair(source_id: int, target_id: int) -> tuple[Suggestion, Suggestion]:
    # Always in id order, so two merges of the same pair never wait on each other.
    rows = {
        row.id: row
        for row in db.session.scalars(
            select(Suggestion)
            .where(Suggestion.id.in_([source_id, target_id]))
            .order_by(Suggestion.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    }
    if source_id not in rows:
        raise NotFound(f"There is no suggestion {source_id}.")
    if target_id not in rows:
        raise Invalid(
            f"There is no suggestion {target_id} to merge into.",
            fields={"into_id": "unknown suggestion"},
        )
    return rows[source_id], rows[target_id]


def _check_mergeable(source: Suggestion, target: Suggestion) -> None:
    if source.duplicate_of_id is not None:
        raise Conflict(
            f"Suggestion {source.id} was already merged into suggestion {source.duplicate_of_id}.",
            extra={"duplicate_of_id": source.duplicate_of_id},
        )
    if target.duplicate_of_id is not None:
        raise Conflict(
            f"Suggestion {target.id} is itself a duplicate of suggestion "
            f"{target.duplicate_of_id}: merge into {target.duplicate_of_id} instead.",
            fields={"into_id": "a duplicate"},
            extra={"duplicate_of_id": target.duplicate_of_id},
        )
    merged_here = list(
        db.session.scalars(
            select(Suggestion.id)
            .where(Suggestion.duplicate_of_id == source.id)
            .order_by(Suggestion.id)
        )
    )
    if merged_here:
        # Duplicates of duplicates would make chains that readers have to follow.
        listed = ", ".join(map(str, merged_here))
        raise Conflict(
            f"Suggestions {listed} were merged into suggestion {source.id}, so it cannot "
            f"become a duplicate itself: merge suggestion {target.id} into {source.id} "
            "instead.",
            extra={"duplicate_ids": merged_here},
        )
