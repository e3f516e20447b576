"""/agent/login: who gets in, what everyone else is told, and what the session cookie is."""

from __future__ import annotations

import pytest

from tests.ticketapi.agent.pages import (
    LOGIN,
    PASSWORD,
    form_page,
    is_signed_in,
    page_text,
    problem_of,
    session_cookie,
    sign_in,
    signed_in,
    with_password,
)
from tests.ticketapi.portal.pages import page_of
from ticketapi.auth import sessions
from ticketapi.auth.links import digest
from ticketapi.auth.models import WebSession
from ticketapi.extensions import db, limiter
from ticketapi.people.models import Agent

WRONG = "The email or password is wrong: check both and try again."


def test_the_login_page_labels_every_field(world):
    response = world.get(LOGIN)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    html = page_of(response)
    form = html.select_one("form.stacked-form")
    assert form["method"] == "post" and form["action"] == LOGIN
    labels = {label["for"]: label.get_text(strip=True) for label in form.select("label")}
    assert labels == {"login-email": "Email address", "login-password": "Password"}
    assert html.select_one("#login-password")["autocomplete"] == "current-password"
    assert form.select_one("button").get_text(strip=True) == "Sign in"


def test_an_agent_signs_in_and_reaches_the_start_page(world, dana):
    assert not is_signed_in(world)
    signed_in(world, dana)
    start = world.get("/agent/")
    assert start.status_code == 200
    assert "Signed in as Dana" in page_text(start)


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("dana@agents.example", "not the password"),
        ("nobody@agents.example", PASSWORD),
        ("DANA@agents.example ", "correct horse batter"),
    ],
)
def test_a_wrong_address_or_password_gets_one_answer(world, dana, email, password):
    response = sign_in(world, email, password)
    assert response.status_code == 422
    assert problem_of(response) == WRONG
    # What was typed comes back, the password never.
    html = page_of(response)
    assert html.select_one("#login-email")["value"] == email
    assert "value" not in html.select_one("#login-password").attrs
    assert password not in response.get_data(as_text=True)
    assert not is_signed_in(world)


def test_the_address_is_matched_as_the_api_matches_it(world, dana):
    response = sign_in(world, "  Dana@Agents.Example ")
    assert response.status_code == 303


def test_empty_fields_are_named(world, dana):
    token = form_page(world, LOGIN)
    response = world.post(LOGIN, data={"csrf_token": token, "email": " ", "password": ""})
    assert response.status_code == 422
    html = page_of(response)
    assert html.select_one("#login-email")["aria-invalid"] == "true"
    assert html.select_one("#login-password-error").get_text(strip=True) == "Type your password."


def test_a_portal_users_password_never_opens_the_agent_pages(world):
    ann = with_password(world.user("Ann", email="ann@acme.example"))
    response = sign_in(world, ann.row.email)
    assert response.status_code == 422
    assert problem_of(response) == WRONG
    assert not is_signed_in(world)


def test_a_portal_users_session_is_sent_to_the_login_page(world, dana):
    """A session of a portal user (their sign-in comes later) opens no /agent/ page, where
    an agent's session, planted the same way, does."""
    ann = world.user("Ann", email="ann@acme.example")
    for account, opens in ((ann, False), (dana, True)):
        _row, plain = sessions.start(account.row, now=world.now)
        db.session.commit()
        with world.client.session_transaction() as cookie:
            cookie["_user_id"] = plain
        response = world.get("/agent/account/password")
        assert (response.status_code == 200) is opens
        if not opens:
            assert response.status_code == 303
            assert response.headers["Location"] == "/agent/login?next=/agent/account/password"


def test_a_deactivated_agent_cannot_sign_in_and_is_signed_out(world, dana):
    signed_in(world, dana)
    other = world.client.application.test_client()
    db.session.get(Agent, dana.id).active = False
    db.session.commit()
    assert not is_signed_in(world)
    world.client = other
    assert sign_in(world, dana.row.email).status_code == 422


