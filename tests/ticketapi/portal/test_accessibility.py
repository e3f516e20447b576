"""axe-core over the ticketapi's pages as a browser gets them (search, the ticket form in its
states, the confirmation, the pages a ticket's confirmation link opens, the HTML error pages of
/portal/ and /agent/): no serious or critical WCAG 2.1 AA violation, light and dark. Axe needs
`bypass_csp` here: see tests/support/axe.py."""

from __future__ import annotations

import re

import pytest
from flask import Blueprint

from helpdesk.search.store import default_index_dir
from tests.support.axe import SCHEMES, assert_accessible, context_options
from tests.support.browser import serve_app
from tests.support.mailbox import text_of
from ticketapi import create_app
from ticketapi.extensions import db
from ticketapi.people.services import anonymous_actor
from ticketapi.tickets import services
from ticketapi.timeutil import utcnow

pytestmark = pytest.mark.browser

PAGES = {
    "search results": "/portal/search?q=restore+files",
    "search without results": "/portal/search?q=zzzqqq",
    "search before typing": "/portal/search",
    "ticket form": "/portal/tickets/new",
    "a confirmation link that no longer works": "/portal/tickets/confirm",
    "404 page": "/portal/no-such-page",
    "500 page": "/portal/test-raises",
    "agent 404 page": "/agent/no-such-page",
    "agent 500 page": "/agent/test-raises",
}


@pytest.fixture(scope="module")
def base_url(app, demo_output):
    """The ticketapi serving the demo portal as `helpdesk serve` does, with a route under
    /portal/ and /agent/ that fails, as a bug would."""
    served = create_app(
        {
            **app.config,
            "TESTING": False,
            "PROPAGATE_EXCEPTIONS": False,
            "SERVE_PORTAL": True,
            "PORTAL_DIR": str(demo_output),
            "SEARCH_INDEX": str(default_index_dir(demo_output)),
        }
    )
    broken = Blueprint("broken", __name__)

    def fail():
        raise RuntimeError("a bug")

    broken.add_url_rule("/portal/test-raises", "portal", fail)
    broken.add_url_rule("/agent/test-raises", "agent", fail)
    served.register_blueprint(broken)
    with serve_app(served) as url:
        yield url
    with served.app_context():
        db.engine.dispose()


@pytest.fixture(params=SCHEMES)
def page(request, browser):
    context = browser.new_context(**context_options(request.param, page_csp=True))
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("family", list(PAGES))
def test_every_dynamic_page_meets_wcag_21_aa(page, base_url, family):
    response = page.goto(base_url + PAGES[family])
    page.wait_for_load_state("networkidle")
    assert response.headers["content-type"].startswith("text/html")
    assert_accessible(page, f"{family} {PAGES[family]}")


def test_the_ticket_form_with_errors_and_suggested_articles_meets_wcag_21_aa(page, base_url):
    page.goto(base_url + "/portal/tickets/new")
    page.locator(".ticket-form button[type=submit]").click()
    page.locator(".error-summary").wait_for()
    assert_accessible(page, "the ticket form with every error shown")
    page.locator("#ticket-subject").press_sequentially("backup stuck", delay=10)
    page.locator("#deflection li").first.wait_for()
    assert_accessible(page, "the ticket form offering articles")


def test_the_confirmation_meets_wcag_21_aa(page, base_url):
    page.goto(base_url + "/portal/tickets/new")
    page.locator("#ticket-name").fill("Ann Lee")
    page.locator("#ticket-email").fill("ann@users.example")
    page.locator("#ticket-subject").fill("Restore a deleted folder")
    page.locator("#ticket-message").fill("I deleted my Photos folder yesterday.")
    page.locator(".ticket-form button[type=submit]").click()
    page.wait_for_url("**/portal/tickets/submitted")
    assert_accessible(page, "the confirmation /portal/tickets/submitted")


def test_the_pages_a_confirmation_link_opens_meet_wcag_21_aa(page, base_url, mailbox):
    typed = {"name": "Ann", "email": "ann@users.example", "subject": "Restore a folder"}
    services.open_ticket(anonymous_actor(), {**typed, "message": "It is gone."}, now=utcnow())
    db.session.commit()
    (mail,) = mailbox.deliver()
    link = re.search(r"/portal/tickets/confirm\?token=\S+", text_of(mail)).group(0)
    page.goto(base_url + link)
    page.wait_for_url("**/portal/tickets/confirm")
    assert_accessible(page, "the page a confirmation link opens")
    page.get_by_role("button", name="Yes, I sent it: confirm the ticket").click()
    page.wait_for_url("**/portal/tickets/confirmed")
    assert_accessible(page, "the confirmed ticket /portal/tickets/confirmed")


def test_the_search_as_you_type_panel_meets_wcag_21_aa(page, base_url):
    page.goto(base_url + "/portal/tickets/new")
    page.locator("#search-q-header").press_sequentially("restore", delay=10)
    page.locator("#search-q-header-results a").first.wait_for()
    assert_accessible(page, "the header's results as you type")


def test_the_wrong_method_page_meets_wcag_21_aa(page, base_url):
    page.goto(base_url + "/portal/search")
    # A form posted where only GET is served: the browser lands on the 405 page.
    page.evaluate(
        """() => {
            const form = document.createElement("form");
            form.method = "post";
            form.action = "/portal/search";
            document.body.append(form);
            form.submit();
        }"""
    )
    page.locator("main h1", has_text="That cannot be done here").wait_for()
    assert_accessible(page, "the 405 page")
