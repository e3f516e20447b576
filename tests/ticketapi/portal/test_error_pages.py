"""Where people browse (/portal/, /agent/) errors are pages with a way back; /api/ keeps JSON.

The page or the JSON is chosen by the path, not by the route that matched (an unknown path
matches none) nor by the Accept header (a browser's JSON viewer must never show up).
"""

from __future__ import annotations

import pytest
from flask import Blueprint

from tests.ticketapi.portal.pages import page_of, text_of
from ticketapi import create_app
from ticketapi.extensions import db

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
API_CLIENT = {"Accept": "application/json"}
RAISES = {"portal": "/portal/test-raises", "agent": "/agent/test-raises", "api": "/api/v1/raises"}


@pytest.fixture
def raising(app, portal_dir):
    """The ticketapi as served (exceptions become 500s, not test failures), with a route
    under each prefix that raises, as a bug would."""
    served = create_app(
        {**app.config, "TESTING": False, "PROPAGATE_EXCEPTIONS": False, "PORTAL_DIR": portal_dir}
    )
    broken = Blueprint("broken", __name__)

    def fail():
        raise RuntimeError("secret internals: the database password is hunter2")

    for name, path in RAISES.items():
        broken.add_url_rule(path, f"raise_{name}", fail)
    served.register_blueprint(broken)
    yield served.test_client()
    dispose(served)


def dispose(served) -> None:
    """Close the second app's database connections before it goes (PostgreSQL warns)."""
    with served.app_context():
        db.engine.dispose()


def assert_portal_page(response, status: int, title: str):
    assert response.status_code == status
    page = page_of(response)
    # The theme's own header and navigation, a search box and links back.
    assert page.select_one("header.site-header nav[aria-label=Main]") is not None
    assert page.select_one("form.search-form") is not None
    assert text_of(page.select_one("main h1")) == title
    back = [a["href"] for a in page.select("main a")]
    assert "/" in back and "/kb/" in back
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    return page


def assert_agent_page(response, status: int, title: str):
    assert response.status_code == status
    page = page_of(response)
    assert page.select_one("header.agent-header .brand")["href"] == "/agent/"
    assert text_of(page.select_one("header .family-name")) == "Agents"
    # The theme's stylesheet, served by the app: agent pages need no built portal.
    assert page.select_one('link[rel=stylesheet][href="/agent/theme/system.css"]') is not None
    assert text_of(page.select_one("main h1")) == title
    assert [a["href"] for a in page.select("main a")] == ["/agent/", "/"]
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    return page


def assert_json(response, status: int, code: str):
    assert response.status_code == status
    assert response.mimetype == "application/json"
    assert response.json["error"]["code"] == code


# 404


@pytest.mark.parametrize("accept", [BROWSER, API_CLIENT], ids=["browser", "api-client"])
@pytest.mark.parametrize(
    "path",
    [
        "/portal/xyz",
        "/portal",
        "/portal/tickets/",
        "/portal/community/",
        "/portal/kb/security-admin/single-sign-on-with-saml/",
    ],
)
def test_an_unknown_portal_path_is_a_portal_page(world, path, accept):
    response = world.get(path, headers=accept)
    page = assert_portal_page(response, 404, "We could not find that page")
    assert "Try a search" in text_of(page.select_one("main .lead"))
    # Two search boxes (header, page): screen readers tell the landmarks apart by name.
    names = [form["aria-label"] for form in page.select("form[role=search]")]
    assert len(names) == len(set(names)) == 2


@pytest.mark.parametrize("path", ["/agent/nothing", "/agent/tickets/12/nothing-here"])
def test_an_unknown_agent_path_is_an_agent_page(world, path):
    page = assert_agent_page(world.get(path, headers=BROWSER), 404, "We could not find that page")
    assert "search" not in text_of(page.select_one("main .lead"))  # there is no search box


