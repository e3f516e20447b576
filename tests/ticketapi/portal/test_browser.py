"""The portal's search and submit-a-ticket pages in real Chromium, with and without JavaScript.

The ticketapi serves the built demo portal, its search index and its own pages on a loopback
port, as `helpdesk serve` does.
"""

from __future__ import annotations

import re

import pytest

from helpdesk.search.store import default_index_dir
from tests.support.browser import DEMO_PAGES as PAGES
from tests.support.browser import serve_app
from tests.support.mailbox import text_of as mail_text
from tests.ticketapi.portal.pages import HOSTILE
from ticketapi import create_app
from ticketapi.extensions import db
from ticketapi.portal.security import CONTENT_SECURITY_POLICY
from ticketapi.search.models import Deflection
from ticketapi.tickets.models import Ticket

pytestmark = pytest.mark.browser
RESTORE = "/kb/backup-restore/restore-files-from-a-snapshot/"


@pytest.fixture(scope="module")
def base_url(app, demo_output):
    served = create_app(
        {
            **app.config,
            "SERVE_PORTAL": True,
            "PORTAL_DIR": str(demo_output),
            "SEARCH_INDEX": str(default_index_dir(demo_output)),
        }
    )
    with serve_app(served) as url:
        yield url
    with served.app_context():
        db.engine.dispose()


def recorded(model, *columns: str) -> list[tuple]:
    """Rows the server wrote, read in a transaction ended at once: outside a request the
    test's session takes SQLite's write lock, which the server would wait for."""
    try:
        return [
            tuple(row)
            for row in db.session.execute(db.select(*(getattr(model, c) for c in columns)))
        ]
    finally:
        db.session.rollback()


@pytest.fixture
def page(browser):
    """A fresh page that fails the test on an alert() or a script the policy refused."""
    context = browser.new_context()
    page = context.new_page()
    page.problems = []
    page.on("dialog", lambda dialog: (page.problems.append(dialog.message), dialog.dismiss()))

    def console(message):
        # A failed load is judged by on_response; any other error (a refused script) counts.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            page.problems.append(message.text)

    def on_response(response):
        # Pages answer 4xx for a form with errors; a script, style or API call must not fail.
        # The portal has no favicon.
        request = response.request
        failed = response.status >= 400 and request.resource_type != "document"
        if failed and not request.url.endswith("/favicon.ico"):
            page.problems.append(f"{response.status} {request.url}")

    page.on("console", console)
    page.on("response", on_response)
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    yield page
    problems = page.problems
    context.close()
    assert problems == []


def test_typing_in_the_header_box_shows_results_and_arrows_reach_them(page, base_url):
    page.goto(base_url + "/kb/")
    box = page.locator("#search-q-header")
    box.press_sequentially("restore files snapshot", delay=20)
    panel = page.locator("#search-q-header-results")
    panel.locator("a").first.wait_for()
    titles = panel.locator("ul a").all_inner_texts()
    assert any("Restore files from a snapshot" in title for title in titles)
    assert "See all" in panel.locator("a.see-all").inner_text()
    box.press("ArrowDown")
    assert page.evaluate("document.activeElement.closest('.search-suggest') !== null")
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.id") == "search-q-header"
    assert not panel.is_visible()
    box.press("Enter")
    page.wait_for_url("**/portal/search?q=restore+files+snapshot")
    assert page.locator(".result-list li").count() >= 1


def test_the_results_page_follows_what_is_typed(page, base_url):
    page.goto(base_url + "/portal/search")
    box = page.locator("#search-q-page")
    box.press_sequentially("invoice", delay=20)
    first = page.locator(".result-list h2 a").first
    first.wait_for()
    assert page.locator(".search-count").inner_text().endswith("for “invoice”")
    assert page.locator(".result-list .snippet mark").count() >= 1
    assert page.locator(".search-tabs a[aria-current=page]").inner_text().startswith("All")
    assert page.url.endswith("/portal/search?q=invoice")
    box.fill("")
    box.press_sequentially("retension", delay=20)
    page.locator(".search-suggestion").wait_for()
    assert "retention" in page.locator(".search-suggestion").inner_text()


