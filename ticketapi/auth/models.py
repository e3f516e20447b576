"""Bearer tokens (sign-in tokens, admins' API keys) and password reset links, stored as hashes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ticketapi.auth.links import SingleUseLink
from ticketapi.extensions import db
from ticketapi.people.models import Agent, User
from ticketapi.timeutil import utcnow


class Token(db.Model):
    __tablename__ = "tokens"
    __table_args__ = (CheckConstraint("(agent_id IS NULL) != (user_id IS NULL)", name="one_owner"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # "login" or "api_key"
    name: Mapped[str] = mapped_column(String(100), default="")
    # SHA-256 of the token: tokens carry 256 random bits, so a fast hash is enough.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    agent_id: Mapped[int | None] = mapped_column(
        ForeignKey("agents.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    # The owner's credentials_generation when issued: a sign-in token dies when it moves on,
    # even one issued by a sign-in that read the account just before a password change.
    credentials_generation: Mapped[int] = mapped_column(default=0, server_default="0")

    agent: Mapped[Agent | None] = relationship()
    user: Mapped[User | None] = relationship()

    @property
    def owner(self) -> Agent | User:
        return self.agent if self.agent is not None else self.user


class PasswordReset(SingleUseLink, db.Model):
    """A link that sets an account's password once: mailed to its address, valid an hour."""

    __tablename__ = "password_resets"
    __table_args__ = (CheckConstraint("(agent_id IS NULL) != (user_id IS NULL)", name="one_owner"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int | None] = mapped_column(
        ForeignKey("agents.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    # Who had it sent: an agent for a user (crm.edit), or nobody (the person asked).
    sent_by_agent_id: Mapped[int | None] = mapped_column(
        ForeignKey("agents.id", ondelete="SET NULL")
    )

    agent: Mapped[Agent | None] = relationship(foreign_keys=[agent_id])
    user: Mapped[User | None] = relationship()

    @property
    def owner(self) -> Agent | User:
        return self.agent if self.agent is not None else self.user
