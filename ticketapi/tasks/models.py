"""Tasks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ticketapi.extensions import db
from ticketapi.tickets.models import Ticket
from ticketapi.timeutil import utcnow


class Task(db.Model):
    __tablename__ = "tasks"
    __table_args__ = (
        # "My open tasks, soonest first" for an agent and for a team.
        Index("ix_tasks_agent_done_due", "agent_id", "done", "due_at"),
        Index("ix_tasks_team_done_due", "team_id", "done", "due_at"),
        Index("ix_tasks_ticket", "ticket_id"),
        Index("ix_tasks_created_by", "created_by_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    due_at: Mapped[datetime | None]
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    # A task outlives its ticket: "call the customer back" still needs doing.
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))
    done: Mapped[bool] = mapped_column(default=False)
    done_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    ticket: Mapped[Ticket | None] = relationship()
