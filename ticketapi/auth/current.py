"""The actor behind the current API request, from its bearer token."""

from __future__ import annotations

from flask import g, request

from ticketapi.auth import services
from ticketapi.auth.models import Token
from ticketapi.core.transactions import commit
from ticketapi.errors import Unauthorized
from ticketapi.people.services import anonymous_actor
from ticketapi.permissions import Actor
from ticketapi.timeutil import utcnow


def load_actor() -> None:
    """Resolve `Authorization: Bearer …` into `g.actor`; no header means anonymous."""
    if not request.path.startswith("/api/"):
        return  # portal files need no actor, and no query to find one
    if request.routing_exception is not None:
        # No such route or method: that answer (404, 405) comes first.
        g.actor, g.token = Actor(kind="anonymous"), None
        return
    # Finding out who is asking only reads: it runs in a transaction of its own that takes
    # no write lock (SQLite), ended before the view starts its work.
    now = utcnow()
    g.read_only_transaction = True
    try:
        g.actor, g.token = _authenticate(request.headers.get("Authorization"), now)
    finally:
        g.read_only_transaction = False
        commit()
    if g.token is not None:
        services.note_use(g.token, now=now)


def _authenticate(header: str | None, now) -> tuple[Actor, Token | None]:
    if header is None:
        return anonymous_actor(), None
    scheme, _, plain = header.partition(" ")
    if scheme.lower() != "bearer" or not plain.strip():
        raise Unauthorized("Send the token as 'Authorization: Bearer TOKEN'.")
    token = services.verify(plain.strip(), now=now)
    return services.actor_for(token), token


def current_actor() -> Actor:
    return g.actor


def current_token() -> Token | None:
    """The token the request came with (None for anonymous requests)."""
    return g.get("token")
