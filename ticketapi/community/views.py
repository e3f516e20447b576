"""Routes for community suggestions, their votes, comments, history and merging."""

from __future__ import annotations

from apiflask import APIBlueprint

from ticketapi.api import SECURED
from ticketapi.auth.current import current_actor
from ticketapi.community import comments, schemas, services, votes
from ticketapi.core.transactions import commit
from ticketapi.pagination import PageArgs, page_of, paginate
from ticketapi.timeutil import utcnow

bp = APIBlueprint("community", __name__, url_prefix="/api/v1", tag="Community")
REFUSED = {
    403: "Not open to you: the message says whether to sign in or what permission is missing"
}
MERGED = {409: "The suggestion is a duplicate: the error's duplicate_of_id names the survivor"}


def shown(suggestion):
    """The suggestion, marked with whether the caller voted for it."""
    services.mark_voted(current_actor(), [suggestion])
    return suggestion


@bp.get("/suggestions")
@bp.input(schemas.SuggestionFilter, location="query")
@bp.output(page_of(schemas.SuggestionOut))
@bp.doc(
    summary="List suggestions, most voted first; duplicates only when asked for", responses=REFUSED
)
def list_suggestions(query_data):
    actor = current_actor()
    page, per_page = query_data.pop("page"), query_data.pop("per_page")
    result = paginate(services.suggestions_query(actor, query_data), page, per_page)
    services.mark_voted(actor, result.items)
    return result


@bp.post("/suggestions")
@bp.input(schemas.SuggestionIn)
@bp.output(schemas.SuggestionOut, status_code=201)
@bp.doc(
    summary="Post a suggestion (portal users with community.suggest)", responses=REFUSED, **SECURED
)
def create_suggestion(json_data):
    suggestion = services.create_suggestion(current_actor(), json_data, now=utcnow())
    commit()
    return shown(suggestion), 201, {"Location": f"/api/v1/suggestions/{suggestion.id}"}


@bp.get("/suggestions/<int:suggestion_id>")
@bp.output(schemas.SuggestionOut)
@bp.doc(summary="Get a suggestion; a duplicate names the one it was merged into", responses=REFUSED)
def get_suggestion(suggestion_id: int):
    return shown(services.get_suggestion(current_actor(), suggestion_id))


@bp.patch("/suggestions/<int:suggestion_id>")
@bp.input(schemas.SuggestionPatch)
@bp.output(schemas.SuggestionOut)
@bp.doc(
    summary="Edit a suggestion: its author while it is new; moderators anything, status too",
    responses=REFUSED | MERGED,
    **SECURED,
)
def update_suggestion(suggestion_id: int, json_data):
    suggestion = services.update_suggestion(current_actor(), suggestion_id, json_data, now=utcnow())
    commit()
    return shown(suggestion)


@bp.delete("/suggestions/<int:suggestion_id>")
@bp.output({}, status_code=204)
@bp.doc(
    summary="Delete a suggestion with its votes and comments (community.moderate)",
    responses=REFUSED | {409: "Other suggestions were merged into it"},
    **SECURED,
)
def delete_suggestion(suggestion_id: int):
    services.delete_suggestion(current_actor(), suggestion_id)
    commit()
    return ""


@bp.post("/suggestions/<int:suggestion_id>/merge")
@bp.input(schemas.SuggestionMergeIn)
@bp.output(schemas.SuggestionOut)
@bp.doc(
    summary="Merge a duplicate into another suggestion with its votes; returns the survivor "
    "(community.moderate)",
    responses=REFUSED | {409: "One of them is a duplicate, or has duplicates of its own"},
    **SECURED,
)
def merge_suggestion(suggestion_id: int, json_data):
    target = votes.merge_suggestions(
        current_actor(), suggestion_id, json_data["into_id"], now=utcnow()
    )
    commit()
    return shown(target)


@bp.get("/suggestions/<int:suggestion_id>/history")
@bp.input(PageArgs, location="query")
@bp.output(page_of(schemas.SuggestionEventOut))
@bp.doc(
    summary="Every change to the suggestion: who, when, what (agents)", responses=REFUSED, **SECURED
)
def list_history(suggestion_id: int, query_data):
    return paginate(services.events_query(current_actor(), suggestion_id), **query_data)


# Votes


@bp.get("/suggestions/<int:suggestion_id>/votes")
@bp.output(schemas.SuggestionVotesOut)
@bp.doc(summary="The vote count, whether you voted, and (for agents) who voted", responses=REFUSED)
def get_votes(suggestion_id: int):
    return votes.votes_of(current_actor(), suggestion_id)


@bp.post("/suggestions/<int:suggestion_id>/votes")
@bp.output(schemas.SuggestionVotesOut)
@bp.doc(
    summary="Vote for a suggestion (once; voting again changes nothing)",
    responses=REFUSED | MERGED,
    **SECURED,
)
def vote(suggestion_id: int):
    result = votes.vote(current_actor(), suggestion_id, now=utcnow())
    commit()
    return result


@bp.delete("/suggestions/<int:suggestion_id>/votes")
@bp.output(schemas.SuggestionVotesOut)
@bp.doc(summary="Take your vote back", responses=REFUSED | MERGED, **SECURED)
def unvote(suggestion_id: int):
    result = votes.unvote(current_actor(), suggestion_id)
    commit()
    return result


# Comments


@bp.get("/suggestions/<int:suggestion_id>/comments")
@bp.input(PageArgs, location="query")
@bp.output(page_of(schemas.SuggestionCommentOut))
@bp.doc(summary="The discussion, oldest first", responses=REFUSED)
def list_comments(suggestion_id: int, query_data):
    return paginate(comments.comments_query(current_actor(), suggestion_id), **query_data)


@bp.post("/suggestions/<int:suggestion_id>/comments")
@bp.input(schemas.SuggestionCommentIn)
@bp.output(schemas.SuggestionCommentOut, status_code=201)
@bp.doc(
    summary="Comment (portal users with community.comment, and agents)",
    responses=REFUSED | MERGED,
    **SECURED,
)
def add_comment(suggestion_id: int, json_data):
    comment = comments.add_comment(
        current_actor(),
        suggestion_id,
        body=json_data["body"],
        html=json_data.get("body_html"),
        now=utcnow(),
    )
    commit()
    return comment


@bp.delete("/suggestions/<int:suggestion_id>/comments/<int:comment_id>")
@bp.output({}, status_code=204)
@bp.doc(
    summary="Delete a comment: your own, or any with community.moderate",
    responses=REFUSED,
    **SECURED,
)
def delete_comment(suggestion_id: int, comment_id: int):
    comments.delete_comment(current_actor(), suggestion_id, comment_id, now=utcnow())
    commit()
    return ""
