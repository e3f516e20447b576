"""Every rate limit, once reached, says when to try again: Retry-After, and in words.

The cases are checked against the limits the app declares: a new limited route fails
`test_every_limited_route_has_a_case` until it is added here, and then gets every check.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from limits import parse_many

from ticketapi.extensions import limiter

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
}


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
