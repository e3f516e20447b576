"""Glossary tooltips in real Chromium: keyboard, hover, touch, Escape, no layout shift."""

from __future__ import annotations

import json

import pytest

from tests.support.browser import serve_directory

pytestmark = pytest.mark.browser
ARTICLE = "/kb/backup-restore/how-snapshots-work/"


@pytest.fixture(scope="module")
def definitions(demo_output) -> dict:
    return json.loads((demo_output / "glossary" / "definitions.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def base_url(demo_output):
    with serve_directory(demo_output) as url:
        yield url


def open_article(page, base_url):
    page.goto(base_url + ARTICLE)
    # The script attaches its tooltip once definitions.json has arrived.
    page.wait_for_selector("#glossary-tooltip", state="attached")


def tooltip_text(page) -> str | None:
    tooltip = page.locator("#glossary-tooltip")
    return tooltip.inner_text() if tooltip.is_visible() else None


def test_tabbing_to_a_term_shows_its_definition_and_escape_hides_it(browser, base_url, definitions):
    page = browser.new_page()
    open_article(page, base_url)
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.hasAttribute('data-glossary')"):
            break
    else:
        pytest.fail("no glossary term is reachable with the keyboard")
    term = page.evaluate("document.activeElement.textContent")
    definition = definitions[page.evaluate("document.activeElement.dataset.glossary")]["definition"]
    assert tooltip_text(page) == f"{term} {definition}"
    assert (
        page.evaluate("document.activeElement.getAttribute('aria-describedby')")
        == "glossary-tooltip"
    )
    assert page.locator("#glossary-tooltip").get_attribute("role") == "tooltip"
    page.keyboard.press("Escape")
    assert tooltip_text(page) is None
    assert page.evaluate("document.activeElement.getAttribute('aria-describedby')") is None
    page.close()


def test_hover_shows_the_definition_without_moving_the_text(browser, base_url, definitions):
    page = browser.new_page()
    open_article(page, base_url)
    term = page.locator(".prose a[data-glossary]").first
    paragraph_box = term.locator("xpath=ancestor::p[1]").bounding_box()
    before = page.evaluate("document.documentElement.scrollHeight")
    term.hover()
    assert tooltip_text(page).endswith(
        definitions[term.get_attribute("data-glossary")]["definition"]
    )
    assert term.locator("xpath=ancestor::p[1]").bounding_box() == paragraph_box
    assert page.evaluate("document.documentElement.scrollHeight") == before
    page.mouse.move(0, 0)
    page.wait_for_timeout(400)
    assert tooltip_text(page) is None
    page.close()


def test_first_tap_shows_the_definition_second_tap_opens_the_glossary(browser, base_url):
    context = browser.new_context(
        has_touch=True, is_mobile=True, viewport={"width": 360, "height": 740}
    )
    page = context.new_page()
    open_article(page, base_url)
    term = page.locator(".prose a[data-glossary]").first
    slug = term.get_attribute("data-glossary")
    term.tap()
    assert page.url == base_url + ARTICLE
    assert tooltip_text(page) is not None
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    term.tap()
    page.wait_for_url(f"**/glossary/#{slug}")
    assert page.locator(f"#{slug}").is_visible()
    context.close()


def test_without_javascript_a_term_is_a_link_to_its_entry(browser, base_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + ARTICLE)
    term = page.locator(".prose a[data-glossary]").first
    slug = term.get_attribute("data-glossary")
    term.click()
    page.wait_for_url(f"**/glossary/#{slug}")
    assert page.locator(f"#{slug}").is_visible()
    context.close()
