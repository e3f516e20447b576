"""Which Host a request may name, and the headers every answer carries (issue #12, item 10)."""

from __future__ import annotations

import pytest

from ticketapi import create_app
from ticketapi.config import ConfigError, from_environ
from ticketapi.extensions import db


def hosts(**environ) -> list[str] | None:
    return from_environ({"HELPDESK_SECRET_KEY": "x", **environ})["TRUSTED_HOSTS"]


def test_allowed_hosts_default_to_the_site_url_then_this_machine():
    assert hosts() == ["localhost", "127.0.0.1"]
    assert hosts(HELPDESK_SITE_URL="https://Help.Example.com/") == ["help.example.com"]
    assert hosts(
        HELPDESK_SITE_URL="https://help.example.com",
        HELPDESK_ALLOWED_HOSTS="help.example.com, .Example.org,",
    ) == ["help.example.com", ".example.org"]
    assert hosts(HELPDESK_ALLOWED_HOSTS="*") is None


@pytest.mark.parametrize(
    "value", ["help.example.com:443", "https://help.example.com", "help example", "[::1]", "a/b"]
)
def test_an_allowed_host_that_is_not_a_name_stops_the_command(value):
    with pytest.raises(ConfigError, match=r"HELPDESK_ALLOWED_HOSTS has .* not a host name"):
        hosts(HELPDESK_ALLOWED_HOSTS=value)


@pytest.fixture
def served(app, tmp_path):
    """The ticketapi serving a tiny built portal, as `helpdesk serve` does."""
    portal = tmp_path / "output"
    (portal / "kb").mkdir(parents=True)
    (portal / "kb" / "index.html").write_text("<h1>Knowledgebase</h1>")
    (portal / "notes.txt").write_text("<script>alert(1)</script>")
    (portal / "404.html").write_text("<h1>Not here</h1>")
    served = create_app({**app.config, "SERVE_PORTAL": True, "PORTAL_DIR": str(portal)})
    yield served.test_client()
    with served.app_context():
        db.engine.dispose()


STATIC_PAGES = ("/kb/", "/notes.txt", "/no-such-page/")


def test_the_static_portal_sends_the_portal_pages_policy(served):
    for path in STATIC_PAGES:
        response = served.get(path, buffered=True)
        assert response.status_code in (200, 404), path
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "'unsafe-inline'" not in policy
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"


def test_every_api_answer_says_nosniff(world):
    for response in (
        world.get("/api/v1/openapi.json"),
        world.get("/api/v1/tickets"),  # 401
        world.get("/api/v1/no-such-route"),
        world.post("/api/v1/tickets", data="{", content_type="application/json"),
    ):
        assert response.headers["X-Content-Type-Options"] == "nosniff", response.status_code
        assert response.content_type == "application/json"


def test_a_host_not_allowed_is_refused_everywhere(served):
    for path in ("/api/v1/openapi.json", "/portal/tickets/new", *STATIC_PAGES):
        response = served.get(path, headers={"Host": "evil.example"}, buffered=True)
        assert response.status_code == 400, path
        # JSON under /api/, a page under /portal/: each says which setting to change.
        assert "HELPDESK_ALLOWED_HOSTS" in response.get_data(as_text=True), path
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        allowed = served.get(path, headers={"Host": "127.0.0.1:8000"}, buffered=True)
        assert allowed.status_code in (200, 404), path
