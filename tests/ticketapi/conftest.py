"""Fixtures for the ticketapi: one app per session, an empty database per test.

The suite runs on SQLite by default, and on PostgreSQL when
HELPDESK_TEST_DATABASE_URL names one (`make test` does both when it can).
"""

from __future__ import annotations

import contextvars
import os
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import text

from ticketapi import create_app
from ticketapi.auth import services as auth
from ticketapi.cli import upgrade_database
from ticketapi.extensions import db
from ticketapi.people import services as people
from ticketapi.people.models import Agent, Organization, Team, User, Usergroup
from ticketapi.tickets.search import INDEX_TABLE
from ticketapi.timeutil import utcnow


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("HELPDESK_TEST_DATABASE_URL")
    return url or f"sqlite:///{tmp_path_factory.mktemp('db') / 'helpdesk.db'}"


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "INSTANCE_DIR": str(instance),
            "SQLALCHEMY_DATABASE_URI": database_url,
            # The limiter runs for real; tests that exercise it lower these limits.
            "SUBMIT_RATE_LIMIT": "100000 per minute",
            "LOGIN_RATE_LIMIT": "100000 per minute",
            "TOTP_RATE_LIMIT": "100000 per minute",
            "SEARCH_RATE_LIMIT": "100000 per minute",
            "DEFLECTION_RATE_LIMIT": "100000 per minute",
            "PASSWORD_RESET_RATE_LIMIT": "100000 per minute",
            "PASSWORD_RESET_ADDRESS_LIMIT": "100000 per minute",
            # Never the repository's own index: search tests build theirs.
            "SEARCH_INDEX": str(instance / "search-index"),
        }
    )
    with app.app_context():
        # The suite runs on the schema the migrations build, as a real install would.
        db.drop_all()
        _drop_alembic_version()
        upgrade_database()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _drop_alembic_version() -> None:
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture(autouse=True)
def app_context(request, app):
    """Every test gets an app context and an empty database (for tests that use the app)."""
    with app.app_context():
        people.ensure_system_usergroups()
        db.session.commit()
        yield
        db.session.rollback()
        _empty_tables()
        db.session.remove()


def reset_database() -> None:
    """Start again from an empty database inside one test."""
    db.session.rollback()
    _empty_tables()
    people.ensure_system_usergroups()
    db.session.commit()


def _empty_tables() -> None:
    # The search index is outside the models; emptied first, it never outlives its tickets.
    tables = [INDEX_TABLE, *(t.name for t in reversed(db.metadata.sorted_tables))]
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
def client(app):
    return app.test_client()


@dataclass
class Account:
    """A person the test acts as: the model row and a live bearer token."""

    row: Agent | User | None
    token: str | None

    @property
    def id(self) -> int:
        return self.row.id

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}


ANONYMOUS = Account(row=None, token=None)


class World:
    """Builds people straight through the services, then talks to the API as them."""

    def __init__(self, client) -> None:
        self.client = client
        self.now = utcnow()

    def _token(self, row) -> str:
        _token, plain = auth.issue_token(row, now=self.now, ttl=timedelta(days=1))
        db.session.commit()
        return plain

    def agent(
        self, name: str = "Agent", *, permissions=(), admin=False, teams=(), email=None
    ) -> Account:
        row = Agent(
            email=email or f"{name.lower().replace(' ', '.')}@agents.example",
            name=name,
            is_admin=admin,
            permissions=list(permissions),
            teams=list(teams),
        )
        db.session.add(row)
        db.session.commit()
        return Account(row, self._token(row))

    def admin(self, name: str = "Admin") -> Account:
        return self.agent(name, admin=True)

    def organization(self, name: str = "Acme", domains=()) -> Organization:
        org = Organization(name=name)
        db.session.add(org)
        people.set_organization_domains(org, list(domains))
        db.session.commit()
        return org

    def team(self, name: str = "Support", agents=()) -> Team:
        team = Team(name=name, agents=[a.row for a in agents])
        db.session.add(team)
        db.session.commit()
        return team

    def usergroup(self, name: str, permissions=()) -> Usergroup:
        group = Usergroup(name=name, permissions=list(permissions))
        db.session.add(group)
        db.session.commit()
        return group

    def user(
        self, name: str = "User", *, email=None, organization=None, usergroups=(), verified=True
    ) -> Account:
        row = people.register_user(
            email=email or f"{name.lower().replace(' ', '.')}@users.example",
            name=name,
            now=self.now,
            verified=verified,
            organization_id=organization.id if organization else None,
            usergroup_ids=[g.id for g in usergroups],
        )
        db.session.commit()
        return Account(row, self._token(row))

    def call(self, method: str, path: str, who: Account = ANONYMOUS, **kwargs):
        """Send a request as a server would see it: its own app context and session.

        The test's own session commits first, so it holds no lock and no stale state.
        """
        headers = {**who.headers, **kwargs.pop("headers", {})}
        db.session.commit()
        # What the test holds is re-read after the request (commits do not expire it).
        db.session.expire_all()
        return contextvars.Context().run(
            self.client.open,
            path,
            method=method.upper(),
            headers=headers,
            buffered=True,  # read and close file responses
            **kwargs,
        )

    def get(self, path, who=ANONYMOUS, **kw):
        return self.call("GET", path, who, **kw)

    def post(self, path, who=ANONYMOUS, **kw):
        return self.call("POST", path, who, **kw)

    def patch(self, path, who=ANONYMOUS, **kw):
        return self.call("PATCH", path, who, **kw)

    def delete(self, path, who=ANONYMOUS, **kw):
        return self.call("DELETE", path, who, **kw)


@pytest.fixture
def world(client) -> World:
    return World(client)