def test_live_results_follow_the_word_being_typed_and_a_space_completes_it(page, base_url):
    page.goto(base_url + "/kb/")
    box = page.locator("#search-q-header")
    box.press_sequentially("resto", delay=20)
    panel = page.locator("#search-q-header-results")
    panel.locator("ul a").first.wait_for()
    assert panel.locator("ul a").first.inner_text().startswith("Restore files from a snapshot")
    page.goto(base_url + "/portal/search")
    box = page.locator("#search-q-page")
    box.press_sequentially("snap", delay=20)
    page.locator(".search-count", has_text="for “snap”").wait_for()
    assert page.locator(".search-suggestion").count() == 0
    assert "snapshot" in page.locator(".result-list h2 a").first.inner_text().lower()
    box.press(" ")  # the word is complete: "snap" is in no article, its completion is
    page.locator(".search-suggestion", has_text="results for snapshot").wait_for()


def test_without_javascript_the_header_box_leads_to_server_rendered_results(browser, base_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "/kb/")
    page.locator("#search-q-header").fill("restore files")
    page.locator("#search-q-header").press("Enter")
    page.wait_for_url("**/portal/search?q=restore+files")
    assert page.locator(".result-list li").count() > 1
    assert page.locator("#search-q-page").input_value() == "restore files"
    page.locator(".search-tabs a", has_text="Articles").click()
    assert "section=article" in page.url
    context.close()


def test_typed_markup_never_runs(page, base_url):
    page.goto(base_url + "/portal/search")
    page.locator("#search-q-page").press_sequentially(HOSTILE, delay=5)
    # Shown as typed, in "No results for …" or "Nothing matched … these are the results for …"
    page.locator("#search-results", has_text=HOSTILE).wait_for()
    page.locator("#search-q-page").press("Enter")
    page.wait_for_load_state()
    assert page.locator("#search-q-page").input_value() == HOSTILE
    page.goto(base_url + "/portal/tickets/new")
    page.locator("#ticket-name").fill(HOSTILE)
    page.locator("#ticket-subject").fill(HOSTILE)
    page.locator("#ticket-message").fill(f"</textarea>{HOSTILE}")
    page.locator(".ticket-form button[type=submit]").click()
    page.locator(".error-summary").wait_for()
    assert page.locator("#ticket-subject").input_value() == HOSTILE
    assert page.locator("#ticket-message").input_value() == f"</textarea>{HOSTILE}"
    assert page.locator("img").count() == 0
    # the page fixture fails the test if an alert() ran or the policy refused a script


def test_an_article_that_answers_the_question_is_counted(page, base_url):
    page.goto(base_url + "/portal/tickets/new")
    page.locator("#ticket-subject").press_sequentially("restore deleted files", delay=20)
    offer = page.locator("#deflection li", has=page.locator(f"a[href='{RESTORE}']"))
    offer.wait_for()
    assert (
        page.locator("#deflection-status")
        .inner_text()
        .endswith("may answer your question, after the subject.")
    )
    offer.get_by_role("button", name="This answered my question").click()
    offer.get_by_text("Glad it helped — no need to submit.").wait_for()
    assert recorded(Deflection, "url", "query") == [(RESTORE, "restore deleted files")]
    # The form stays usable: the person may still submit.
    page.locator("#ticket-name").fill("Ann Lee")
    page.locator("#ticket-email").fill("ann@users.example")
    page.locator("#ticket-message").fill("The folder is still missing.")
    page.locator(".ticket-form button[type=submit]").click()
    page.wait_for_url("**/portal/tickets/submitted")
    assert recorded(Ticket, "ref") == [(page.locator(".ticket-ref").inner_text(),)]


def test_a_ticket_can_be_submitted_with_the_keyboard_alone(page, base_url):
    page.goto(base_url + "/portal/tickets/new")
    page.locator("#ticket-name").focus()
    page.keyboard.type("Bo Tran")
    page.keyboard.press("Tab")
    page.keyboard.type("bo@users.example")
    page.keyboard.press("Tab")
    page.keyboard.type("Sync conflict copies everywhere")
    page.locator("#deflection li").first.wait_for()  # the offer sits between subject and message
    while page.evaluate("document.activeElement.id") != "ticket-message":
        page.keyboard.press("Tab")
    page.keyboard.type("Every file has a conflicted copy.")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Submit the ticket"
    page.keyboard.press("Enter")
    page.wait_for_url("**/portal/tickets/submitted")
    assert recorded(Ticket, "subject") == [("Sync conflict copies everywhere",)]


