"""axe-core over every page family of the built demo portal: no serious or critical WCAG 2.1
AA violation, in light and in dark mode (the developers' guide asks it of every page)."""

from __future__ import annotations

import pytest

from tests.support.axe import SCHEMES, assert_accessible, context_options

pytestmark = pytest.mark.browser

PAGES = {
    "home": "/",
    "knowledgebase": "/kb/",
    "knowledgebase category": "/kb/backup-restore/",
    "article": "/kb/backup-restore/restore-files-from-a-snapshot/",
    "article with tabs and code": "/kb/sync-sharing/set-up-sync-folders/",
    "news list": "/news/",
    "news post": "/news/tide-cli-2-0/",
    "downloads": "/downloads/",
    "download": "/downloads/tide-shell-completion/",
    "glossary": "/glossary/",
    "tags": "/tags/",
    "tag": "/tags/billing/",
    "page": "/how-support-works/",
    "404": "/404.html",
}


@pytest.fixture(scope="module", params=SCHEMES)
def scheme_page(request, browser):
    context = browser.new_context(**context_options(request.param))
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("family", list(PAGES))
def test_every_page_family_meets_wcag_21_aa(scheme_page, base_url, family):
    scheme_page.goto(base_url + PAGES[family])
    scheme_page.wait_for_load_state("networkidle")
    assert_accessible(scheme_page, f"{family} {PAGES[family]}")


def test_an_open_glossary_tooltip_meets_wcag_21_aa(scheme_page, base_url):
    scheme_page.goto(base_url + "/kb/backup-restore/how-snapshots-work/")
    scheme_page.wait_for_load_state("networkidle")
    term = scheme_page.locator("[data-glossary]").first
    term.focus()
    scheme_page.locator("[role=tooltip]:visible").first.wait_for()
    assert_accessible(scheme_page, "an article with a glossary tooltip open")


def test_the_check_fails_and_says_where(scheme_page, base_url):
    """The check itself: a page with faint text and an unnamed image is refused, readably."""
    scheme_page.goto(base_url + "/")
    scheme_page.evaluate(
        """() => {
            const main = document.getElementById("main");
            main.insertAdjacentHTML("afterbegin",
                '<p id="faint" style="color:#777;background:#888">Barely there</p>' +
                '<img id="nameless" src="/theme/missing.png">');
        }"""
    )
    with pytest.raises(AssertionError) as failure:
        assert_accessible(scheme_page, "home with faults")
    message = str(failure.value)
    assert "color-contrast (serious)" in message and "#faint" in message
    assert "image-alt (critical)" in message and "#nameless" in message
    assert "https://dequeuniversity.com/rules/axe/" in message
