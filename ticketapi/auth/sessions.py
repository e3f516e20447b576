"""Server-side sessions of signed-in browsers: started at sign-in, ended by the server.

The browser's cookie (Flask's signed session) carries a random session id of 256 bits; the
server keeps only its SHA-256 in `web_sessions`. A session is good while its row is not
revoked, has not expired (IDLE without a request, LIFETIME in all), and its account still
stands behind it (active, same credentials generation). Signing out revokes the row, and
`end_all` (called by `credentials.end_credentials`) revokes every row of an account: a
replayed cookie then opens nothing, whichever process it reaches.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from ticketapi.auth.links import digest
from ticketapi.auth.models import WebSession
from ticketapi.core.transactions import commit
from ticketapi.extensions import db
from ticketapi.people.models import Agent, User

#: A session ends after this long without a request (overnight, an agent signs in again).
IDLE = timedelta(hours=12)
#: And after this long in all, however busy.
LIFETIME = timedelta(days=7)
# last_seen_at is a write: recorded at most this often.
SEEN_RESOLUTION = timedelta(minutes=5)
# The session id in the cookie: a prefix says what it is, as with tokens ("hd_").
PREFIX = "hs_"


def start(account: Agent | User, *, now: datetime) -> tuple[WebSession, str]:
    """A new session for the account; its id (for the cookie) is returned only here."""
    plain = PREFIX + secrets.token_urlsafe(32)
    row = WebSession(
        token_hash=digest(plain),
        agent_id=account.id if isinstance(account, Agent) else None,
        user_id=account.id if isinstance(account, User) else None,
        credentials_generation=account.credentials_generation or 0,
        created_at=now,
        last_seen_at=now,
        expires_at=now + LIFETIME,
    )
    db.session.add(row)
    db.session.flush()
    return row, plain


def find(plain: str, *, now: datetime) -> WebSession | None:
    """The live session this id names, with its account loaded; None for any other id."""
    if not isinstance(plain, str) or not plain.startswith(PREFIX) or len(plain) > 100:
        return None
    hashed = digest(plain)
    row = db.session.scalar(
        select(WebSession)
        .options(joinedload(WebSession.agent), joinedload(WebSession.user))
        .where(WebSession.token_hash == hashed)
    )
    if row is None or not hmac.compare_digest(row.token_hash, hashed) or not _live(row, now):
        return None
    return row


def _live(row: WebSession, now: datetime) -> bool:
    owner = row.owner
    if row.revoked_at is not None or row.expires_at <= now or row.last_seen_at + IDLE <= now:
        return False
    if isinstance(owner, Agent) and not owner.active:
        return False
    return row.credentials_generation == owner.credentials_generation


def note_use(row: WebSession, *, now: datetime) -> None:
    """Record that the session was used (its idle time starts again), every few minutes."""
    if now - row.last_seen_at < SEEN_RESOLUTION:
        return
    # The first statement of its transaction: on SQLite it waits for the write lock, where a
    # read transaction that tried to become a writer could fail at once.
    db.session.execute(
        update(WebSession)
        .where(WebSession.id == row.id, WebSession.revoked_at.is_(None))
        .values(last_seen_at=now)
        .execution_options(synchronize_session=False)
    )
    commit()
    row.last_seen_at = now


def end(row: WebSession, *, now: datetime) -> None:
    """Sign out: the session ends on the server, whoever holds a copy of the cookie."""
    db.session.execute(
        update(WebSession)
        .where(WebSession.id == row.id, WebSession.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )


def end_all(account: Agent | User, *, now: datetime, keep_session_id: int | None = None) -> None:
    """End every session of the account but `keep_session_id`, which moves to the new
    credentials generation (the session a password was changed from stays signed in)."""
    owned = (
        WebSession.agent_id == account.id
        if isinstance(account, Agent)
        else WebSession.user_id == account.id
    )
    revoke = update(WebSession).where(owned, WebSession.revoked_at.is_(None))
    if keep_session_id is not None:
        revoke = revoke.where(WebSession.id != keep_session_id)
        db.session.execute(
            update(WebSession)
            .where(owned, WebSession.id == keep_session_id)
            .values(credentials_generation=account.credentials_generation)
            .execution_options(synchronize_session=False)
        )
    db.session.execute(revoke.values(revoked_at=now).execution_options(synchronize_session=False))


def live_sessions(account: Agent | User, *, now: datetime) -> list[WebSession]:
    """The account's sessions still open, newest first (for the account page)."""
    owned = (
        WebSession.agent_id == account.id
        if isinstance(account, Agent)
        else WebSession.user_id == account.id
    )
    rows = db.session.scalars(
        select(WebSession)
        .where(owned, WebSession.revoked_at.is_(None), WebSession.expires_at > now)
        .order_by(WebSession.created_at.desc())
    )
    return [row for row in rows if _live(row, now)]
