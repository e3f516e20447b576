"""Signing a browser in and out: Flask-Login over the server-side sessions of `sessions.py`.

Flask's session cookie (signed, HttpOnly, SameSite=Lax, Secure whenever the request came
over HTTPS) carries the session id as Flask-Login's user id; the loader finds its row. At
sign-in everything the cookie held before is dropped (a new CSRF token too) and a new id
is issued, so an id planted before sign-in is never signed in. Remember-me cookies are
not used: the server decides how long a session lives.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from flask import Flask, g, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user, login_user, logout_user

from ticketapi.auth import sessions
from ticketapi.auth.models import WebSession
from ticketapi.core.transactions import commit
from ticketapi.extensions import login_manager
from ticketapi.people import services as people
from ticketapi.people.models import Agent
from ticketapi.permissions import Actor
from ticketapi.timeutil import utcnow


@dataclass(eq=False)
class SignedIn:
    """Flask-Login's user: the session row, and the account and actor it stands for."""

    row: WebSession
    plain: str

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return self.plain

    @property
    def account(self):
        return self.row.owner

    @property
    def is_agent(self) -> bool:
        return isinstance(self.row.owner, Agent)

    @cached_property
    def actor(self) -> Actor:
        owner = self.row.owner
        return people.agent_actor(owner) if self.is_agent else people.user_actor(owner)


def load(plain: str) -> SignedIn | None:
    """Flask-Login's user loader: the live session this id names, else signed out."""
    now = utcnow()
    # Finding the session only reads, in a transaction of its own that takes no write lock
    # (SQLite) and ends here: the view's writes start a transaction of their own.
    g.read_only_transaction = True
    try:
        row = sessions.find(plain, now=now)
    finally:
        g.read_only_transaction = False
        commit()
    if row is None:
        return None
    sessions.note_use(row, now=now)
    return SignedIn(row, plain)


def sign_in(account, *, keep: dict | None = None) -> SignedIn:
    """Start a new server-side session for the account in this browser (the caller commits).

    Whatever the cookie held is dropped but `keep`: a new CSRF token, and no state from
    before the password was checked.
    """
    row, plain = sessions.start(account, now=utcnow())
    session.clear()
    session.update(keep or {})
    signed_in = SignedIn(row, plain)
    login_user(signed_in)
    return signed_in


def sign_out() -> None:
    """End this browser's session on the server and forget it here (the caller commits)."""
    if current_user.is_authenticated:
        sessions.end(current_user.row, now=utcnow())
    logout_user()
    session.clear()


class SessionCookie(SecureCookieSessionInterface):
    """Flask's signed cookie, Secure whenever the request came over HTTPS (behind a proxy
    too, with HELPDESK_TRUSTED_PROXIES), or always with SESSION_COOKIE_SECURE."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def init_app(app: Flask) -> None:
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.session_interface = SessionCookie()
    # The server-side row is what a session is: binding it to an address as well would end
    # an agent's session whenever their network changes, and adds nothing against theft
    # that the row's own end does not.
    login_manager.session_protection = None
    login_manager.user_loader(load)
