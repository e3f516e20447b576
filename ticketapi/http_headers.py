"""What every response says about itself, and the answer to a Host this server is not."""

from __future__ import annotations

from flask import Flask, Response, request
from werkzeug.exceptions import SecurityError


def no_sniffing(response: Response) -> Response:
    """Browsers take each response for its declared type (an attachment is never a page)."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response


def untrusted_host() -> str | None:
    """The message for a request whose Host is not in TRUSTED_HOSTS, or None."""
    if not isinstance(request.routing_exception, SecurityError):
        return None
    return (
        "This helpdesk does not answer for the host this request names: it is not in "
        "HELPDESK_ALLOWED_HOSTS (or HELPDESK_SITE_URL). Use the helpdesk's own address; an "
        "operator adds the name to HELPDESK_ALLOWED_HOSTS."
    )


def init_app(app: Flask) -> None:
    app.after_request(no_sniffing)
