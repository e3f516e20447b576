"""Triage with the keyboard in real Chromium (static/keys.js): j/k through the queue and
through the ticket pages opened from it, r and n in the reply box, a to assign to me, s and
/ to the status and search fields, ? for the list of shortcuts as a dialog; keys typed in a
field stay text. axe-core over the open dialog."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.axe import SCHEMES, assert_accessible, context_options
from tests.ticketapi.agent.pages import (
    browser_sign_in,
    press_to_open,
    ticket_id_of,
    with_password,
)
from ticketapi.extensions import db
from ticketapi.people.services import agent_actor
from ticketapi.tickets import services as tickets
from ticketapi.tickets.models import Ticket

pytestmark = pytest.mark.browser
EVERYTHING = ["tickets.reply", "tickets.edit", "tickets.assign"]


@pytest.fixture
def desk(world):
    team = world.team("Support")
    dana = with_password(world.agent("Dana Reyes", permissions=EVERYTHING, teams=[team]))
    admin = agent_actor(world.admin().row)
    ann = world.user("Ann Lee", email="ann@acme.example")
    for subject in ("Printer on fire", "VPN drops", "New laptop"):
        tickets.open_ticket(
            admin, {"user_id": ann.id, "subject": subject, "message": "Help."}, now=world.now
        )
    db.session.commit()  # the server's requests take SQLite's write lock
    return {"dana": dana}


def unassigned(page, base_url, desk):
    browser_sign_in(page, base_url, desk["dana"].row.email)
    page.wait_for_url("**/agent/")
    page.goto(base_url + "/agent/?queue=unassigned")
    return page.locator(".ticket-list .ticket-link")


def assert_selected(page, links, n: int) -> None:
    """The n-th ticket is selected and focused, and its summary is the detail pane."""
    expect(links.nth(n)).to_have_attribute("aria-current", "true")
    expect(links.nth(n)).to_be_focused()
    subject = links.nth(n).locator(".ticket-subject").inner_text()
    expect(page.locator("#detail-title")).to_have_text(subject)


def test_an_agent_triages_with_the_keyboard(page, base_url, desk):
    links = unassigned(page, base_url, desk)
    expect(links).to_have_count(3)
    expect(page.locator(".ticket-row.is-selected")).to_have_count(0)
    page.keyboard.press("j")
    assert_selected(page, links, 0)
    page.keyboard.press("j")
    assert_selected(page, links, 1)
    page.keyboard.press("k")
    assert_selected(page, links, 0)
    # Ctrl, Alt or Meta held: the key belongs to the browser, not to us.
    page.keyboard.press("Alt+j")
    assert_selected(page, links, 0)

    # ?: the list as a dialog, focus inside it; Escape closes it and focus comes back.
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Close")).to_be_focused()
    expect(dialog).to_contain_text("Assign the ticket to me")
    page.keyboard.press("j")  # keys wait while the dialog is open
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert_selected(page, links, 0)

    subject = links.nth(0).locator(".ticket-subject").inner_text()
    page.get_by_role("link", name="Open the ticket").click()
    page.wait_for_url(re.compile(r"/agent/tickets/\d+\?"))
    ticket_url = page.url
    ticket_id = ticket_id_of(ticket_url)
    expect(page.locator("#ticket-title")).to_have_text(subject)

    box = page.get_by_label("Message (Markdown)")
    page.keyboard.press("r")
    expect(box).to_be_focused()
    expect(page.get_by_role("radio", name="Public reply")).to_be_checked()
    page.keyboard.type("jk")  # typed into the box, not a move
    expect(box).to_have_value("jk")
    assert page.url == ticket_url

    page.locator("#ticket-title").click()  # out of the box, keys are shortcuts again
    page.keyboard.press("n")
    expect(page.get_by_role("radio", name="Internal note")).to_be_checked()
    expect(box).to_be_focused()
    expect(box).to_have_value("jk")

    page.locator("#ticket-title").click()
    page.keyboard.press("a")
    page.locator("form.properties .saved").wait_for()
    expect(page.locator("#prop-agent")).to_have_value(str(desk["dana"].row.id))
    db.session.expire_all()
    assert db.session.get(Ticket, ticket_id).agent_id == desk["dana"].row.id
    db.session.rollback()  # the server's requests need SQLite's write lock

    page.keyboard.press("s")
    expect(page.locator("#prop-status")).to_be_focused()
    page.keyboard.press("j")  # in the status field: no move
    assert page.url == ticket_url

    page.locator("#ticket-title").click()
    page.keyboard.press("/")
    page.wait_for_url("**/agent/?queue=filter")
    expect(page.get_by_label("Text", exact=True)).to_be_focused()
    page.keyboard.type("vpn")
    expect(page.get_by_label("Text", exact=True)).to_have_value("vpn")


def test_j_and_k_on_the_ticket_page_follow_the_queue_it_was_opened_from(page, base_url, desk):
    links = unassigned(page, base_url, desk)
    expect(links).to_have_count(3)
    subjects = links.locator(".ticket-subject").all_inner_texts()
    page.keyboard.press("j")
    assert_selected(page, links, 0)
    press_to_open(page, "Enter")  # the selected row's link opens the ticket
    title = page.locator("#ticket-title")
    expect(title).to_have_text(subjects[0])
    trail = page.get_by_role("navigation", name="Tickets of Unassigned")
    expect(trail.get_by_role("link", name="Previous ticket")).to_have_count(0)
    first_url = page.url
    page.keyboard.press("k")  # nothing before the first
    press_to_open(page, "j")
    expect(title).to_have_text(subjects[1])
    press_to_open(page, "j")
    expect(title).to_have_text(subjects[2])
    expect(trail).to_contain_text("The last ticket of the list")
    page.keyboard.press("j")  # nothing after the last
    press_to_open(page, "k")
    expect(title).to_have_text(subjects[1])

    # Typing in the reply box, j and k are letters.
    page.keyboard.press("r")
    page.keyboard.type("jk")
    expect(page.get_by_label("Message (Markdown)")).to_have_value("jk")
    expect(title).to_have_text(subjects[1])
    page.get_by_label("Message (Markdown)").fill("")

    # The trail outlives a form: a note sent, the page comes back with its neighbours.
    page.get_by_role("radio", name="Internal note").check()
    page.get_by_label("Message (Markdown)").fill("Looked at it.")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator(".agent-notice")).to_contain_text("Your note is added.")
    page.locator("#ticket-title").click()
    press_to_open(page, "k")
    expect(title).to_have_text(subjects[0])
    assert ticket_id_of(page.url) == ticket_id_of(first_url) and "at=0" in page.url

    # Assigned to me, the first leaves Unassigned: its next is the one that took its place.
    page.locator("#ticket-title").click()
    page.keyboard.press("a")
    page.locator("form.properties .saved").wait_for()
    page.reload()
    expect(trail).to_be_visible()
    expect(trail.get_by_role("link", name="Previous ticket")).to_have_count(0)
    press_to_open(page, "j")
    expect(title).to_have_text(subjects[1])
    expect(trail.get_by_role("link", name="Previous ticket")).to_have_count(0)
    page.get_by_role("link", name="Back to Unassigned").click()
    expect(page.locator("#detail-title")).to_have_text(subjects[1])
    expect(links).to_have_count(2)


def test_a_ticket_opened_from_elsewhere_has_no_j_or_k(page, base_url, desk):
    browser_sign_in(page, base_url, desk["dana"].row.email)
    page.wait_for_url("**/agent/")
    ticket = db.session.scalars(db.select(Ticket)).first()
    db.session.rollback()
    page.goto(f"{base_url}/agent/tickets/{ticket.id}")
    page.locator("#ticket-title").click()
    page.keyboard.press("j")
    page.keyboard.press("k")
    expect(page.locator(".trail")).to_have_count(0)
    assert page.url == f"{base_url}/agent/tickets/{ticket.id}"


def test_assign_to_me_is_offered_only_to_those_who_may_assign(page, base_url, world, desk):
    sam = with_password(world.agent("Sam Ortiz", permissions=["tickets.reply", "tickets.edit"]))
    db.session.commit()
    browser_sign_in(page, base_url, sam.row.email)
    page.wait_for_url("**/agent/")
    ticket = db.session.scalars(db.select(Ticket)).first()
    page.goto(f"{base_url}/agent/tickets/{ticket.id}")
    page.locator("#ticket-title").click()
    page.keyboard.press("a")
    expect(page.locator("#prop-agent")).to_have_count(0)
    expect(page.locator("form.properties .saved")).to_have_count(0)
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).agent_id is None
    db.session.rollback()


@pytest.fixture(params=SCHEMES)
def checked(request, browser):
    context = browser.new_context(**context_options(request.param, page_csp=True))
    page = context.new_page()
    yield page
    context.close()


def test_the_shortcuts_dialog_meets_wcag_21_aa(checked, base_url, desk):
    unassigned(checked, base_url, desk)
    checked.keyboard.press("?")
    expect(checked.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    assert_accessible(checked, "the start page with the shortcuts dialog")
