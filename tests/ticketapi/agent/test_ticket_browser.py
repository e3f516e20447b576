"""The ticket page in real Chromium: a reply with a snippet and "send and set pending", two
agents on one ticket (presence, the stale-save choice), and axe-core's WCAG 2.1 AA checks
light and dark. Hostile text on this page and every other: test_hostile_browser.py."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.axe import SCHEMES, assert_accessible, context_options
from tests.ticketapi.agent.pages import EVERYTHING, PASSWORD, watched_page, with_password
from ticketapi.extensions import db
from ticketapi.people.services import agent_actor
from ticketapi.snippets import services as snippets
from ticketapi.tickets.models import Ticket

pytestmark = pytest.mark.browser


@pytest.fixture
def desk(world, ticket_desk):
    """conftest's ticket_desk, with Sam of the same team and Dana's Greeting snippet."""
    team, dana = ticket_desk["team"], ticket_desk["dana"]
    sam = with_password(world.agent("Sam Ortiz", permissions=EVERYTHING, teams=[team]))
    snippets.create_snippet(
        agent_actor(dana.row),
        {"title": "Greeting", "body": "Hello {{ user.first_name }},\n\nthanks for writing."},
        now=world.now,
    )
    # Loaded now, in this transaction: read later, it would take SQLite's write lock.
    db.session.refresh(ticket_desk["ticket"])
    db.session.commit()  # the server's requests take SQLite's write lock
    return {**ticket_desk, "sam": sam}


def sign_in(page, base_url, email: str, then: str) -> None:
    page.goto(base_url + then)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base_url + then)


def ticket_path(desk) -> str:
    return f"/agent/tickets/{desk['ticket'].id}"


def test_reply_with_a_snippet_and_set_pending(page, base_url, desk):
    sign_in(page, base_url, desk["dana"].row.email, ticket_path(desk))
    page.get_by_label("Insert a snippet").fill("greet")
    page.get_by_role("button", name="Insert “Greeting”").click()
    box = page.get_by_label("Message (Markdown)")
    expect(box).to_have_value(re.compile(r"^Hello Ann,\n\nthanks for writing\."))
    box.press("End")
    box.type(" **Unplug it** first.")
    page.get_by_role("button", name="Preview").click()
    page.locator("#preview-body strong", has_text="Unplug it").wait_for()
    page.get_by_role("button", name="Send and set pending").click()
    page.wait_for_url(f"**{ticket_path(desk)}#conversation")
    assert "Your reply is sent." in page.locator(".agent-notice").inner_text()
    last = page.locator(".conversation .message").last
    assert "Public reply" in last.text_content() and "Hello Ann," in last.text_content()
    assert page.locator(".ticket-header .badge").first.inner_text() == "Pending"


def test_a_note_is_told_apart(page, base_url, desk):
    sign_in(page, base_url, desk["dana"].row.email, ticket_path(desk))
    page.get_by_role("radio", name="Internal note").check()
    page.get_by_label("Message (Markdown)").fill("Facilities are on it.")
    page.get_by_role("button", name="Send", exact=True).click()
    page.wait_for_url(f"**{ticket_path(desk)}#conversation")
    note = page.locator(".conversation .message").last
    assert note.locator(".message-kind").text_content() == "Internal note"
    # A band at the left, not the colour of the text alone.
    assert note.evaluate("e => parseFloat(getComputedStyle(e).borderLeftWidth)") >= 5


def current(desk) -> tuple[str, int]:
    """The ticket's status and urgency, read in a transaction ended at once (the server's
    requests need SQLite's write lock)."""
    db.session.expire_all()
    ticket = db.session.get(Ticket, desk["ticket"].id)
    found = (ticket.status, ticket.urgency)
    db.session.rollback()
    return found


def test_two_agents_see_each_other_and_a_stale_save_shows_the_choice(browser, base_url, desk):
    dana_context, dana = watched_page(browser)
    sam_context, sam = watched_page(browser)
    try:
        sign_in(dana, base_url, desk["dana"].row.email, ticket_path(desk))
        sign_in(sam, base_url, desk["sam"].row.email, ticket_path(desk))
        sam.locator(".presence", has_text="Dana is viewing").wait_for(timeout=15_000)
        dana.get_by_label("Message (Markdown)").click()
        sam.locator(".presence", has_text="Dana is replying").wait_for(timeout=15_000)
        # Dana saves first, without leaving the page.
        dana.get_by_label("Urgency (1 to 10)").fill("9")
        dana.get_by_role("button", name="Save properties").click()
        dana.locator(".properties .saved", has_text="Saved.").wait_for()
        assert dana.url.endswith(ticket_path(desk))
        # Sam's page still has the old version: his save is not applied, he chooses.
        sam.get_by_label("Status", exact=True).select_option("pending")
        sam.get_by_role("button", name="Save properties").click()
        choice = sam.locator(".stale-choice")
        choice.wait_for()
        assert "Dana · Urgency: 5 → 9" in choice.locator(".changes-theirs").inner_text()
        assert choice.locator(".changes-mine").inner_text() == "Status: Pending"
        assert current(desk)[0] == "awaiting_agent"
        sam.get_by_role("button", name="Apply mine anyway").click()
        sam.wait_for_url(f"**{ticket_path(desk)}")
        assert current(desk) == ("pending", 9)
        # Dana's next save from her page is stale too, and says so.
        dana.get_by_label("Labels").fill("printer")
        dana.get_by_role("button", name="Save properties").click()
        dana.locator(
            ".stale-choice", has_text="Sam Ortiz · Status: Awaiting agent → Pending"
        ).wait_for()
        assert dana.problems == [] and sam.problems == []
    finally:
        dana_context.close()
        sam_context.close()


@pytest.fixture(params=SCHEMES)
def checked(request, browser):
    context = browser.new_context(**context_options(request.param, page_csp=True))
    page = context.new_page()
    yield page
    context.close()


def test_the_ticket_page_meets_wcag_21_aa(checked, base_url, desk):
    sign_in(checked, base_url, desk["dana"].row.email, ticket_path(desk))
    assert_accessible(checked, "the ticket page")
    checked.get_by_label("Urgency (1 to 10)").fill("9")
    checked.get_by_role("button", name="Save properties").click()
    checked.locator(".saved").wait_for()
    checked.get_by_label("Message (Markdown)").fill("**Hello**")
    checked.get_by_role("button", name="Preview").click()
    checked.locator("#preview-body strong").wait_for()
    assert_accessible(checked, "the ticket page with a preview")
