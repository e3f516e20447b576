"""An agent's saved views: create, rename, delete, each only ever on the agent's own.

A view belongs to one agent: every lookup is by id *and* owner, so another agent's view is
"not found" whatever its id. Names are one line, at most NAME_MAX characters, unique per
agent; an agent keeps at most MAX_VIEWS.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from ticketapi.agent.models import SavedView
from ticketapi.errors import Invalid, NotFound
from ticketapi.extensions import db
from ticketapi.people.models import Agent

NAME_MAX = 60
MAX_VIEWS = 30


def of(agent: Agent) -> list[SavedView]:
    query = select(SavedView).where(SavedView.agent_id == agent.id).order_by(SavedView.name)
    return list(db.session.scalars(query))


def get(agent: Agent, view_id: int) -> SavedView:
    view = db.session.scalar(
        select(SavedView).where(SavedView.id == view_id, SavedView.agent_id == agent.id)
    )
    if view is None:
        raise NotFound("You have no such view.")
    return view


def create(agent: Agent, name: str, filters: dict[str, Any], *, now: datetime) -> SavedView:
    """Save checked filters (agent/filters.py) under a name of the agent's choosing."""
    name = _checked_name(agent, name)
    held = db.session.scalar(select(func.count(SavedView.id)).where(SavedView.agent_id == agent.id))
    if held >= MAX_VIEWS:
        raise Invalid(
            f"You have {MAX_VIEWS} views already: delete one first.", fields={"name": "too many"}
        )
    view = SavedView(agent_id=agent.id, name=name, filters=filters, created_at=now)
    db.session.add(view)
    db.session.flush()
    return view


def rename(agent: Agent, view_id: int, name: str) -> SavedView:
    view = get(agent, view_id)
    view.name = _checked_name(agent, name, keep=view)
    db.session.flush()
    return view


def delete(agent: Agent, view_id: int) -> None:
    db.session.delete(get(agent, view_id))
    db.session.flush()


def _checked_name(agent: Agent, name: str, keep: SavedView | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise Invalid("Give the view a name.", fields={"name": "missing"})
    if len(name) > NAME_MAX or not name.isprintable():
        raise Invalid(
            f"A view's name is one line of at most {NAME_MAX} characters.",
            fields={"name": "too long"},
        )
    clash = db.session.scalar(
        select(SavedView.id).where(SavedView.agent_id == agent.id, SavedView.name == name)
    )
    if clash is not None and (keep is None or clash != keep.id):
        raise Invalid(f"You have a view called {name} already.", fields={"name": "taken"})
    return name
