"""What the agent pages' tests share: passwords, signing in, reading pages and forms."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
from sqlalchemy import event

from tests.support.passwords import hashed
from tests.ticketapi.portal.pages import page_of, text_of
from ticketapi.auth import totp
from ticketapi.extensions import db
from ticketapi.people.models import Agent
from ticketapi.timeutil import utcnow

PASSWORD = "correct horse battery"
LOGIN = "/agent/login"
CODE = "/agent/login/code"


def with_password(account, password: str = PASSWORD):
    account.row.password_hash = hashed(password)
    db.session.commit()
    return account


def csrf_of(response) -> str:
    field = page_of(response).select_one("input[name=csrf_token]")
    assert field is not None, response.get_data(as_text=True)[:500]
    return field["value"]


def form_page(world, path: str) -> str:
    """Open a page as a browser would and return its form's CSRF token."""
    response = world.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return csrf_of(response)


def sign_in(world, email: str, password: str = PASSWORD, *, next_page: str | None = None):
    """Post the sign-in form with its token; the response (303 when it worked).

    Signed in already, the login page sends the browser on: its next page has the token."""
    token = csrf_of(world.get(LOGIN, follow_redirects=True))
    data = {"csrf_token": token, "email": email, "password": password}
    if next_page is not None:
        data["next"] = next_page
    return world.post(LOGIN, data=data)


def signed_in(world, account) -> None:
    response = sign_in(world, account.row.email)
    assert response.status_code == 303, page_text(response)
    assert response.headers["Location"] == "/agent/"


def page_text(response) -> str:
    return text_of(page_of(response))


def problem_of(response) -> str:
    summary = page_of(response).select_one(".error-summary")
    return text_of(summary) if summary is not None else ""


def is_signed_in(world) -> bool:
    response = world.get("/agent/")
    if response.status_code == 200:
        return True
    assert response.status_code == 303
    assert response.headers["Location"].startswith(LOGIN)
    return False


def session_cookie(client) -> str | None:
    cookie = client.get_cookie("session")
    return cookie.value if cookie is not None else None


def turn_on_totp(agent: Agent) -> tuple[str, list[str]]:
    """Two-step sign-in on for the agent, through the service; its secret and recovery codes."""
    now = utcnow() - timedelta(minutes=2)  # the confirming code's step is in the past
    secret = totp.begin(agent, now=now)
    codes = totp.confirm(agent, pyotp.TOTP(secret).at(now), now=now)
    db.session.commit()
    return secret, codes


def code_now(secret: str) -> str:
    return pyotp.TOTP(secret).now()


def digits_only(text: str) -> str:
    return re.sub(r"\D", "", text)


def browser_sign_in(page, base_url, email: str, password: str = PASSWORD) -> None:
    """Sign in through the login page in Chromium (from the start page's redirect)."""
    page.goto(base_url + "/agent/")
    page.wait_for_url("**/agent/login?next=/agent/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def statements_of(world, url: str) -> list[str]:
    """Every SQL statement a GET of `url` sends (the page must answer 200)."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert world.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return seen
