"""The portal's password pages: set a password with a mailed link, and ask for a link.

The link (`/portal/password-reset?token=…`) is handled as `auth/reset_flow.py` says. Each form post carries its CSRF token. The pages
call the same services as the API's routes (`auth/resets.py`).
"""

from __future__ import annotations

from apiflask import HTTPError
from flask import Blueprint, current_app, redirect, request, session, url_for
from flask_limiter.errors import RateLimitExceeded
from werkzeug.exceptions import HTTPException

from ticketapi.auth import resets
from ticketapi.auth.passwords import MIN_LENGTH
from ticketapi.auth.reset_flow import ResetLink, sent_too_often
from ticketapi.auth.reset_limits import REQUESTED, limit_reset_requests
from ticketapi.core.transactions import commit
from ticketapi.extensions import limiter
from ticketapi.portal import forms, security
from ticketapi.portal.theme import render
from ticketapi.portal.views import error_page
from ticketapi.rate_limits import refusal

bp = Blueprint("portal_accounts", __name__, url_prefix="/portal")
bp.after_request(security.page_headers)

# The link's token is in the session until it is used; an agent's link sets nothing here:
# agents have their own pages (SPEC §10).
LINK = ResetLink("password_reset_token", sides=("user",))
NO_STORE = {"Cache-Control": "no-store"}


@bp.get("/password-reset")
def reset_form():
    if moved := LINK.take_token(url_for(".reset_form")):
        return moved
    reset = LINK.pending()
    if reset is None:
        return _unusable()
    return _password_page(reset)


@bp.post("/password-reset")
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
def set_password():
    reset = LINK.pending()
    if reset is None:
        return _unusable()
    if not security.form_is_genuine():
        return _password_page(reset, problem=security.FORM_EXPIRED, status=400)
    values, errors = forms.check_password(request.form)
    if errors:
        return _password_page(reset, errors=errors, status=422)
    if error := LINK.redeem(values["password"]):
        if "token" in error.fields:
            return _unusable()
        return _password_page(reset, errors=error.fields, problem=error.message, status=422)
    session["password_set"] = True
    return redirect(url_for(".password_set"), 303)


@bp.get("/password-reset/done")
def password_set():
    if not session.pop("password_set", False):
        return redirect(url_for(".reset_form"), 303)
    return render("portal/password_reset.html", state="done"), 200, NO_STORE


@bp.get("/password-reset/request")
def request_form():
    return _request_page({})


@bp.post("/password-reset/request")
@limit_reset_requests
def request_link():
    typed = {"email": request.form.get("email", "")}
    if not security.form_is_genuine():
        return _request_page(typed, problem=security.FORM_EXPIRED, status=400)
    values, errors = forms.check_email(request.form)
    if errors:
        return _request_page(typed, errors=errors, status=422)
    resets.request_link(values["email"])
    commit()
    session["password_link_requested"] = True
    return redirect(url_for(".link_requested"), 303)


@bp.get("/password-reset/requested")
def link_requested():
    if not session.pop("password_link_requested", False):
        return redirect(url_for(".request_form"), 303)
    return render("portal/password_reset_request.html", sent=REQUESTED), 200, NO_STORE


@bp.errorhandler(HTTPException)
@bp.errorhandler(HTTPError)
def account_error_page(error):
    return error_page(error)


@bp.errorhandler(RateLimitExceeded)
def too_many_requests(error: RateLimitExceeded):
    """Asked too often: the form again, saying so and when to ask; elsewhere the portal's page."""
    refused = refusal(error, limiter)
    if request.endpoint != "portal_accounts.request_link":
        return error_page(refused)
    typed = {"email": request.form.get("email", "")}
    page, status, headers = _request_page(typed, problem=sent_too_often(refused), status=429)
    return page, status, {**headers, **refused.headers}


def _unusable():
    LINK.forget()
    return render("portal/password_reset.html", state="unusable"), 410, NO_STORE


def _password_page(reset, *, errors=None, problem=None, status=200):
    page = render(
        "portal/password_reset.html",
        state="form",
        email=reset.owner.email,
        errors=errors or {},
        problem=problem or ("Some fields need another look." if errors else None),
        max_lengths=forms.PASSWORD_LENGTHS,
        min_length=MIN_LENGTH,
    )
    return page, status, NO_STORE


def _request_page(typed, *, errors=None, problem=None, status=200):
    page = render(
        "portal/password_reset_request.html",
        values=typed,
        errors=errors or {},
        problem=problem or ("Some fields need another look." if errors else None),
        max_lengths=forms.PASSWORD_LENGTHS,
    )
    return page, status, NO_STORE
