"""The built demo portal in real Chromium: keyboard, phone width, dark mode, no JavaScript, no outside hosts."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.support.browser import DEMO_PAGES as PAGES

pytestmark = pytest.mark.browser


def test_keyboard_user_skips_to_the_content(browser, base_url):
    page = browser.new_page()
    page.goto(base_url + "/kb/backup-restore/how-snapshots-work/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to content"
    assert page.evaluate("document.activeElement.getBoundingClientRect().top >= 0")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    inside_main = page.evaluate("document.getElementById('main').contains(document.activeElement)")
    assert inside_main
    page.close()


def test_pages_have_landmarks(browser, base_url):
    page = browser.new_page()
    for path in PAGES:
        page.goto(base_url + path)
        assert page.locator("header").count() >= 1, path
        assert page.locator("main#main").count() == 1, path
        assert page.locator('nav[aria-label="Main"]').count() == 1, path
        assert page.locator("footer").count() >= 1, path
        assert page.locator("h1").count() == 1, path
    page.close()


@pytest.mark.parametrize("path", PAGES)
def test_no_horizontal_scrolling_on_a_360px_phone(browser, base_url, path):
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(base_url + path)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{path} is {width}px wide"
    page.close()


def test_every_request_stays_on_the_portal_host(browser, base_url):
    context = browser.new_context()
    hosts = set()
    context.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    page = context.new_page()
    for path in PAGES:
        page.goto(base_url + path)
        page.wait_for_load_state("networkidle")
    assert hosts == {urlsplit(base_url).netloc}
    context.close()


@pytest.mark.parametrize("scheme, dark", [("light", False), ("dark", True)])
def test_colour_scheme_follows_the_system(browser, base_url, scheme, dark):
    page = browser.new_page(color_scheme=scheme)
    page.goto(base_url + "/")
    rgb = page.evaluate("getComputedStyle(document.body).backgroundColor")
    channels = [int(c) for c in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
    assert (sum(channels) < 120) is dark, rgb
    page.close()


def test_everything_reads_without_javascript(browser, base_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "/kb/getting-started/install-cli-linux/")
    assert page.locator(".prose").inner_text().count(" ") > 200
    page.goto(base_url + "/kb/sync-sharing/set-up-sync-folders/")
    tabs = page.locator(".tabbed-set").first
    blocks = tabs.locator(".tabbed-block")
    assert blocks.nth(0).is_visible() and not blocks.nth(1).is_visible()
    tabs.locator(".tabbed-labels > label").nth(1).click()
    assert blocks.nth(1).is_visible() and not blocks.nth(0).is_visible()
    page.goto(base_url + "/kb/troubleshooting/backup-stuck-at-scanning/")
    details = page.locator("details").first
    summary_only = details.evaluate("d => d.open")
    details.locator("summary").click()
    assert details.evaluate("d => d.open") is not summary_only
    context.close()


def test_glossary_jump_list_moves_to_the_letter(browser, base_url):
    page = browser.new_page()
    page.goto(base_url + "/glossary/")
    page.locator("nav.az a", has_text="S").first.click()
    assert page.url.endswith("#letter-S")
    assert page.locator("#letter-S").is_visible()
    page.close()
