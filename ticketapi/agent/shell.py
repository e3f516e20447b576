"""What every agent page shares: the `/agent` blueprint, who may open it, how pages are drawn.

Each page module has a blueprint of its own, registered inside `bp` (so its endpoints are
`agent.<module>.<view>`). `bp` checks every request before any view runs:

* a page not marked `@public` needs a signed-in agent: anyone else (a signed-out visitor, a
  portal user's session) is sent to the sign-in page, with the page as `next`;
* every POST carries the form's CSRF token, or nothing is done (400).

Pages are drawn with the theme's Jinja environment (portal/theme.py) and send the portal's
security headers (CSP without inline script or style); signed-in pages are never cached.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from urllib.parse import urlsplit

from apiflask import APIBlueprint
from flask import (
    Response,
    current_app,
    g,
    redirect,
    request,
    session,
    url_for,
)
from flask_login import current_user

from helpdesk import ENGINE_ROOT
from ticketapi import permissions as rules
from ticketapi.agent import widgets
from ticketapi.agent.queues import counts, queues_for
from ticketapi.errors import DomainError
from ticketapi.extensions import SAFE_METHODS
from ticketapi.portal import security
from ticketapi.portal.theme import render

# An APIBlueprint only to say it has no place in the OpenAPI document (APIFlask reads the
# before_request functions of every blueprint it does not know to leave out).
bp = APIBlueprint(
    "agent",
    __name__,
    url_prefix="/agent",
    static_folder="static",
    static_url_path="/static",
    enable_openapi=False,
)


@bp.after_request
def headers(response: Response) -> Response:
    """The portal's security headers; a page with a mail's remote images (`g.remote_images`:
    the ticket page, an inbound message) lets them load once a script sets their src."""
    security.page_headers(response)
    if g.get("remote_images"):
        response.headers["Content-Security-Policy"] = security.REMOTE_IMAGES_POLICY
    return response


HOME = "/agent/"
SCHEMES = ("system", "light", "dark")
SCHEME_COOKIE = "agent_scheme"
NOTICE = "agent_notice"  # one line to show on the next page (signed out, password set)
FORM_REFUSED = (
    "We could not accept this form: it was open too long, or it was not sent from this "
    "site. Nothing was done: reload the page and send the form again."
)
THEME_CSS = ENGINE_ROOT / "theme" / "static" / "css" / "main.css"
DARK_MEDIA = "@media (prefers-color-scheme: dark)"


class FormRefused(DomainError):
    status_code = 400


def public(view: Callable) -> Callable:
    """Mark a view that a signed-out visitor may open (sign-in, password reset, styles)."""
    view.public = True
    return view


@bp.before_request
def guard():
    view = current_app.view_functions.get(request.endpoint)
    if request.endpoint != "agent.static" and not getattr(view, "public", False):
        if not (current_user.is_authenticated and current_user.is_agent):
            return redirect(url_for("agent.sign_in.login", next=_this_page()), 303)
        g.actor = current_user.actor
    if request.method not in SAFE_METHODS and not security.form_is_genuine():
        raise FormRefused(FORM_REFUSED)
    return None


@bp.after_request
def private(response: Response) -> Response:
    if "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "no-store"
    return response


def _this_page() -> str | None:
    if request.method != "GET":
        return None
    return request.full_path.rstrip("?")


def local_next(value: str | None) -> str:
    """Where to go after signing in: an agent page of this site named by its path, else home.

    Anything else (another host, `//host`, a scheme, backslashes, control characters) is
    refused: the parameter is whatever a link said.
    """
    if not value or not isinstance(value, str) or len(value) > 2000:
        return HOME
    if re.search(r"[\x00-\x20\\\x7f]", value):
        return HOME
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not parts.path.startswith(HOME):
        return HOME
    return value


def scheme() -> str:
    """The colour scheme the agent chose on this browser (the theme toggle), or the system's."""
    chosen = request.cookies.get(SCHEME_COOKIE, "system")
    return chosen if chosen in SCHEMES else "system"


def page(template: str, status: int = 200, **values) -> tuple[str, int]:
    """An agent page: the template with who is signed in, the scheme and a pending notice."""
    signed_in = current_user if current_user.is_authenticated and current_user.is_agent else None
    queues = values.pop("queues", None)
    if signed_in and queues is None:
        queues = queues_for(signed_in.account)
    body = render(
        template,
        agent=signed_in.account if signed_in else None,
        actor=signed_in.actor if signed_in else None,
        scheme=scheme(),
        notice=session.pop(NOTICE, None),
        this_page=request.full_path.rstrip("?"),
        request_endpoint=request.endpoint,
        queues=queues or [],
        counts=counts(signed_in.actor, queues) if signed_in else {},
        widgets=widgets,
        permissions=rules,  # to show only the actions the agent may take
        **values,
    )
    return body, status


def tell(message: str) -> None:
    """Show this line on the next page drawn in this browser."""
    session[NOTICE] = message


@cache
def _theme_css(chosen: str) -> str:
    """The theme's stylesheet for a scheme: its dark palette always, never, or as the system
    prefers. One source (theme/static/css/main.css), no copy of a palette."""
    css = THEME_CSS.read_text(encoding="utf-8")
    if chosen == "system":
        return css
    return css.replace(DARK_MEDIA, "@media all" if chosen == "dark" else "@media not all")


@bp.get("/theme/<any(system, light, dark):chosen>.css")
@public
def theme_css(chosen: str):
    response = Response(_theme_css(chosen), mimetype="text/css")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.post("/scheme")
@public
def choose_scheme():
    """The theme toggle: light, dark or as the system says; kept in a cookie of its own."""
    chosen = request.form.get("scheme", "system")
    response = redirect(local_next(request.form.get("back")), 303)
    if chosen in SCHEMES:
        response.set_cookie(
            SCHEME_COOKIE,
            chosen,
            max_age=365 * 24 * 3600,
            path="/agent/",
            samesite="Lax",
            secure=request.is_secure,
            httponly=True,
        )
    return response
