"""Bootstrap: the first admin agent, created from the command line."""

from __future__ import annotations

from sqlalchemy import select

from ticketapi.auth.credentials import end_credentials
from ticketapi.auth.passwords import MIN_LENGTH, hash_password
from ticketapi.core.transactions import commit
from ticketapi.errors import Invalid
from ticketapi.extensions import db
from ticketapi.people.models import Agent
from ticketapi.people.services import normalize_email
from ticketapi.timeutil import utcnow


def create_admin(*, email: str, password: str, name: str) -> tuple[Agent, bool]:
    """Create an admin agent, or make the existing agent an admin with this password."""
    email = normalize_email(email)
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        raise Invalid(f"{email!r} is not an email address.", fields={"email": "not an address"})
    if len(password) < MIN_LENGTH:
        raise Invalid(
            f"The password needs at least {MIN_LENGTH} characters.",
            fields={"password": "too short"},
        )
    agent = db.session.scalar(select(Agent).where(Agent.email == email))
    created = agent is None
    if created:
        agent = Agent(email=email, name=name, created_at=utcnow())
        db.session.add(agent)
    agent.is_admin = True
    agent.active = True
    agent.password_hash = hash_password(password)
    if not created:
        # A new password, like any other: the agent's earlier sign-ins end.
        end_credentials(agent, now=utcnow())
    commit()
    return agent, created
