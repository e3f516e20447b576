"""The one access check services make before they act."""

from __future__ import annotations

from typing import Any

from ticketapi.errors import Forbidden, Unauthorized
from ticketapi.permissions import Actor, Rule


def require(
    rule: Rule, actor: Actor, target: Any, message: str, *, signed_out: str | None = None
) -> None:
    """Refuse with 403 and `message` unless `rule(actor, target)` holds.

    With `signed_out`, a visitor who has not signed in is told that instead (401): signing
    in is what they lack, not a permission.
    """
    if rule(actor, target):
        return
    if signed_out is not None and actor.is_anonymous:
        raise Unauthorized(signed_out)
    raise Forbidden(message)