def test_the_session_cookie_is_http_only_and_same_site_lax(world, dana):
    response = sign_in(world, dana.row.email)
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain HTTP: a Secure cookie would never come back


def test_the_session_cookie_is_secure_over_https(world, dana):
    token = csrf_of_https(world)
    response = world.post(
        LOGIN,
        data={"csrf_token": token, "email": dana.row.email, "password": PASSWORD},
        base_url="https://localhost",
        headers={"Referer": "https://localhost/agent/login"},
    )
    assert response.status_code == 303
    assert "; Secure" in response.headers["Set-Cookie"]


def csrf_of_https(world) -> str:
    response = world.get(LOGIN, base_url="https://localhost")
    return page_of(response).select_one("input[name=csrf_token]")["value"]


def test_the_session_id_changes_at_sign_in(world, dana):
    form_page(world, LOGIN)
    before = session_cookie(world.client)
    assert before is not None  # the CSRF token lives in it
    signed_in(world, dana)
    after = session_cookie(world.client)
    assert after != before
    # The cookie from before sign-in, played back, is not signed in.
    world.client.set_cookie("session", before)
    assert not is_signed_in(world)
    # Each sign-in starts a session of its own, stored only as a hash.
    world.client.set_cookie("session", after)
    signed_in(world, dana)
    rows = db.session.scalars(db.select(WebSession).where(WebSession.agent_id == dana.id)).all()
    assert len(rows) == 2
    assert all(len(row.token_hash) == 64 for row in rows)
    assert not any(row.token_hash == digest(after) for row in rows)


def test_the_next_page_is_followed_when_it_is_an_agent_page(world, dana):
    response = sign_in(world, dana.row.email, next_page="/agent/account/password")
    assert response.headers["Location"] == "/agent/account/password"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/agent/",
        "//evil.example/agent/",
        "/\\evil.example",
        "/agent/\\\\evil.example",
        "/portal/search",
        "javascript:alert(1)",
        "/agent/\r\nLocation: https://evil.example",
    ],
)
def test_a_next_page_elsewhere_leads_home_instead(world, dana, target):
    response = sign_in(world, dana.row.email, next_page=target)
    assert response.status_code == 303
    assert response.headers["Location"] == "/agent/"


def test_signing_in_is_rate_limited_with_a_page_that_says_when(world, dana, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "3 per minute")
    limiter.reset()
    try:
        for _ in range(3):
            assert sign_in(world, dana.row.email, "wrong password!").status_code == 422
        response = sign_in(world, dana.row.email)  # the right password, too late
        assert response.status_code == 429
        assert int(response.headers["Retry-After"]) > 0
        assert response.mimetype == "text/html"
        assert "Too many sign-in attempts (at most 3 a minute)" in problem_of(response)
        assert not is_signed_in(world)
    finally:
        limiter.reset()


def test_one_address_is_limited_whichever_machine_asks(world, dana, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "3 per minute")
    limiter.reset()
    try:
        for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
            response = sign_in_from(world, address, dana.row.email)
            assert response.status_code == 422
        assert sign_in_from(world, "10.0.0.4", dana.row.email).status_code == 429
        assert sign_in_from(world, "10.0.0.5", "someone@agents.example").status_code == 422
    finally:
        limiter.reset()


def sign_in_from(world, address: str, email: str):
    token = form_page(world, LOGIN)
    return world.post(
        LOGIN,
        data={"csrf_token": token, "email": email, "password": "wrong password!"},
        environ_base={"REMOTE_ADDR": address},
    )


def test_the_login_page_sends_a_signed_in_agent_on(world, dana):
    signed_in(world, dana)
    response = world.get("/agent/login?next=/agent/account/two-step")
    assert response.status_code == 303
    assert response.headers["Location"] == "/agent/account/two-step"
