"""Every rate limit, once reached, says when to try again: Retry-After, and in words.

The cases are checked against the limits the app declares: a new limited route fails
`test_every_limited_route_has_a_case` until it is added here, and then gets every check.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from limits import parse_many

from ticketapi.auth.passwords import hash_password
from ticketapi.extensions import db, limiter

# endpoint -> (method, path, request keyword arguments); what is sent does not matter: a
# limit counts every request to its route, and the second of "1 a minute" is refused.
CASES = {
    "auth.sign_in": ("POST", "/api/v1/auth/token", {"json": {"email": "a@b.example"}}),
    "auth.change_password": ("POST", "/api/v1/auth/password", {"json": {}}),
    "auth.request_password_reset": (
        "POST",
        "/api/v1/auth/password-reset/request",
        {"json": {"email": "a@b.example"}},
    ),
    "auth.redeem_password_reset": ("POST", "/api/v1/auth/password-reset", {"json": {}}),
    "tickets.open_ticket": ("POST", "/api/v1/tickets", {"json": {}}),
    "tickets.confirm_ticket": ("POST", "/api/v1/tickets/1/confirm", {"json": {}}),
    "search.search": ("GET", "/api/v1/search", {"query_string": {"q": "backup"}}),
    "search.record_deflection": ("POST", "/api/v1/search/deflections", {"json": {}}),
    "portal.submit_ticket": ("POST", "/portal/tickets/new", {"data": {"subject": "Help"}}),
    "portal_confirmation.confirm": ("POST", "/portal/tickets/confirm", {"data": {}}),
    "portal_accounts.set_password": ("POST", "/portal/password-reset", {"data": {}}),
    "portal_accounts.request_link": (
        "POST",
        "/portal/password-reset/request",
        {"data": {"email": "a@b.example"}},
    ),
    # The agent pages count once the form's token is right (and, for an agent's own pages,
    # once an agent is signed in: SIGNED_IN).
    "agent.sign_in.check_password": ("POST", "/agent/login", {"data": {"email": "a@b.example"}}),
    "agent.sign_in.check_code": ("POST", "/agent/login/code", {"data": {}}),
    "agent.passwords.request_link": (
        "POST",
        "/agent/password-reset",
        {"data": {"email": "a@b.example"}},
    ),
    "agent.passwords.set_password": ("POST", "/agent/password-reset/link", {"data": {}}),
    "agent.account.change_password": ("POST", "/agent/account/password", {"data": {}}),
    "agent.account.confirm_two_step": ("POST", "/agent/account/two-step/confirm", {"data": {}}),
    "agent.account.new_recovery_codes": (
        "POST",
        "/agent/account/two-step/recovery-codes",
        {"data": {}},
    ),
    "agent.account.turn_off_two_step": ("POST", "/agent/account/two-step/off", {"data": {}}),
}
SIGNED_IN = {endpoint for endpoint in CASES if endpoint.startswith("agent.account.")}


def as_a_browser(world, endpoint: str, kwargs: dict) -> dict:
    """An agent page's form as a browser sends it: with its CSRF token, signed in if need be."""
    if not endpoint.startswith("agent."):
        return kwargs
    if endpoint in SIGNED_IN:
        agent = world.agent("Dana")
        agent.row.password_hash = hash_password("correct horse battery")
        db.session.commit()
        token = page_token(world.get("/agent/login"))
        signed = {
            "csrf_token": token,
            "email": agent.row.email,
            "password": "correct horse battery",
        }
        assert world.post("/agent/login", data=signed).status_code == 303
    token = page_token(world.get("/agent/login", follow_redirects=True))
    return {**kwargs, "data": {**kwargs["data"], "csrf_token": token}}


def page_token(response) -> str:
    page = BeautifulSoup(response.data, "html.parser")
    return page.select_one("input[name=csrf_token]")["value"]


def limited_endpoints(app) -> set[str]:
    """Every endpoint that a limit of the app's limiter applies to."""
    found = set()
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            blueprint = rule.endpoint.rpartition(".")[0] or None
            _app_limits, decorated = limiter.limit_manager.resolve_limits(
                app, rule.endpoint, blueprint
            )
            if decorated:
                found.add(rule.endpoint)
    return found


def rate_limit_settings(app) -> list[str]:
    """The configuration keys that hold a rate limit ("20 per minute;200 per day")."""
    names = []
    for name, value in app.config.items():
        if name.endswith("_LIMIT") and isinstance(value, str):
            parse_many(value)  # every *_LIMIT string is a limit
            names.append(name)
    return names


def test_every_limited_route_has_a_case(app):
    assert limited_endpoints(app) == set(CASES)


@pytest.fixture
def one_a_minute(app, monkeypatch):
    """Every limit of the app lowered to 1 a minute, with empty counters."""
    settings = rate_limit_settings(app)
    assert len(settings) >= 6
    for name in settings:
        monkeypatch.setitem(app.config, name, "1 per minute")
    limiter.reset()
    yield
    limiter.reset()


@pytest.mark.parametrize("endpoint", sorted(CASES))
def test_a_refusal_says_when_to_try_again(world, one_a_minute, endpoint):
    method, path, kwargs = CASES[endpoint]
    kwargs = as_a_browser(world, endpoint, kwargs)
    first = world.call(method, path, **kwargs)
    assert first.status_code != 429
    refused = world.call(method, path, **kwargs)
    assert refused.status_code == 429
    retry_after = int(refused.headers["Retry-After"])
    assert 1 <= retry_after <= 60
    if path.startswith("/api/"):
        error = refused.json["error"]
        assert error["code"] == "rate_limited"
        assert error["retry_after"] == retry_after
        assert "the limit here is 1 a minute" in error["message"]
        said = error["message"]
    else:
        assert refused.mimetype == "text/html"
        said = BeautifulSoup(refused.data, "html.parser").get_text(" ", strip=True)
        assert "1 a minute" in said
    # The words and the header agree.
    assert re.search(rf"again in {retry_after} seconds?\b", said), said
