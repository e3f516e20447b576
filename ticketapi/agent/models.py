"""What the agent pages keep of their own: the views an agent saves from a filter."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ticketapi.extensions import db
from ticketapi.timeutil import utcnow


class SavedView(db.Model):
    """A named filter of the ticket list, one agent's own: nobody else sees or changes it."""

    __tablename__ = "agent_saved_views"
    __table_args__ = (UniqueConstraint("agent_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    # The list service's filters, as agent/filters.py checked them (never raw form input).
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
