"""How often a password reset link may be asked for, shared by the API, the portal and /agent/.

Two buckets: per client address, and per address asked for (so nobody fills an inbox with
links from many machines). Every form that asks for a link counts in the same two.
"""

from __future__ import annotations

from flask import current_app, request

from ticketapi.extensions import limiter
from ticketapi.people.services import normalize_email

RESET_SCOPE = "password-reset-request"
RESET_ADDRESS_SCOPE = "password-reset-address"
REQUESTED = (
    "If an account uses this address, we have sent it a link to set a password. "
    "The link works once, for 1 hour; check the spam folder if nothing arrives."
)


def reset_limit() -> str:
    return current_app.config["PASSWORD_RESET_RATE_LIMIT"]


def reset_address_limit() -> str:
    return current_app.config["PASSWORD_RESET_ADDRESS_LIMIT"]


def requested_address() -> str:
    """The address a reset request names, from the API's JSON or a page's form."""
    data = request.get_json(silent=True) if request.is_json else request.form
    email = data.get("email") if hasattr(data, "get") else None
    return "reset:" + (normalize_email(email) if isinstance(email, str) else "")


def limit_reset_requests(view):
    """Count a view that asks for a reset link in both shared buckets."""
    view = limiter.shared_limit(
        reset_address_limit, RESET_ADDRESS_SCOPE, key_func=requested_address
    )(view)
    return limiter.shared_limit(reset_limit, RESET_SCOPE)(view)
