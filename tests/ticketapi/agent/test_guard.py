"""Every /agent/ route: who reaches it signed out, and what a POST without its token does.

The routes are read from the app's URL map, so a page added later is tried too.
"""

from __future__ import annotations

import tempfile

import pytest

from tests.ticketapi.agent.conftest import csrf_of, is_signed_in, page_text, signed_in
from ticketapi import create_app
from ticketapi.agent.shell import FORM_REFUSED
from ticketapi.auth import sessions
from ticketapi.extensions import db

#: Pages a signed-out visitor may open: signing in, forgotten passwords, styles, the theme.
PUBLIC = {
    "agent.static",
    "agent.theme_css",
    "agent.choose_scheme",
    "agent.sign_in.login",
    "agent.sign_in.check_password",
    "agent.sign_in.code",
    "agent.sign_in.check_code",
    "agent.passwords.request_form",
    "agent.passwords.request_link",
    "agent.passwords.requested",
    "agent.passwords.link",
    "agent.passwords.set_password",
}
VALUES = {"chosen": "dark", "filename": "agent.css", "ticket_id": 1, "task_id": 1}


def agent_routes() -> list[tuple[str, str, str]]:
    """(method, path, endpoint) of every route under /agent/."""
    found = []
    with tempfile.TemporaryDirectory() as instance:
        app = create_app({"SECRET_KEY": "x", "INSTANCE_DIR": instance})
        for rule in app.url_map.iter_rules():
            if not rule.rule.startswith("/agent"):
                continue
            path = rule.build({name: VALUES[name] for name in rule.arguments})[1]
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                found.append((method, path, rule.endpoint))
    return found


ROUTES = agent_routes()
GUARDED = [route for route in ROUTES if route[2] not in PUBLIC]
POSTS = [route for route in ROUTES if route[0] == "POST"]


def test_the_public_pages_are_exactly_the_sign_in_ones(app):
    marked = {
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint.startswith("agent.") and getattr(view, "public", False)
    }
    assert marked | {"agent.static"} == PUBLIC
    assert {endpoint for _m, _p, endpoint in ROUTES} >= PUBLIC
    assert ("GET", "/agent/", "agent.start.home") in GUARDED


@pytest.mark.parametrize(("method", "path", "endpoint"), GUARDED)
def test_a_signed_out_visitor_is_sent_to_the_login_page(world, method, path, endpoint):
    response = world.call(method, path)
    assert response.status_code == 303
    expected = f"/agent/login?next={path}" if method == "GET" else "/agent/login"
    assert response.headers["Location"] == expected


@pytest.mark.parametrize(("method", "path", "endpoint"), GUARDED)
def test_a_portal_user_is_sent_to_the_login_page(world, method, path, endpoint):
    ann = world.user("Ann", email="ann@acme.example")
    _row, plain = sessions.start(ann.row, now=world.now)
    db.session.commit()
    with world.client.session_transaction() as cookie:
        cookie["_user_id"] = plain
    response = world.call(method, path)
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/agent/login")


@pytest.mark.parametrize(("method", "path", "endpoint"), POSTS)
@pytest.mark.parametrize("token", [None, "stale"])
def test_a_post_without_its_csrf_token_does_nothing(world, dana, method, path, endpoint, token):
    signed_in(world, dana)
    data = {"email": dana.row.email, "password": "x" * 12, "scheme": "dark"}
    if token == "stale":
        # A token from another browser's session is not this browser's.
        other = world.client.application.test_client()
        data["csrf_token"] = csrf_of(other.get("/agent/login"))
    response = world.post(path, data=data)
    assert response.status_code == 400, (path, response.status_code)
    assert FORM_REFUSED in page_text(response)
    assert is_signed_in(world)  # the sign-out among them did nothing either
    assert "agent_scheme" not in response.headers.get("Set-Cookie", "")


def test_unknown_agent_paths_are_pages_too(world, dana):
    signed_in(world, dana)
    response = world.get("/agent/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "We could not find that page" in page_text(response)
