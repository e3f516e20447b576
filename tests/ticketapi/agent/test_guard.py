"""Every /agent/ route: who reaches it signed out, and what a POST without its token does.

The routes are read from the app's URL map, so a page added later is tried too.
"""

from __future__ import annotations

import tempfile

import pytest

from tests.ticketapi.agent.pages import csrf_of, is_signed_in, page_text, signed_in
from tests.ticketapi.portal.pages import page_of
from ticketapi import create_app
from ticketapi.agent.shell import FORM_REFUSED
from ticketapi.auth import sessions
from ticketapi.extensions import SAFE_METHODS, db

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
# Ids (ticket_id, view_id, ...) are 1: the guard answers before anything is looked up.
VALUES = {"chosen": "dark", "filename": "agent.css"}


def agent_routes() -> list[tuple[str, str, str]]:
    """(method, path, endpoint) of every route under /agent/."""
    found = []
    with tempfile.TemporaryDirectory() as instance:
        app = create_app({"SECRET_KEY": "x", "INSTANCE_DIR": instance})
        for rule in app.url_map.iter_rules():
            if not rule.rule.startswith("/agent"):
                continue
            path = rule.build({name: VALUES.get(name, 1) for name in rule.arguments})[1]
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                found.append((method, path, rule.endpoint))
    return found


ROUTES = agent_routes()
GUARDED = [route for route in ROUTES if route[2] not in PUBLIC]
# Every method that may change something (a PUT, PATCH or DELETE added later too).
CHANGES = [route for route in ROUTES if route[0] not in SAFE_METHODS]


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
    assert is_the_login_page(world.get(expected))


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
    assert is_the_login_page(world.get(response.headers["Location"]))


def is_the_login_page(response) -> bool:
    """The sign-in form, for agents, and nothing of the page asked for."""
    form = page_of(response).select_one("form input[name=password]")
    return response.status_code == 200 and form is not None and "Sign in" in page_text(response)


def test_the_changes_tried_are_read_from_the_url_map():
    assert ("POST", "/agent/tickets/1/messages", "agent.ticket.post_message") in CHANGES
    assert ("POST", "/agent/views/1/rename", "agent.views.rename") in CHANGES


@pytest.mark.parametrize(("method", "path", "endpoint"), CHANGES)
@pytest.mark.parametrize("token", [None, "stale"])
def test_a_change_without_its_csrf_token_does_nothing(world, dana, method, path, endpoint, token):
    signed_in(world, dana)
    data = {"email": dana.row.email, "password": "x" * 12, "scheme": "dark"}
    if token == "stale":
        # A token from another browser's session is not this browser's.
        other = world.client.application.test_client()
        data["csrf_token"] = csrf_of(other.get("/agent/login"))
    response = world.call(method, path, data=data)
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
