"""A mailed password reset link as the portal's and /agent/'s pages handle it.

The link (`…?token=…`) is opened once: the token moves into the session cookie and the
browser is sent on to the same page without it, so it stays out of the address bar, the
history and any Referer. Nothing changes until the form is posted (mail scanners open links).
"""

from __future__ import annotations

from flask import redirect, request, session

from ticketapi.auth import resets
from ticketapi.core.transactions import commit
from ticketapi.errors import DomainError
from ticketapi.extensions import db
from ticketapi.timeutil import utcnow


class ResetLink:
    """The reset link of one family of pages: where its token is kept, whose links it takes."""

    def __init__(self, session_key: str, sides: tuple[str, ...]):
        self.session_key = session_key
        self.sides = sides

    def take_token(self, page: str):
        """A redirect to `page` (the link's own, without the token) when the address has one."""
        if token := request.args.get("token"):
            session[self.session_key] = token[:200]
            return redirect(page, 303)
        return None

    def pending(self):
        """The reset the session's token still opens, or None."""
        token = session.get(self.session_key)
        return resets.usable(token, now=utcnow(), sides=self.sides) if token else None

    def forget(self) -> None:
        session.pop(self.session_key, None)

    def redeem(self, password: str) -> DomainError | None:
        """Set the password (committed), or the service's refusal (rolled back)."""
        try:
            resets.redeem(session[self.session_key], password, now=utcnow(), sides=self.sides)
            commit()
        except DomainError as error:
            db.session.rollback()
            return error
        self.forget()
        return None


def sent_too_often(refused) -> str:
    return (
        f"We have sent several links in a short time (at most {refused.limit}): "
        f"ask again {refused.when}."
    )
