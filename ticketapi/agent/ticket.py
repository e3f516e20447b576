"""The ticket page: the conversation, the reply box, the properties panel, the SLA panel.

Every form posts back here and is answered by a redirect to the page (or, when it cannot be
done as sent, by the page with what to do next); the page's script sends the same forms with
fetch. Each action is shown only when permissions.py allows it (ticket_view.Can) and the
services refuse it again when it is posted without.

Never overwrite a colleague: every form carries the ticket's version and the newest history
event the page showed. A properties save from a stale page is not applied: the page comes
back with what changed meanwhile, field by field, and the agent chooses. A reply does not
conflict with field changes, but one sent after new messages came shows them first.
"""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request
from flask_login import current_user

from ticketapi import permissions as rules
from ticketapi.agent import presence, ticket_tools, ticket_view
from ticketapi.agent import tasks as task_pages
from ticketapi.agent.queues import queues_for
from ticketapi.agent.shell import page, tell
from ticketapi.agent.trail import back_to_ticket, trail_of
from ticketapi.core.access import require
from ticketapi.core.ids import in_id_range
from ticketapi.core.transactions import commit
from ticketapi.errors import Conflict, DomainError, Invalid, NotFound
from ticketapi.extensions import db
from ticketapi.snippets import services as snippets
from ticketapi.tickets import conversation, rendering
from ticketapi.tickets import services as tickets
from ticketapi.tickets.status import STATUSES
from ticketapi.timeutil import utcnow

bp = Blueprint("ticket", __name__)

BODY_MAX = 100_000
LABELS_MAX = 20


def _ticket_id(ticket_id: int) -> int:
    if not in_id_range(ticket_id):
        raise NotFound(f"There is no ticket {ticket_id}.")
    return ticket_id


@bp.get("/tickets/<int:ticket_id>")
def show(ticket_id: int):
    return draw(_ticket_id(ticket_id))


def draw(ticket_id: int, status: int = 200, **extra):
    """The page, as it is now; `extra` adds a draft, a preview or a stale form's choice."""
    actor = current_user.actor
    ticket = tickets.get_ticket(actor, ticket_id)
    now = utcnow()
    can = ticket_view.Can.of(actor, ticket)
    queues = queues_for(current_user.account)
    trail = trail_of(queues, request.args)
    values = {
        "ticket": ticket,
        "can": can,
        "messages": ticket_view.messages(actor, ticket),
        "clocks": ticket_view.clocks(ticket, now),
        "history": ticket_view.describe(ticket_view.events(ticket)),
        "seen": ticket_view.last_event_id(ticket),
        "recent": ticket_view.recent_tickets(actor, ticket),
        "tasks": ticket_view.linked_tasks(actor, ticket),
        "choices": ticket_view.choices() if can.edit or can.assign else None,
        "others": presence.others(ticket.id, actor.id, now=now),
        "follows": actor.is_among_agents(ticket.follower_ids),
        "now": now,
        "queues": queues,
        "trail": trail,
        "steps": trail.neighbours(actor, ticket.id) if trail else (None, None),
        "trail_args": trail.args if trail else {},
        **task_pages.form_context(actor),  # the task form (agent/tasks.py takes its post)
    }
    commit()  # reads only: end the transaction before drawing
    # A mail's remote images load once the agent asks (static/remote_images.js, shell.py).
    g.remote_images = any("data-src=" in message.body_html for message in values["messages"])
    return page("agent/ticket.html", status, **values, **extra)


def _int(name: str) -> int:
    value = request.form.get(name, "")
    # 0 is a fair "seen": a ticket whose history is empty.
    if not (value.isascii() and value.isdigit() and (value == "0" or in_id_range(int(value)))):
        raise Invalid(f"The form lost its {name}: reload the page.", fields={name: "missing"})
    return int(value)


# The reply box.


@bp.post("/tickets/<int:ticket_id>/messages")
def post_message(ticket_id: int):
    """Send a reply or add a note (with a status: "Send and set pending"), or preview it."""
    actor = current_user.actor
    ticket_id = _ticket_id(ticket_id)
    body = request.form.get("body", "")
    kind = "note" if request.form.get("kind") == "note" else "reply"
    # "Send and set pending" is a button of its own; the list beside Send names the others.
    status = request.form.get("set_status") or request.form.get("status") or None
    draft = {"body": body, "kind": kind, "status": status or ""}
    action = request.form.get("action")
    if action == "preview":
        return draw(ticket_id, draft=draft, preview=rendering.markdown_html(body))
    if action in ("find_snippets", "find_articles") or request.form.get("insert"):
        return _reply_tool(ticket_id, action, draft)
    if not body.strip() or len(body) > BODY_MAX:
        problem = "Write the message first." if not body.strip() else "The message is too long."
        return draw(ticket_id, 400, draft=draft, reply_problem=problem)
    if status is not None and status not in STATUSES:
        return draw(ticket_id, 400, draft=draft, reply_problem="Choose a status from the list.")
    seen = _int("seen")
    ticket = tickets.get_ticket(actor, ticket_id)
    # Refused before anything else is said about the ticket (the service refuses it again).
    rule, what = (rules.can_add_note, "add notes") if kind == "note" else (rules.can_reply, "reply")
    require(rule, actor, ticket, f"You may see this ticket but not {what}: ask an admin.")
    if request.form.get("confirm") != "send":
        newer = [e for e in ticket_view.events(ticket, after=seen) if e.kind in ("reply", "note")]
        if newer:
            # A reply never conflicts with field changes; new messages may change what to say.
            commit()
            fresh = {e.data.get("message_id") for e in newer}
            return draw(ticket_id, 409, draft=draft, new_messages=fresh)
    try:
        files = ticket_tools.store_all(actor, request.files.getlist("files"))
        conversation.post_message(
            actor,
            ticket_id,
            body=body,
            html=rendering.markdown_html(body),
            note=kind == "note",
            status=None if kind == "note" else status,
            attachment_ids=files,
            now=utcnow(),
        )
        commit()
    except DomainError as refused:
        db.session.rollback()
        if refused.status_code in (401, 403, 404):
            raise
        return draw(ticket_id, refused.status_code, draft=draft, reply_problem=str(refused.message))
    presence.leave(ticket_id, actor.id)
    tell("Your note is added." if kind == "note" else "Your reply is sent.")
    return back_to_ticket(ticket_id, "#conversation")


