"""Users, organizations, usergroups, agents and teams."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ticketapi import versions
from ticketapi.extensions import db
from ticketapi.timeutil import utcnow

user_usergroups = Table(
    "user_usergroups",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("usergroup_id", ForeignKey("usergroups.id", ondelete="CASCADE"), primary_key=True),
)

agent_teams = Table(
    "agent_teams",
    db.metadata,
    Column("agent_id", ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True),
    Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
)


class Organization(db.Model):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    domains: Mapped[list[OrganizationDomain]] = relationship(
        back_populates="organization",
        cascade="all, delete-orphan",
        order_by="OrganizationDomain.domain",
        lazy="selectin",
    )

    @property
    def email_domains(self) -> list[str]:
        return [row.domain for row in self.domains]


class OrganizationDomain(db.Model):
    """An email domain an organization claims: verified users at it join the organization."""

    __tablename__ = "organization_domains"

    domain: Mapped[str] = mapped_column(String(253), primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )

    organization: Mapped[Organization] = relationship(back_populates="domains")


class Usergroup(db.Model):
    """A group of portal users; its permissions say what they may do in the portal."""

    __tablename__ = "usergroups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    # "everyone" (anonymous visitors too) and "registered" are built in.
    system_key: Mapped[str | None] = mapped_column(String(20), unique=True)
    permissions: Mapped[list[str]] = mapped_column(JSON, default=list)


# The built-in groups' permissions are kept by every process (people/services.py).
versions.watch(Usergroup, "usergroups")


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    # Moves on at every password change: sign-in tokens and sessions carry the value they
    # were issued under, and die when it moves (auth/credentials.py).
    credentials_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    email_verified_at: Mapped[datetime | None]
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organization: Mapped[Organization | None] = relationship()
    usergroups: Mapped[list[Usergroup]] = relationship(
        secondary=user_usergroups, lazy="selectin", order_by=Usergroup.id
    )

    @property
    def verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def usergroup_ids(self) -> list[int]:
        return [group.id for group in self.usergroups]


class Team(db.Model):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)

    agents: Mapped[list[Agent]] = relationship(
        secondary=agent_teams, back_populates="teams", order_by="Agent.id"
    )

    @property
    def agent_ids(self) -> list[int]:
        return [agent.id for agent in self.agents]


class Agent(db.Model):
    __tablename__ = "agents"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    # Moves on at every password change and deactivation (see User.credentials_generation).
    credentials_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    is_admin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    permissions: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    teams: Mapped[list[Team]] = relationship(
        secondary=agent_teams, back_populates="agents", lazy="selectin", order_by=Team.id
    )

    @property
    def team_ids(self) -> list[int]:
        return [team.id for team in self.teams]