def test_a_submission_under_a_colleagues_address_waits_for_the_mailed_link(
    page, base_url, world, mailbox
):
    """Anyone may type Ann's address; her colleague Cy sees the ticket only once Ann has
    opened the mailed link and pressed its button (opening it alone confirms nothing)."""
    acme = world.organization("Acme", domains=["acme.example"])
    coordinators = world.usergroup("Coordinators", ["tickets.view_organization"])
    world.user("Ann Lee", email="ann@acme.example", organization=acme)
    cy = world.user("Cy", email="cy@acme.example", organization=acme, usergroups=[coordinators])
    db.session.commit()
    page.goto(base_url + "/portal/tickets/new")
    page.get_by_label("Your name").fill("Ann Lee")
    page.get_by_label("Your email address").fill("ann@acme.example")
    page.get_by_label("Subject").fill("Send me the payroll file")
    page.get_by_label("Message").fill(f"To my private address, please. {HOSTILE}")
    page.get_by_role("button", name="Submit the ticket").click()
    page.wait_for_url("**/portal/tickets/submitted")
    assert "Check your mail" in page.locator(".confirm-notice").inner_text()
    ((ticket_id, ref, confirmed),) = recorded(Ticket, "id", "ref", "confirmed")
    assert not confirmed
    assert world.get(f"/api/v1/tickets/{ticket_id}", cy).status_code == 404

    (mail,) = mailbox.deliver()
    assert mail["To"] == "ann@acme.example"
    link = re.search(r"/portal/tickets/confirm\?token=\S+", mail_text(mail)).group(0)
    page.goto(base_url + link)
    page.wait_for_url("**/portal/tickets/confirm")  # the token left the address bar
    assert page.get_by_role("heading", level=1).inner_text() == "Confirm your ticket"
    assert page.locator(".ticket-facts .ticket-ref").inner_text() == ref
    assert HOSTILE in page.locator(".quoted-message").inner_text()
    assert page.locator("img").count() == 0
    assert recorded(Ticket, "confirmed") == [(False,)]  # opening the link confirmed nothing
    page.get_by_role("button", name="Yes, I sent it: confirm the ticket").click()
    page.wait_for_url("**/portal/tickets/confirmed")
    assert ref in page.get_by_role("heading", level=1).inner_text()
    assert recorded(Ticket, "confirmed") == [(True,)]
    assert world.get(f"/api/v1/tickets/{ticket_id}", cy).status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/portal/search?q=restore+files", "/portal/search?q=zzzz", "/portal/tickets/new"],
)
def test_no_horizontal_scrolling_on_a_360px_phone(browser, base_url, path):
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(base_url + path)
    if path.endswith("new"):
        page.locator(".ticket-form button[type=submit]").click()  # every error shown
        page.locator(".error-summary").wait_for()
        page.locator("#ticket-subject").press_sequentially("backup stuck", delay=10)
        page.locator("#deflection li").first.wait_for()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{path} is {width}px wide"
    page.close()


def test_the_header_results_fit_a_360px_phone(browser, base_url):
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(base_url + "/news/")
    page.locator("#search-q-header").press_sequentially("two factor authentication", delay=10)
    panel = page.locator("#search-q-header-results")
    panel.locator("a").first.wait_for()
    box = panel.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.close()


# Every violation of the policy, as the page saw it (Chromium also logs each as a console
# error, which the page fixture counts).
RECORD_VIOLATIONS = """
window.violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.violations.push(`${event.violatedDirective} ${event.blockedURI || "inline"}`);
});
"""
# A table whose columns are centred: Markdown's alignment must not be an inline style.
TABLE_PAGE = "/kb/accounts-billing/add-team-members/"


def test_the_built_portal_runs_under_its_content_security_policy(page, base_url):
    page.add_init_script(RECORD_VIOLATIONS)
    for path in [*PAGES, TABLE_PAGE]:
        response = page.goto(base_url + path)
        headers = response.headers
        assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY, path
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.violations") == [], path
    # The scripts ran: the glossary marked its terms, the search box answers.
    page.goto(base_url + "/kb/")
    page.locator("#search-q-header").press_sequentially("restore", delay=20)
    page.locator("#search-q-header-results a").first.wait_for()
    page.goto(base_url + TABLE_PAGE)
    assert page.locator("th[align=center]").count() >= 1
    assert (
        page.evaluate("getComputedStyle(document.querySelector('th[align=center]')).textAlign")
        == "center"
    )
    assert page.evaluate("window.violations") == []