def test_an_unknown_api_path_stays_json_even_for_a_browser(world):
    assert_json(world.get("/api/v1/nothing", headers=BROWSER), 404, "not_found")
    # A path that merely starts like a page family is not one.
    assert_json(world.get("/portalx/xyz", headers=BROWSER), 404, "not_found")


# 405


def test_a_wrong_method_on_a_portal_page_is_a_portal_page(world):
    response = world.post("/portal/search", headers=BROWSER, data={"q": "restore"})
    assert_portal_page(response, 405, "That cannot be done here")
    assert response.headers["Allow"].split(", ").count("GET") == 1
    response = world.delete("/portal/tickets/new", headers=BROWSER)
    assert_portal_page(response, 405, "That cannot be done here")
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_a_wrong_method_on_an_agent_page_is_an_agent_page(raising):
    response = raising.post(RAISES["agent"], headers=BROWSER)
    assert_agent_page(response, 405, "That cannot be done here")
    assert "GET" in response.headers["Allow"]


def test_a_wrong_method_on_the_api_stays_json(world):
    response = world.delete("/api/v1/search", headers=BROWSER)
    assert_json(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


# 500


def test_a_failing_portal_page_is_a_portal_page_without_internals(raising):
    response = raising.get(RAISES["portal"], headers=BROWSER)
    assert_portal_page(response, 500, "Something went wrong on our side")
    assert "hunter2" not in response.get_data(as_text=True)
    assert "RuntimeError" not in response.get_data(as_text=True)


def test_a_failing_agent_page_is_an_agent_page_without_internals(raising):
    response = raising.get(RAISES["agent"], headers=BROWSER)
    assert_agent_page(response, 500, "Something went wrong on our side")
    assert "hunter2" not in response.get_data(as_text=True)


def test_a_failing_api_route_stays_json(raising):
    response = raising.get(RAISES["api"], headers=BROWSER)
    assert_json(response, 500, "server_error")
    assert "hunter2" not in response.get_data(as_text=True)


def test_when_the_theme_itself_fails_the_error_is_still_a_page(app, world, monkeypatch, tmp_path):
    (tmp_path / "portal-context.json").write_text("{ this is not JSON", encoding="utf-8")
    monkeypatch.setitem(app.config, "PORTAL_DIR", str(tmp_path))
    for path in ("/portal/nothing", "/agent/nothing"):
        response = world.get(path, headers=BROWSER)
        assert response.status_code == 404
        page = page_of(response)
        assert text_of(page.select_one("h1")) == "We could not find that page"
        assert page.select_one('a[href="/"]') is not None


# Served with the built portal, as `helpdesk serve` does (its catch-all route matches first).


@pytest.fixture
def serving(app, portal_dir):
    """The ticketapi serving the built portal too, as `helpdesk serve` does."""
    served = create_app({**app.config, "SERVE_PORTAL": True, "PORTAL_DIR": portal_dir})
    yield served.test_client()
    dispose(served)


def test_with_the_portal_served_alongside_errors_keep_their_family(serving):
    client = serving
    assert_portal_page(
        client.get("/portal/xyz", headers=BROWSER), 404, "We could not find that page"
    )
    # The static portal's catch-all does not claim the ticketapi's paths, nor their methods.
    assert_portal_page(
        client.post("/portal/kb/feedback", headers=BROWSER), 404, "We could not find that page"
    )
    assert_portal_page(
        client.delete("/portal/search", headers=BROWSER), 405, "That cannot be done here"
    )
    assert_agent_page(
        client.get("/agent/nothing", headers=BROWSER), 404, "We could not find that page"
    )
    assert_json(client.get("/api/v1/nothing", headers=BROWSER), 404, "not_found")
    assert_json(client.post("/api/v1/nothing", headers=BROWSER), 404, "not_found")
    # Files of the portal are still served, and paths that only look alike are files.
    assert client.get("/portal-context.json", buffered=True).status_code == 200
    assert client.get("/portalx").status_code == 404