@bp.post("/tickets/<int:ticket_id>/preview")
def preview(ticket_id: int):
    """The reply box's Markdown through the same sanitizer as a sent message (for the script)."""
    tickets.get_ticket(current_user.actor, _ticket_id(ticket_id))
    commit()
    body = request.form.get("body", "")[:BODY_MAX]
    return jsonify(html=rendering.markdown_html(body))


def _reply_tool(ticket_id: int, action: str | None, draft: dict):
    """The reply box's snippets and articles without a script: find, then insert."""
    actor = current_user.actor
    if action == "find_snippets":
        q = request.form.get("snippet_q", "")[:200]
        found = ticket_tools.snippets_found(actor, ticket_id, q)
        return draw(ticket_id, draft=draft, found_snippets=found, snippet_q=q)
    if action == "find_articles":
        q = request.form.get("article_q", "")[:200]
        found = ticket_tools.articles_found(actor, q)
        return draw(ticket_id, draft=draft, found_articles=found, article_q=q)
    kind, _, value = request.form.get("insert", "").partition(":")
    if kind == "snippet":
        text = snippets.render_snippet(actor, ticket_tools.checked_id(value), ticket_id)
        commit()
    else:
        text = value[:1000]  # an article's Markdown link, as the found list offered it
    separator = "\n\n" if draft["body"].strip() else ""
    return draw(ticket_id, draft={**draft, "body": draft["body"].rstrip() + separator + text})


# The properties panel.

PROPERTIES = ("status", "agent_id", "team_id", "urgency", "labels")


def _posted_properties(prefix: str = "") -> dict:
    """The panel's values as posted (`prefix` "seen_" for what the page showed)."""
    form = request.form
    found = {}
    for name in PROPERTIES:
        key = prefix + name
        if key not in form:
            continue
        value = form.get(key, "").strip()
        if name in ("agent_id", "team_id"):
            if value and not (value.isascii() and value.isdigit() and in_id_range(int(value))):
                raise Invalid("Choose from the list.", fields={name: "not in the list"})
            found[name] = int(value) if value else None
        elif name == "urgency":
            if not (value.isascii() and value.isdigit() and 1 <= int(value) <= 10):
                raise Invalid("Urgency is a number from 1 to 10.", fields={"urgency": "1 to 10"})
            found[name] = int(value)
        elif name == "labels":
            labels = sorted({part.strip().lower() for part in value.split(",") if part.strip()})
            if len(labels) > LABELS_MAX or any(len(label) > 50 for label in labels):
                raise Invalid("Up to 20 labels of 50 characters.", fields={"labels": "too many"})
            found[name] = labels
        else:
            found[name] = value
    return found


@bp.post("/tickets/<int:ticket_id>/properties")
def save_properties(ticket_id: int):
    """Save what the agent changed in the panel, unless the ticket changed since they looked."""
    actor = current_user.actor
    ticket_id = _ticket_id(ticket_id)
    try:
        mine = _posted_properties()
        # "Apply mine anyway" sends only the agent's changes, over what is there now.
        shown = {} if request.form.get("anyway") else _posted_properties("seen_")
    except Invalid as refused:
        return draw(ticket_id, 400, properties_problem=str(refused.message))
    changes = {name: value for name, value in mine.items() if shown.get(name, object()) != value}
    if not changes:
        return back_to_ticket(ticket_id)
    version, seen = _int("version"), _int("seen")
    try:
        tickets.update_ticket(actor, ticket_id, changes, version=version, now=utcnow())
        commit()
    except Conflict:
        db.session.rollback()
        ticket = tickets.get_ticket(actor, ticket_id)
        theirs = ticket_view.describe(ticket_view.events(ticket, after=seen))
        commit()
        return draw(ticket_id, 409, stale={"theirs": theirs, "mine": changes})
    except DomainError as refused:
        db.session.rollback()
        if refused.status_code in (401, 403, 404):
            raise
        return draw(ticket_id, 400, properties_problem=str(refused.message))
    if request.accept_mimetypes.best == "application/json":
        # The script keeps the page: it needs the new version and history mark for the next save.
        ticket = tickets.get_ticket(actor, ticket_id)
        answer = jsonify(ok=True, version=ticket.version, seen=ticket_view.last_event_id(ticket))
        commit()
        return answer
    tell("The ticket is saved.")
    return back_to_ticket(ticket_id)


# Presence: who else has this ticket open.


@bp.post("/tickets/<int:ticket_id>/presence")
def here(ticket_id: int):
    """Note that this agent is viewing (or replying to) the ticket; answer who else is."""
    actor = current_user.actor
    ticket = tickets.get_ticket(actor, _ticket_id(ticket_id))
    state = "replying" if request.form.get("state") == "replying" else "viewing"
    now = utcnow()
    commit()
    presence.note(ticket.id, actor.id, actor.name, state, now=now)
    others = presence.others(ticket.id, actor.id, now=now)
    return jsonify(
        others=[{"name": o.name, "state": o.state} for o in others],
        version=ticket.version,
    )
