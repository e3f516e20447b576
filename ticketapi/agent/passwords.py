"""Forgotten passwords: ask for a link by address, then set a password with the mailed link.

`/agent/password-reset` gives one answer whatever the address (the request only queues the
job that looks it up: `auth.resets.request_agent_link`), and shares the API's and portal's
rate-limit buckets. The link (`/agent/password-reset/link?token=…`) is handled as
`auth/reset_flow.py` says: its page changes nothing until the form is posted. Setting the password ends
every sign-in of the account, and signs nobody in: with two-step sign-in on, the mailbox
alone must not open the account.
"""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, request, session, url_for
from flask_limiter.errors import RateLimitExceeded

from ticketapi.agent.errors import error_page
from ticketapi.agent.shell import page, public, tell
from ticketapi.auth import resets
from ticketapi.auth.passwords import MIN_LENGTH
from ticketapi.auth.reset_flow import ResetLink, sent_too_often
from ticketapi.auth.reset_limits import REQUESTED, limit_reset_requests
from ticketapi.core.transactions import commit
from ticketapi.extensions import limiter
from ticketapi.portal import forms
from ticketapi.rate_limits import refusal

bp = Blueprint("passwords", __name__, url_prefix="/password-reset")

LINK = ResetLink("agent_password_reset_token", sides=("agent",))  # auth/reset_flow.py


@bp.get("")
@public
def request_form():
    return _request_page()


@bp.post("")
@public
@limit_reset_requests
def request_link():
    typed = request.form.get("email", "")[: forms.EMAIL_MAX + 100]
    values, errors = forms.check_email(request.form)
    if errors:
        return _request_page(email=typed, errors=errors, status=422)
    resets.request_agent_link(values["email"])
    commit()
    session["agent_link_requested"] = True
    return redirect(url_for(".requested"), 303)


@bp.get("/sent")
@public
def requested():
    if not session.pop("agent_link_requested", False):
        return redirect(url_for(".request_form"), 303)
    return page("agent/password_reset.html", state="sent", sent=REQUESTED)


@bp.get("/link")
@public
def link():
    if moved := LINK.take_token(url_for(".link")):
        return moved
    reset = LINK.pending()
    if reset is None:
        return _unusable()
    return _password_page(reset)


@bp.post("/link")
@public
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
def set_password():
    reset = LINK.pending()
    if reset is None:
        return _unusable()
    values, errors = forms.check_password(request.form)
    if errors:
        return _password_page(reset, errors=errors, status=422)
    if error := LINK.redeem(values["password"]):
        if "token" in error.fields:
            return _unusable()
        return _password_page(reset, errors=error.fields, status=422)
    tell("Your password is set, and every earlier sign-in has ended: sign in with it now.")
    return redirect(url_for("agent.sign_in.login"), 303)


@bp.errorhandler(RateLimitExceeded)
def too_many(error: RateLimitExceeded):
    refused = refusal(error, limiter)
    if request.endpoint == "agent.passwords.request_link":
        body, status = _request_page(
            email=request.form.get("email", ""), problem=sent_too_often(refused), status=429
        )
    else:
        reset = LINK.pending()
        if reset is None:
            return error_page(refused)
        problem = f"Too many attempts (at most {refused.limit}): try again {refused.when}."
        body, status = _password_page(reset, problem=problem, status=429)
    return body, status, refused.headers


def _unusable():
    LINK.forget()
    return page("agent/password_reset.html", 410, state="unusable")


def _request_page(*, email: str = "", errors=None, problem=None, status: int = 200):
    return page(
        "agent/password_reset.html",
        status,
        state="ask",
        email=email,
        errors=errors or {},
        problem=problem,
        max_length=forms.EMAIL_MAX,
    )


def _password_page(reset, *, errors=None, problem=None, status: int = 200):
    return page(
        "agent/password_reset.html",
        status,
        state="form",
        email=reset.owner.email,
        errors=errors or {},
        problem=problem,
        min_length=MIN_LENGTH,
        max_length=forms.PASSWORD_MAX,
    )
