"""Every link and form of the theme into the ticketapi leads to a page it really serves.

The theme shows a link to a dynamic page only when the build's PORTAL_LINKS names it, and
PORTAL_LINKS names only pages the ticketapi serves (docs/ticketapi.md, "Portal pages").
"""

from __future__ import annotations

from copy import copy
from urllib.parse import urlsplit

import pytest

from helpdesk import ENGINE_ROOT
from helpdesk.publish import settings as portal_settings
from helpdesk.search.store import default_index_dir
from tests.support.crawl import Site
from tests.ticketapi.portal.pages import page_of

DYNAMIC_PAGES = ("/portal/", "/agent/")
#: Dynamic pages whose own links are followed too.
RENDERED = [
    "/portal/search?q=restore",
    "/portal/search?q=zzzqqq",
    "/portal/tickets/new",
    "/portal/x",
]


@pytest.fixture
def demo_portal(app, monkeypatch, demo_output):
    monkeypatch.setitem(app.config, "PORTAL_DIR", str(demo_output))
    monkeypatch.setitem(app.config, "SEARCH_INDEX", str(default_index_dir(demo_output)))
    return Site.load(demo_output)


def targets(url: str, soup) -> set[tuple[str, str, str]]:
    """(method, path, where) for each link and form of the theme into the dynamic pages.

    What writers link to inside an article's text (`.prose`) is content, not the theme's
    navigation: a page named there that does not exist yet answers the portal's 404 page.
    """
    for prose in soup.select(".prose"):
        prose.decompose()
    found = {("GET", urlsplit(a["href"]).path, url) for a in soup.find_all("a", href=True)}
    found |= {
        ((form.get("method") or "get").upper(), urlsplit(form["action"]).path, url)
        for form in soup.find_all("form", action=True)
    }
    return {t for t in found if t[1].startswith(DYNAMIC_PAGES)}


def test_every_link_of_the_theme_into_the_ticketapi_is_a_page_it_serves(world, demo_portal):
    wanted = set()
    for url, page in demo_portal.pages.items():
        wanted |= targets(url, copy(page.soup))
    for url in RENDERED:
        wanted |= targets(url, page_of(world.get(url)))
    assert {path for _method, path, _where in wanted} >= {"/portal/search", "/portal/tickets/new"}
    broken = []
    for method, path, where in sorted(wanted):
        if method == "GET":
            response = world.get(path)
            fine = response.status_code == 200 and response.mimetype == "text/html"
        else:
            # A form post without its fields is refused, but by the route that takes it.
            response = world.call(method, path, data={})
            fine = response.status_code not in (404, 405)
        if not fine:
            broken.append(f"{where} -> {method} {path}: {response.status_code}")
    assert broken == []


def test_the_navigation_offers_only_what_the_ticketapi_serves(world, demo_portal):
    links = portal_settings.load(ENGINE_ROOT / "pelicanconf.py")["PORTAL_LINKS"]
    pages = {name: url for name, url in links.items() if not url.startswith("/api/")}
    for name, url in pages.items():
        response = world.get(url)
        assert (response.status_code, response.mimetype) == (200, "text/html"), name
    home = demo_portal.pages["/"].soup
    nav = [a["href"] for a in home.select("header nav a")]
    assert [href for href in nav if href.startswith("/portal/")] == [links["submit"]]
