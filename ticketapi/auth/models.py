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


class WebSession(db.Model):
    """A signed-in browser: the cookie holds a random id, the server its hash (auth/sessions.py).

    Kept on the server so that signing out, a password change and a deactivation end it
    wherever the cookie is replayed from.
    """

    __tablename__ = "web_sessions"
    __table_args__ = (CheckConstraint("(agent_id IS NULL) != (user_id IS NULL)", name="one_owner"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # SHA-256 of the session id's 256 random bits: a copy of the database opens no session.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    agent_id: Mapped[int | None] = mapped_column(
        ForeignKey("agents.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    # As for tokens: a sign-in that read the account just before a password change starts
    # a session that is dead on arrival.
    credentials_generation: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]

    agent: Mapped[Agent | None] = relationship()
    user: Mapped[User | None] = relationship()

    @property
    def owner(self) -> Agent | User:
        return self.agent if self.agent is not None else self.user


class AgentTotp(db.Model):
    """An agent's second step: a TOTP secret, encrypted, in use once confirmed (auth/totp.py)."""

    __tablename__ = "agent_totp"

    agent_id: Mapped[int] = mapped_column(
        ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True
    )
    # Fernet (AES-128-CBC and HMAC-SHA256) under a key derived from the app's SECRET_KEY.
    secret_encrypted: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # None while being set up: sign-in asks for codes only once a code has confirmed it.
    confirmed_at: Mapped[datetime | None]
    # The 30-second step of the last code accepted: a code is good once, and never one older.
    last_step: Mapped[int] = mapped_column(default=0)


class RecoveryCode(db.Model):
    """A single-use code that stands in for a TOTP code, stored as its SHA-256."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]
