"""Signing in to the agent pages (password, then a code when two-step sign-in is on) and out.

The password is checked by the one sign-in service (`auth.services.authenticate`, agents
only): a wrong address and a wrong password get the same answer in the same time, and a
portal user's password opens nothing here. With two-step sign-in on, a right password only
earns a few minutes to type a code (kept in the signed cookie, bound to the account's
credentials generation); the session starts when the code is right.
"""

from __future__ import annotations

import time

from flask import Blueprint, current_app, redirect, request, session, url_for
from flask_limiter.errors import RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_login import current_user

from ticketapi.agent.shell import local_next, page, public, tell
from ticketapi.auth import browser, totp
from ticketapi.auth import services as auth
from ticketapi.core.transactions import commit
from ticketapi.errors import Unauthorized
from ticketapi.extensions import db, limiter
from ticketapi.people.models import Agent
from ticketapi.people.services import normalize_email
from ticketapi.rate_limits import refusal
from ticketapi.timeutil import utcnow

bp = Blueprint("sign_in", __name__)

AGENTS = ("agent",)
PENDING = "agent_sign_in"  # a right password waiting for its code
CODE_WINDOW_SECONDS = 300
FIELD_MAX = 1000


def login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def code_limit() -> str:
    return current_app.config["TOTP_RATE_LIMIT"]


def typed_address() -> str:
    """Sign-ins are counted per address as well: many machines cannot try one account fast."""
    email = request.form.get("email", "")
    return "agent-login:" + normalize_email(email[:FIELD_MAX])


def pending_account_key() -> str:
    """Codes are counted per account: a second step guessed from many machines is still slow."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or "agent" not in pending:
        return f"agent-code:none:{get_remote_address()}"  # refused by the view anyway
    return f"agent-code:{pending['agent']}"


@bp.get("/login")
@public
def login():
    if current_user.is_authenticated and current_user.is_agent:
        return redirect(local_next(request.args.get("next")), 303)
    return _login_page()


@bp.post("/login")
@public
@limiter.limit(login_limit)
@limiter.shared_limit(login_limit, "agent-login-address", key_func=typed_address)
def check_password():
    email = request.form.get("email", "")[:FIELD_MAX]
    password = request.form.get("password", "")[:FIELD_MAX]
    errors = {}
    if not email.strip():
        errors["email"] = "Type the email address you sign in with."
    if not password:
        errors["password"] = "Type your password."
    if errors:
        return _login_page(email=email, errors=errors, status=422)
    try:
        agent = auth.authenticate(email, password, sides=AGENTS)
    except Unauthorized as wrong:
        db.session.rollback()
        return _login_page(email=email, problem=wrong.message, status=422)
    commit()  # a rehashed password
    next_page = local_next(request.form.get("next"))
    if totp.is_on(agent):
        session[PENDING] = {
            "agent": agent.id,
            "generation": agent.credentials_generation,
            "until": int(time.time()) + CODE_WINDOW_SECONDS,
            "next": next_page,
        }
        return redirect(url_for(".code"), 303)
    return _start(agent, next_page)


@bp.get("/login/code")
@public
def code():
    if _pending_agent() is None:
        return _expired()
    return _code_page()


@bp.post("/login/code")
@public
@limiter.limit(login_limit)
@limiter.shared_limit(code_limit, "agent-sign-in-code", key_func=pending_account_key)
def check_code():
    agent = _pending_agent()
    if agent is None:
        return _expired()
    typed = request.form.get("code", "")[:100]
    if not typed.strip():
        return _code_page(errors={"code": "Type the code your app shows now."}, status=422)
    now = utcnow()
    digits = "".join(typed.split())
    if digits.isdigit():
        accepted = totp.check(agent, digits, now=now)
    else:
        accepted = totp.use_recovery_code(agent, typed, now=now)
    if not accepted:
        db.session.rollback()
        return _code_page(
            errors={"code": "That code is wrong or was used already: type the one shown now."},
            status=422,
        )
    if not digits.isdigit():
        left = totp.recovery_codes_left(agent)
        tell(
            f"You signed in with a recovery code: {left} left. Each works once; make new "
            "ones on the two-step sign-in page when few are left."
        )
    next_page = session[PENDING]["next"]
    return _start(agent, next_page)


@bp.post("/logout")
def logout():
    browser.sign_out()
    commit()
    tell("You have signed out.")
    return redirect(url_for(".login"), 303)


@bp.errorhandler(RateLimitExceeded)
def too_many(error: RateLimitExceeded):
    """Too many tries: the form again, saying when to try next, with Retry-After."""
    refused = refusal(error, limiter)
    problem = f"Too many sign-in attempts (at most {refused.limit}): try again {refused.when}."
    if request.endpoint == "agent.sign_in.check_code" and _pending_agent() is not None:
        body, status = _code_page(problem=problem, status=429)
    else:
        body, status = _login_page(email=request.form.get("email", ""), problem=problem, status=429)
    return body, status, refused.headers


def _start(agent: Agent, next_page: str):
    notice = session.get("agent_notice")
    browser.sign_in(agent, keep={"agent_notice": notice} if notice else None)
    commit()
    return redirect(next_page, 303)


def _pending_agent() -> Agent | None:
    """The agent whose password was right a moment ago in this browser, if still in time."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or pending.get("until", 0) < time.time():
        return None
    agent = db.session.get(Agent, pending.get("agent"))
    if agent is None or not agent.active:
        return None
    if agent.credentials_generation != pending.get("generation"):
        return None  # the password changed meanwhile
    return agent


def _expired():
    session.pop(PENDING, None)
    tell("Signing in took too long: type your email address and password again.")
    return redirect(url_for(".login"), 303)


def _login_page(*, email: str = "", errors=None, problem=None, status: int = 200):
    return page(
        "agent/login.html",
        status,
        email=email,
        next_page=local_next(request.values.get("next")),
        errors=errors or {},
        problem=problem,
    )


def _code_page(*, errors=None, problem=None, status: int = 200):
    return page("agent/login_code.html", status, errors=errors or {}, problem=problem)
