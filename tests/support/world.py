"""The people a test acts as, built through the services, and the API called as them."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass
from datetime import timedelta

from ticketapi.auth import services as auth
from ticketapi.extensions import db
from ticketapi.people import services as people
from ticketapi.people.models import Agent, Organization, Team, User, Usergroup
from ticketapi.timeutil import utcnow


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
