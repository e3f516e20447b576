"""The actor behind the current API request, from its bearer token."""

from __future__ import annotations

from flask import g, request

from ticketapi.auth import services
from ticketapi.errors import Unauthorized
from ticketapi.people.services import anonymous_actor
from ticketapi.permissions import Actor
from ticketapi.timeutil import utcnow


def load_actor() -> None:
    """Resolve `Authorization: Bearer …` into `g.actor`; no header means anonymous."""
    if not request.path.startswith("/api/") or request.routing_exception is not None:
        # No such route or method: that answer (404, 405) comes first.
        g.actor, g.token = anonymous_actor(), None
        return
    header = request.headers.get("Authorization")
    if header is None:
        g.actor, g.token = anonymous_actor(), None
        return
    scheme, _, plain = header.partition(" ")
    if scheme.lower() != "bearer" or not plain.strip():
        raise Unauthorized("Send the token as 'Authorization: Bearer TOKEN'.")
    g.token = services.verify(plain.strip(), now=utcnow())
    g.actor = services.actor_for(g.token)


def current_actor() -> Actor:
    return g.actor
