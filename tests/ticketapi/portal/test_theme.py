"""The portal's dynamic pages wear the theme exactly as the static pages around them do."""

from __future__ import annotations

import logging

from bs4 import BeautifulSoup
from jinja2 import Environment, meta

from helpdesk import ENGINE_ROOT
from helpdesk.publish import context as portal_context
from tests.ticketapi.portal.pages import page_of, text_of

#: Set by the page that includes the template, not by the build.
PAGE_VARIABLES = {"active_section", "search_id", "search_query", "search_landmark"}


def head_assets(page) -> list[str]:
    return [str(tag) for tag in page.head.find_all(["link", "script"])]


def test_header_footer_and_assets_are_the_static_portal_s(app, world, monkeypatch, demo_output):
    monkeypatch.setitem(app.config, "PORTAL_DIR", str(demo_output))
    static = page_of_file(demo_output / "404.html")
    dynamic = page_of(world.get("/portal/tickets/new"))
    assert str(dynamic.select_one("header.site-header")) == str(
        static.select_one("header.site-header")
    )
    assert str(dynamic.select_one("footer.site-footer")) == str(
        static.select_one("footer.site-footer")
    )
    assert head_assets(dynamic) == head_assets(static)
    assert "/theme/js/search.js" in [s.get("src") for s in dynamic.find_all("script")]
    assert dynamic.html["lang"] == "en"
    assert dynamic.select_one("a.skip-link")["href"] == "#main"
    assert dynamic.select_one("main#main") is not None


def page_of_file(path):
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_the_build_s_context_gives_every_name_the_theme_s_frame_uses(demo_output):
    context = portal_context.read(demo_output)
    given = set(context["settings"]) | {"pages"}
    environment = Environment()
    needed = set()
    for name in ("base.html", "partials/search.html"):
        source = (ENGINE_ROOT / "theme" / "templates" / name).read_text(encoding="utf-8")
        needed |= meta.find_undeclared_variables(environment.parse(source))
    assert needed - given - PAGE_VARIABLES == set()
    assert [page["url"] for page in context["pages"]] == [
        "about/",
        "contact/",
        "how-support-works/",
    ]


def test_a_new_build_s_context_is_used_without_a_restart(app, world, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "PORTAL_DIR", str(tmp_path))
    context = portal_context.portal_context(
        {"SITENAME": "First Name", "PORTAL_LINKS": {}, "PLUGINS": []}
    )
    portal_context.write(context, tmp_path)
    assert text_of(page_of(world.get("/portal/search")).title).endswith("First Name")
    context["settings"]["SITENAME"] = "Second Name"
    portal_context.write(context, tmp_path)
    assert text_of(page_of(world.get("/portal/search")).title).endswith("Second Name")


def test_before_a_build_the_pages_use_pelicanconf(app, world, monkeypatch, tmp_path, caplog):
    monkeypatch.setitem(app.config, "PORTAL_DIR", str(tmp_path / "never-built"))
    with caplog.at_level(logging.WARNING, logger="ticketapi.portal.theme"):
        page = page_of(world.get("/portal/search"))
    assert text_of(page.select_one(".brand")) == "Tidewater Help Centre"
    assert page.select(".site-footer a[href='/contact/']") == []
    assert "is the portal built?" in caplog.text
