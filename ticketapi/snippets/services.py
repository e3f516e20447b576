"""Snippet services: every function takes the acting `Actor`; access is checked here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, exists, select

from ticketapi import permissions as rules
from ticketapi.core.access import require
from ticketapi.core.rows import find
from ticketapi.errors import Forbidden, Invalid, NotFound
from ticketapi.extensions import db
from ticketapi.people.models import Agent
from ticketapi.permissions import Actor
from ticketapi.snippets import templating
from ticketapi.snippets.models import Snippet, SnippetTag
from ticketapi.tickets import services as tickets
from ticketapi.tickets.models import Ticket

AGENTS_ONLY = "Snippets are for agents only."
SIGN_IN = "Sign in as an agent to use snippets."


def snippets_query(actor: Actor, filters: dict[str, Any]) -> Select:
    """The shared snippets and the actor's own, filtered, by title."""
    require(rules.can_use_snippets, actor, None, AGENTS_ONLY, signed_out=SIGN_IN)
    query = select(Snippet).where(rules.visible_snippets(actor, Snippet))
    if "shared" in filters:
        query = query.where(Snippet.shared == filters["shared"])
    if filters.get("mine"):
        query = query.where(Snippet.owner_id == actor.id)
    if category := (filters.get("category") or "").strip():
        query = query.where(Snippet.category == category)
    if tag := (filters.get("tag") or "").strip().lower():
        query = query.where(
            exists().where(SnippetTag.snippet_id == Snippet.id, SnippetTag.name == tag)
        )
    if q := (filters.get("q") or "").strip():
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(Snippet.title.ilike(pattern, escape="\\"))
    return query.order_by(Snippet.title, Snippet.id)


def get_snippet(actor: Actor, snippet_id: int) -> Snippet:
    """Return a snippet the actor may see; 404 for others' personal ones, so ids are not probed."""
    require(rules.can_use_snippets, actor, None, AGENTS_ONLY, signed_out=SIGN_IN)
    snippet = find(Snippet, snippet_id)
    if snippet is None or not rules.can_view_snippet(actor, snippet):
        raise NotFound(f"There is no snippet {snippet_id}.")
    return snippet


def create_snippet(actor: Actor, values: dict[str, Any], *, now: datetime) -> Snippet:
    require(rules.can_use_snippets, actor, None, AGENTS_ONLY, signed_out=SIGN_IN)
    if values.get("shared") and not rules.can_share_snippets(actor):
        raise Forbidden("Shared snippets need the snippets.manage permission: save it as yours.")
    snippet = Snippet(
        owner_id=actor.id, shared=bool(values.get("shared")), created_at=now, updated_at=now
    )
    _apply(snippet, values)
    db.session.add(snippet)
    db.session.flush()
    return snippet


def update_snippet(
    actor: Actor, snippet_id: int, changes: dict[str, Any], *, now: datetime
) -> Snippet:
    snippet = get_snippet(actor, snippet_id)
    if not rules.can_edit_snippet(actor, snippet):
        raise Forbidden("Changing shared snippets needs the snippets.manage permission.")
    if changes.get("shared") is True and not snippet.shared:
        if not rules.can_share_snippets(actor):
            raise Forbidden("Sharing a snippet needs the snippets.manage permission.")
        snippet.shared = True
    elif changes.get("shared") is False and snippet.shared:
        # Whoever takes a snippet out of the shared list keeps it, so it lands with
        # someone who knows about it rather than with an absent author.
        snippet.shared, snippet.owner_id = False, actor.id
    _apply(snippet, changes)
    snippet.updated_at = now
    db.session.flush()
    return snippet


def _apply(snippet: Snippet, values: dict[str, Any]) -> None:
    if "title" in values:
        snippet.title = _title(values["title"])
    if "body" in values:
        templating.check(values["body"])
        snippet.body = values["body"]
    if "category" in values:
        snippet.category = (values["category"] or "").strip() or None
    if "tags" in values:
        wanted = sorted({tag.strip().lower() for tag in values["tags"] if tag.strip()})
        keep = [row for row in snippet.tag_rows if row.name in wanted]
        have = {row.name for row in keep}
        snippet.tag_rows = keep + [SnippetTag(name=name) for name in wanted if name not in have]


def _title(title: str) -> str:
    if not title.strip():
        raise Invalid("Give the snippet a title.", fields={"title": "blank"})
    return title.strip()


def delete_snippet(actor: Actor, snippet_id: int) -> None:
    snippet = get_snippet(actor, snippet_id)
    if not rules.can_edit_snippet(actor, snippet):
        raise Forbidden("Deleting shared snippets needs the snippets.manage permission.")
    db.session.delete(snippet)


def render_snippet(actor: Actor, snippet_id: int, ticket_id: int) -> str:
    """Fill a snippet's placeholders for a ticket the actor may see."""
    snippet = get_snippet(actor, snippet_id)
    ticket = tickets.get_ticket(actor, ticket_id)
    return templating.render(
        snippet.body, placeholder_values(ticket, db.session.get(Agent, actor.id))
    )


def placeholder_values(ticket: Ticket, agent: Agent | None) -> dict[str, dict[str, Any]]:
    """Plain values for every placeholder: never a model, so a template reaches nothing else."""
    organization = ticket.organization
    return {
        "user": _person(ticket.user.name, ticket.user.email),
        "ticket": {
            "id": ticket.id,
            "ref": ticket.ref,
            "subject": ticket.subject,
            "status": ticket.status,
        },
        "agent": _person(agent.name, agent.email) if agent else _person("", ""),
        # A user without an organization gets an empty name, so one snippet suits everyone.
        "organization": {"name": organization.name if organization else ""},
    }


def _person(name: str, email: str) -> dict[str, str]:
    first_name = name.split()[0] if name.split() else ""
    return {"name": name, "first_name": first_name, "email": email}
