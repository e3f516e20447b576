"""Sign-in, token issue, verification and revocation."""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload, lazyload

from ticketapi.auth import credentials
from ticketapi.auth.links import digest
from ticketapi.auth.models import Token
from ticketapi.auth.passwords import hash_password, needs_rehash, verify_password
from ticketapi.core.transactions import commit
from ticketapi.errors import Forbidden, Invalid, NotFound, Unauthorized
from ticketapi.extensions import db
from ticketapi.people import services as people
from ticketapi.people.models import Agent, User
from ticketapi.permissions import Actor, can_manage_agents

TOKEN_PREFIX = "hd_"
# Touching last_used_at on every request would turn each read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def new_token_string() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


WRONG_CREDENTIALS = "The email or password is wrong: check both and try again."
#: Who may sign in where: the API's token route takes either; the portal's sign-in form will
#: take users only and the agent pages' agents only (SPEC §10).
EVERYONE = ("agent", "user")


def authenticate(email: str, password: str, *, sides: tuple[str, ...] = EVERYONE) -> Agent | User:
    """The account these credentials open on these sides (an active agent before a user).

    Every sign-in form calls this one function. It does the same work whatever the address:
    both tables are read and exactly one argon2 verification runs, for an unknown address,
    an account without a password and a deactivated agent too, so neither the answer nor its
    time tells which addresses have accounts.
    """
    account = _account_for(people.normalize_email(email), sides)
    matched = verify_password(account.password_hash if account else None, password)
    if account is None or not matched:
        raise Unauthorized(WRONG_CREDENTIALS)
    if needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
    return account


def _account_for(email: str, sides: tuple[str, ...]) -> Agent | User | None:
    # Both look-ups run, whichever finds someone, and neither loads more rows for a match
    # (teams and usergroups load later, for a success): the queries do not tell either.
    agent = db.session.scalar(
        select(Agent).options(lazyload(Agent.teams)).where(Agent.email == email, Agent.active)
    )
    user = db.session.scalar(
        select(User).options(lazyload(User.usergroups)).where(User.email == email)
    )
    if "agent" in sides and agent is not None:
        return agent
    return user if "user" in sides else None


def issue_token(account: Agent | User, *, now: datetime, ttl: timedelta) -> tuple[Token, str]:
    """Create a sign-in token for the account; the plain token is returned only here."""
    return _create(account, kind="login", name="sign-in", expires_at=now + ttl, now=now)


def mint_api_key(actor: Actor, agent_id: int, name: str, *, now: datetime) -> tuple[Token, str]:
    """Create a non-expiring API key acting as an agent (admins only)."""
    if not can_manage_agents(actor):
        raise Forbidden("Only admins can mint API keys.")
    agent = db.session.get(Agent, agent_id)
    if agent is None:
        raise Invalid(f"There is no agent {agent_id}.", fields={"agent_id": "unknown id"})
    return _create(agent, kind="api_key", name=name, expires_at=None, now=now)


def _create(account, *, kind: str, name: str, expires_at, now: datetime) -> tuple[Token, str]:
    plain = new_token_string()
    token = Token(
        kind=kind,
        name=name,
        token_hash=digest(plain),
        prefix=plain[:10],
        created_at=now,
        expires_at=expires_at,
        agent_id=account.id if isinstance(account, Agent) else None,
        user_id=account.id if isinstance(account, User) else None,
        credentials_generation=account.credentials_generation or 0,
    )
    db.session.add(token)
    db.session.flush()
    return token, plain


def verify(plain: str, *, now: datetime) -> Token:
    """Return the live token for this bearer string, or raise Unauthorized."""
    hashed = digest(plain)
    # One query for the token, its owner and what the actor is built from.
    query = select(Token).options(
        joinedload(Token.agent).joinedload(Agent.teams),
        joinedload(Token.user).joinedload(User.usergroups),
    )
    token = db.session.scalars(query.where(Token.token_hash == hashed)).unique().first()
    if (
        token is None
        or not hmac.compare_digest(token.token_hash, hashed)
        or token.revoked_at is not None
        or (token.expires_at is not None and token.expires_at <= now)
        or not credentials.is_current(token)
    ):
        raise Unauthorized("The token is unknown, expired or revoked: sign in again.")
    return token


def change_own_password(
    actor: Actor, token: Token | None, current_password: str, new_password: str, *, now: datetime
) -> None:
    """Change the signed-in account's own password; every other sign-in of it ends."""
    if actor.is_anonymous or token is None:
        raise Unauthorized("Sign in first: send 'Authorization: Bearer TOKEN'.")
    if token.kind != "login":
        raise Forbidden(
            "An API key cannot change its agent's password: sign in with the password first."
        )
    change_password(token.owner, current_password, new_password, now=now, keep_token_id=token.id)


def change_password(
    account: Agent | User,
    current_password: str,
    new_password: str,
    *,
    now: datetime,
    keep_token_id: int | None = None,
    keep_session_id: int | None = None,
) -> None:
    """Set a new password when the current one is typed; every sign-in of the account ends
    but the token or browser session the change was made from."""
    if not verify_password(account.password_hash, current_password):
        raise Invalid(
            "The current password is wrong: type it again (or ask for a reset link).",
            fields={"current_password": "wrong password"},
        )
    account.password_hash = people.new_password_hash(new_password, field="new_password")
    credentials.end_credentials(
        account, now=now, keep_token_id=keep_token_id, keep_session_id=keep_session_id
    )


def note_use(token: Token, *, now: datetime) -> None:
    """Record when a token was last used, at most every few minutes (it is a write)."""
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        token.last_used_at = now
        commit()


def list_api_keys(actor: Actor) -> list[Token]:
    if not can_manage_agents(actor):
        raise Forbidden("Only admins can see API keys.")
    return list(db.session.scalars(select(Token).where(Token.kind == "api_key").order_by(Token.id)))


def sign_out(token: Token, *, now: datetime) -> None:
    """Revoke the token the request came with."""
    if token.revoked_at is None:
        token.revoked_at = now


def revoke_api_key(actor: Actor, key_id: int, *, now: datetime) -> Token:
    """Revoke an API key (admins only)."""
    if not can_manage_agents(actor):
        raise Forbidden("Only admins can revoke API keys.")
    token = db.session.get(Token, key_id)
    if token is None or token.kind != "api_key":
        raise NotFound(f"There is no API key {key_id}.")
    if token.revoked_at is None:
        token.revoked_at = now
    return token


def actor_for(token: Token) -> Actor:
    if token.agent is not None:
        return people.agent_actor(token.agent)
    return people.user_actor(token.user)
