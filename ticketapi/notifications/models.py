"""Each agent's choice of notifications."""

from __future__ import annotations

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from ticketapi.extensions import db

# The events an agent can switch on and off, in the order the API shows them.
PREFERENCES = ("new_ticket_for_team", "assigned_to_me", "user_reply", "sla_warning", "sla_failure")


class NotificationSettings(db.Model):
    """An agent's notification choices; an agent without a row gets every notification."""

    __tablename__ = "notification_settings"

    agent_id: Mapped[int] = mapped_column(
        ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True
    )
    new_ticket_for_team: Mapped[bool] = mapped_column(default=True)
    assigned_to_me: Mapped[bool] = mapped_column(default=True)
    user_reply: Mapped[bool] = mapped_column(default=True)
    sla_warning: Mapped[bool] = mapped_column(default=True)
    sla_failure: Mapped[bool] = mapped_column(default=True)
