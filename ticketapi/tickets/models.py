"""Tickets, their messages, attachments and history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, String, Table, Text, text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ticketapi.auth.links import SingleUseLink
from ticketapi.extensions import db
from ticketapi.people.models import Agent, Organization, Team, User
from ticketapi.timeutil import utcnow

ticket_cc = Table(
    "ticket_cc",
    db.metadata,
    Column("ticket_id", ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)

ticket_followers = Table(
    "ticket_followers",
    db.metadata,
    Column("ticket_id", ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True),
    Column("agent_id", ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Ticket(db.Model):
    __tablename__ = "tickets"
    __table_args__ = (
        # The agent queue: status + agent, newest first; the same for teams and requesters.
        # merged_into_id (IS NULL in every list) makes counting a page index-only.
        Index(
            "ix_tickets_agent_status_created", "agent_id", "status", "merged_into_id", "created_at"
        ),
        Index(
            "ix_tickets_team_status_created", "team_id", "status", "merged_into_id", "created_at"
        ),
        Index("ix_tickets_status_created", "status", "merged_into_id", "created_at"),
        # Every list leaves merged tickets out: newest first, a page is read backwards from
        # here instead of sorting every ticket (both engines; PostgreSQL does not take
        # `IS NULL` as fixing a column's order, so merged_into_id is the condition, not a
        # column). Merged tickets are found by their own small index.
        Index(
            "ix_tickets_unmerged_created",
            "created_at",
            "id",
            sqlite_where=text("merged_into_id IS NULL"),
            postgresql_where=text("merged_into_id IS NULL"),
        ),
        Index(
            "ix_tickets_merged_into",
            "merged_into_id",
            sqlite_where=text("merged_into_id IS NOT NULL"),
            postgresql_where=text("merged_into_id IS NOT NULL"),
        ),
        Index("ix_tickets_user_created", "user_id", "created_at"),
        Index("ix_tickets_organization_created", "organization_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(12), unique=True)
    subject: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(10))
    urgency: Mapped[int] = mapped_column(default=5)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    # Copied from the user when the ticket is opened: moving a user later does not move
    # their old tickets to another organization.
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL")
    )
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("tickets.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    first_agent_reply_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    # False for a submission made without signing in (tickets/holds.py): its requester has
    # not yet stood behind it, so only agents and the requester see it.
    confirmed: Mapped[bool] = mapped_column(default=True, server_default=true())
    # Optimistic locking: every UPDATE checks and bumps it.
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy reads it once)

    user: Mapped[User] = relationship()
    organization: Mapped[Organization | None] = relationship()
    agent: Mapped[Agent | None] = relationship()
    team: Mapped[Team | None] = relationship()
    cc: Mapped[list[User]] = relationship(secondary=ticket_cc, order_by=User.id)
    followers: Mapped[list[Agent]] = relationship(secondary=ticket_followers, order_by=Agent.id)
    label_rows: Mapped[list[TicketLabel]] = relationship(
        cascade="all, delete-orphan", order_by="TicketLabel.name"
    )
    # The SLAs give a ticket its clocks, `sla_rows` and `sla_due` (slas/models.py).

    @property
    def cc_ids(self) -> list[int]:
        return [user.id for user in self.cc]

    @property
    def follower_ids(self) -> list[int]:
        return [agent.id for agent in self.followers]

    @property
    def labels(self) -> list[str]:
        return [row.name for row in self.label_rows]

    @property
    def etag(self) -> str:
        return f'"{self.version}"'


class TicketConfirmation(SingleUseLink, db.Model):
    """A mailed link that confirms one held ticket: its requester sent it (tickets/holds.py)."""

    __tablename__ = "ticket_confirmations"
    # How many links went to an address lately: the per-address limit counts these.
    __table_args__ = (Index("ix_ticket_confirmations_email_created", "email", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    # The address it was mailed to (the requester's then): it proves only that address, so
    # it confirms nothing once the requester's address has changed.
    email: Mapped[str] = mapped_column(String(254))

    ticket: Mapped[Ticket] = relationship()


class TicketLabel(db.Model):
    __tablename__ = "ticket_labels"

    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(50), primary_key=True, index=True)


class Message(db.Model):
    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_ticket_created", "ticket_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    note: Mapped[bool] = mapped_column(default=False)
    author_type: Mapped[str] = mapped_column(String(10))  # "user" or "agent"
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_agent_id: Mapped[int | None] = mapped_column(
        ForeignKey("agents.id", ondelete="SET NULL")
    )
    author_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="message", order_by="Attachment.id"
    )

    @property
    def author(self) -> dict[str, Any]:
        author_id = self.author_agent_id if self.author_type == "agent" else self.author_user_id
        return {"type": self.author_type, "id": author_id, "name": self.author_name}


class Attachment(db.Model):
    """A file stored once by its SHA-256 in the instance folder, shown under its own name."""

    __tablename__ = "attachments"
    # A user's uploads of the last hour and day (tickets/quotas.py).
    __table_args__ = (
        Index("ix_attachments_uploader_created", "uploader_type", "uploader_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), index=True
    )
    # Until it is sent with a message, an upload belongs to whoever uploaded it.
    uploader_type: Mapped[str] = mapped_column(String(10))
    uploader_id: Mapped[int] = mapped_column()
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    message: Mapped[Message | None] = relationship(back_populates="attachments")


class TicketEvent(db.Model):
    """One change to a ticket: who, when, what."""

    __tablename__ = "ticket_events"
    __table_args__ = (Index("ix_ticket_events_ticket_created", "ticket_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_type: Mapped[str] = mapped_column(String(10))  # "user", "agent", "anonymous", "system"
    actor_id: Mapped[int | None]
    actor_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
