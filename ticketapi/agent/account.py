"""An agent's own account: change the password, set up or turn off two-step sign-in.

Each change asks for the current password (two-step's set-up asks for a code instead: the
app must work before sign-in depends on it). A new password or a new second step ends every
other session of the account (and its sign-in tokens); this browser stays signed in.
"""

from __future__ import annotations

import segno
from flask import Blueprint, current_app, redirect, request, url_for
from flask_login import current_user
from markupsafe import Markup

from ticketapi.agent.shell import page, tell
from ticketapi.auth import credentials, totp
from ticketapi.auth import services as auth
from ticketapi.auth.passwords import MIN_LENGTH, verify_password
from ticketapi.core.transactions import commit
from ticketapi.errors import Invalid
from ticketapi.extensions import db, limiter
from ticketapi.portal import forms
from ticketapi.timeutil import utcnow

bp = Blueprint("account", __name__, url_prefix="/account")


def password_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.get("/password")
def password_form():
    return _password_page()


@bp.post("/password")
@limiter.limit(password_limit)
def change_password():
    current = request.form.get("current_password", "")[: forms.PASSWORD_MAX]
    values, errors = forms.check_password(request.form)
    if not current:
        errors["current_password"] = "Type the password you signed in with."
    if errors:
        return _password_page(errors=errors, status=422)
    try:
        auth.change_password(
            current_user.account,
            current,
            values["password"],
            now=utcnow(),
            keep_session_id=current_user.row.id,
        )
    except Invalid:
        db.session.rollback()
        errors = {"current_password": "That is not your current password: type it again."}
        return _password_page(errors=errors, status=422)
    commit()
    tell("Your password is changed. Every other browser and app signed in as you is signed out.")
    return redirect(url_for("agent.start.home"), 303)


def _password_page(*, errors=None, status: int = 200):
    return page(
        "agent/account_password.html",
        status,
        errors=errors or {},
        min_length=MIN_LENGTH,
        max_length=forms.PASSWORD_MAX,
    )


@bp.get("/two-step")
def two_step():
    agent = current_user.account
    if totp.is_on(agent):
        return page("agent/two_step.html", state="on", codes_left=totp.recovery_codes_left(agent))
    secret = totp.pending_secret(agent)
    if secret is None:
        return page("agent/two_step.html", state="off")
    return _setup_page(secret)


@bp.post("/two-step/start")
def start_two_step():
    agent = current_user.account
    if not totp.is_on(agent):
        totp.begin(agent, now=utcnow())
        commit()
    return redirect(url_for(".two_step"), 303)


@bp.post("/two-step/confirm")
@limiter.limit(password_limit)
def confirm_two_step():
    agent = current_user.account
    secret = totp.pending_secret(agent)
    if secret is None:
        return redirect(url_for(".two_step"), 303)
    now = utcnow()
    codes = totp.confirm(agent, request.form.get("code", "")[:100], now=now)
    if codes is None:
        db.session.rollback()
        error = "That code is not the one your app shows now: check the app and type it again."
        return _setup_page(secret, errors={"code": error}, status=422)
    # Sessions that signed in with the password alone end now.
    credentials.end_credentials(agent, now=now, keep_session_id=current_user.row.id)
    commit()
    return page("agent/recovery_codes.html", codes=codes, first=True)


@bp.post("/two-step/recovery-codes")
@limiter.limit(password_limit)
def new_recovery_codes():
    agent = current_user.account
    if not totp.is_on(agent):
        return redirect(url_for(".two_step"), 303)
    if not verify_password(agent.password_hash, request.form.get("password", "")[:1000]):
        return _wrong_password(totp.recovery_codes_left(agent))
    codes = totp.new_recovery_codes(agent, now=utcnow())
    commit()
    return page("agent/recovery_codes.html", codes=codes, first=False)


@bp.post("/two-step/off")
@limiter.limit(password_limit)
def turn_off_two_step():
    agent = current_user.account
    if not totp.is_on(agent):
        totp.turn_off(agent)  # a set-up left half-way
        commit()
        return redirect(url_for(".two_step"), 303)
    if not verify_password(agent.password_hash, request.form.get("password", "")[:1000]):
        return _wrong_password(totp.recovery_codes_left(agent), form="off")
    totp.turn_off(agent)
    commit()
    tell("Two-step sign-in is off: signing in asks for your password only.")
    return redirect(url_for(".two_step"), 303)


def _wrong_password(codes_left: int, form: str = "codes"):
    errors = {f"{form}-password": "That is not your password: type it again."}
    return page("agent/two_step.html", 422, state="on", codes_left=codes_left, errors=errors)


def _setup_page(secret: str, *, errors=None, status: int = 200):
    uri = totp.provisioning_uri(current_user.account, secret)
    return page(
        "agent/two_step.html",
        status,
        state="setup",
        qr_svg=qr_svg(uri),
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        errors=errors or {},
    )


def qr_svg(data: str) -> Markup:
    """The QR code as inline SVG (segno's own output: paths, no script, no style)."""
    svg = segno.make(data, error="m").svg_inline(
        scale=5, border=4, dark="#000000", light="#ffffff", omitsize=True, svgclass="qr-code"
    )
    return Markup(svg)
