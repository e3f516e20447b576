"""The ticket page's helpers around the reply box and the side panels.

Snippets and articles for the reply box (JSON for the page's script), the files sent with a
reply (through the attachments service) and their download, CC'd users and followers, and
merging. Each goes through the service that owns the rule; forms answer with a redirect back
to the ticket page.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user

from ticketapi import permissions as rules
from ticketapi.agent.shell import tell
from ticketapi.agent.trail import back_to_ticket
from ticketapi.core.access import require
from ticketapi.core.ids import in_id_range
from ticketapi.core.transactions import commit
from ticketapi.errors import DomainError, Invalid, NotFound
from ticketapi.extensions import db
from ticketapi.permissions import Actor
from ticketapi.search import services as search
from ticketapi.snippets import services as snippets
from ticketapi.tickets import attachments, merge, participants
from ticketapi.tickets import services as tickets
from ticketapi.tickets import views as ticket_api
from ticketapi.tickets.models import Ticket
from ticketapi.timeutil import utcnow

bp = Blueprint("ticket_tools", __name__)

FOUND_MAX = 10
FILES_MAX = 10


def checked_id(value) -> int:
    if isinstance(value, str):
        value = int(value) if value.isascii() and value.isdigit() else 0
    if not in_id_range(value):
        raise NotFound("There is no such thing here.")
    return value


def _refused(ticket_id: int, refused: DomainError, anchor: str = ""):
    """A form the service refused for its content: say why on the ticket page."""
    db.session.rollback()
    if refused.status_code in (401, 403, 404):
        raise refused
    tell(str(refused.message))
    return back_to_ticket(ticket_id, anchor)


# Snippets and articles, for the reply box's script.


def snippets_found(actor: Actor, ticket_id: int, q: str) -> list[dict]:
    """The snippets whose title has `q`, for a ticket the agent may see."""
    tickets.get_ticket(actor, checked_id(ticket_id))
    query = snippets.snippets_query(actor, {"q": q[:200]})
    found = [{"id": s.id, "title": s.title} for s in db.session.scalars(query.limit(FOUND_MAX))]
    commit()
    return found


def articles_found(actor: Actor, q: str) -> list[dict]:
    """Knowledgebase articles for "Link an article", through the portal's search service."""
    answer = search.search_articles(actor, q[:200], limit=FOUND_MAX)
    root = current_app.config.get("SITE_URL") or request.host_url
    return [{"title": r.title, "link": search.absolute_link(r.url, root)} for r in answer.results]


@bp.get("/tickets/<int:ticket_id>/snippets")
def find_snippets(ticket_id: int):
    found = snippets_found(current_user.actor, ticket_id, request.args.get("q", ""))
    return jsonify(snippets=found)


@bp.get("/tickets/<int:ticket_id>/snippets/<int:snippet_id>")
def snippet_text(ticket_id: int, snippet_id: int):
    """The snippet with its placeholders filled for this ticket (the snippets service)."""
    text = snippets.render_snippet(
        current_user.actor, checked_id(snippet_id), checked_id(ticket_id)
    )
    commit()
    return jsonify(text=text)


@bp.get("/tickets/<int:ticket_id>/articles")
def find_articles(ticket_id: int):
    """Knowledgebase articles for "Link an article", through the portal's search service."""
    actor = current_user.actor
    tickets.get_ticket(actor, checked_id(ticket_id))
    commit()
    q = request.args.get("q", "")[:200]
    answer = search.search_articles(actor, q, limit=FOUND_MAX)
    root = current_app.config.get("SITE_URL") or request.host_url
    found = [{"title": r.title, "link": search.absolute_link(r.url, root)} for r in answer.results]
    return jsonify(articles=found)


# Files.


def store_all(actor: Actor, files) -> list[int]:
    """Store the reply's files (the attachments service checks quotas and sizes)."""
    chosen = [f for f in files if f and f.filename][:FILES_MAX]
    ids = []
    for file in chosen:
        attachment = attachments.store_upload(
            actor,
            file.stream,
            filename=file.filename,
            content_type=file.mimetype or "",
            root=Path(current_app.config["INSTANCE_DIR"]) / "attachments",
            max_bytes=current_app.config["MAX_ATTACHMENT_BYTES"],
            now=utcnow(),
        )
        commit()
        ids.append(attachment.id)
    return ids


@bp.get("/attachments/<int:attachment_id>/download")
def download(attachment_id: int):
    """The API's download (always a file, never shown inline) for the signed-in agent."""
    return ticket_api.download_attachment(checked_id(attachment_id))


# CC'd users and followers.


@bp.post("/tickets/<int:ticket_id>/cc")
def add_cc(ticket_id: int):
    email = request.form.get("email", "").strip()[:254]
    try:
        participants.add_cc(
            current_user.actor, checked_id(ticket_id), {"email": email}, now=utcnow()
        )
        commit()
    except DomainError as refused:
        return _refused(ticket_id, refused, "#people")
    tell(f"{email} is CC'd.")
    return back_to_ticket(ticket_id, "#people")


@bp.post("/tickets/<int:ticket_id>/cc/<int:user_id>/remove")
def remove_cc(ticket_id: int, user_id: int):
    participants.remove_cc(
        current_user.actor, checked_id(ticket_id), checked_id(user_id), now=utcnow()
    )
    commit()
    tell("The CC is removed.")
    return back_to_ticket(ticket_id, "#people")


@bp.post("/tickets/<int:ticket_id>/followers")
def add_follower(ticket_id: int):
    actor = current_user.actor
    agent_id = checked_id(request.form.get("agent_id", str(actor.id)))
    try:
        participants.add_follower(actor, checked_id(ticket_id), agent_id, now=utcnow())
        commit()
    except DomainError as refused:
        return _refused(ticket_id, refused, "#people")
    tell("You follow this ticket." if agent_id == actor.id else "The follower is added.")
    return back_to_ticket(ticket_id, "#people")


@bp.post("/tickets/<int:ticket_id>/followers/<int:agent_id>/remove")
def remove_follower(ticket_id: int, agent_id: int):
    actor = current_user.actor
    participants.remove_follower(actor, checked_id(ticket_id), checked_id(agent_id), now=utcnow())
    commit()
    tell(
        "You no longer follow this ticket." if agent_id == actor.id else "The follower is removed."
    )
    return back_to_ticket(ticket_id, "#people")


# Merging.


@bp.post("/tickets/<int:ticket_id>/merge")
def merge_into(ticket_id: int):
    """Merge this ticket into another, named by its ref (as the agent reads it)."""
    actor = current_user.actor
    source = tickets.get_ticket(actor, checked_id(ticket_id))
    require(rules.can_merge, actor, source, "Merging tickets needs the tickets.merge permission.")
    ref = request.form.get("into", "").strip().upper()[:20]
    target = db.session.scalar(db.select(Ticket.id).where(Ticket.ref == ref)) if ref else None
    try:
        if target is None:
            raise Invalid(f"There is no ticket {ref or 'with that ref'}.", fields={"into": "ref"})
        merged = merge.merge_tickets(actor, checked_id(ticket_id), target, now=utcnow())
        commit()
    except DomainError as refused:
        return _refused(ticket_id, refused, "#merge")
    tell(f"Merged into {merged.ref}.")
    return back_to_ticket(merged.id)
