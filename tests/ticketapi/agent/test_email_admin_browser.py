"""The email admin pages and a mail's remote images in real Chromium: hostile mail never
runs, a remote image is requested only after "Show remote images" is clicked, and axe-core's
WCAG 2.1 AA checks light and dark."""

from __future__ import annotations

import pytest

from tests.support.axe import SCHEMES, assert_accessible, context_options
from tests.ticketapi.agent.email_world import TRACKER, account, filed, held, hostile_mail
from tests.ticketapi.agent.hostile import VECTORS
from tests.ticketapi.agent.pages import browser_sign_in, with_password
from tests.ticketapi.inbound.mails import mail
from ticketapi.extensions import db

pytestmark = pytest.mark.browser
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)


@pytest.fixture
def mailroom(world):
    team = world.team("Support")
    ada = with_password(world.admin("Ada"))
    world.agent("Sam", permissions=["tickets.reply"], teams=[team])
    inbox = account(team)
    hostile = filed(inbox, hostile_mail())
    inbox.name = VECTORS[4][:200]  # shown on the accounts' pages
    stuck = held(inbox, mail(subject="Invoice", message_id="<held@acme.example>"))
    db.session.commit()  # the server's requests take SQLite's write lock
    return {"ada": ada, "account": inbox, "hostile": hostile, "held": stuck}


def watched(browser, **options):
    """A page that records script errors and any dialog (a vector that ran), and every
    request to the tracker (answered here: no network)."""
    context = browser.new_context(**options)
    page = context.new_page()
    page.problems, page.tracked = [], []
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.on("dialog", lambda d: (page.problems.append("dialog " + d.message), d.dismiss()))

    def tracker(route):
        page.tracked.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=PIXEL)

    page.route("http://tracker.example/**", tracker)
    return context, page


def test_hostile_mail_never_runs_on_the_email_pages(browser, base_url, mailroom):
    # Without the pages' CSP (as test_hostile_browser.py): the escaping itself is tested.
    context, page = watched(browser, bypass_csp=True)
    browser_sign_in(page, base_url, mailroom["ada"].row.email)
    page.wait_for_url(base_url + "/agent/")
    row = mailroom["hostile"]
    for path in (
        "/agent/admin/email",
        f"/agent/admin/email/{mailroom['account'].id}",
        "/agent/admin/inbound",
        f"/agent/admin/inbound/{row.id}",
        f"/agent/tickets/{row.ticket_id}",
    ):
        page.goto(base_url + path)
        page.wait_for_load_state("networkidle")
        page.evaluate("() => new Promise((done) => requestAnimationFrame(() => done()))")
        assert page.evaluate("window.__xss === undefined"), path
    assert page.tracked == []  # and no remote image loaded by itself
    problems = page.problems
    context.close()
    assert problems == []


def test_a_remote_image_is_requested_only_after_the_click(browser, base_url, mailroom):
    context, page = watched(browser)
    browser_sign_in(page, base_url, mailroom["ada"].row.email)
    page.wait_for_url(base_url + "/agent/")
    row = mailroom["hostile"]
    # The ticket the hostile mail opened: its pixel is not requested until asked for.
    page.goto(f"{base_url}/agent/tickets/{row.ticket_id}")
    page.wait_for_load_state("networkidle")
    assert page.tracked == []
    assert page.evaluate("window.__xss === undefined")
    image = page.locator(f'.message-body img[data-src="{TRACKER}"]')
    assert image.count() == 1
    page.get_by_role("button", name="Show remote images").click()
    page.wait_for_function("document.querySelector('.message-body img[src]') !== null")
    page.wait_for_load_state("networkidle")
    assert page.tracked == [TRACKER]
    assert page.get_by_role("button", name="Show remote images").count() == 0
    problems = page.problems
    context.close()
    assert problems == []


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_email_admin_pages_meet_wcag_21_aa(browser, base_url, mailroom, scheme):
    context = browser.new_context(**context_options(scheme, page_csp=True))
    page = context.new_page()
    browser_sign_in(page, base_url, mailroom["ada"].row.email)
    page.wait_for_url(base_url + "/agent/")
    page.goto(base_url + "/agent/admin/email")
    assert_accessible(page, "the email accounts")
    page.get_by_role("button", name="Add the account").click()
    page.locator(".error-summary").wait_for()
    assert_accessible(page, "the email accounts with the form's errors")
    page.goto(f"{base_url}/agent/admin/email/{mailroom['account'].id}")
    assert_accessible(page, "an account's form")
    page.goto(base_url + "/agent/admin/inbound")
    assert_accessible(page, "the inbound mail")
    page.goto(f"{base_url}/agent/admin/inbound/{mailroom['held'].id}")
    assert_accessible(page, "a quarantined message")
    context.close()
