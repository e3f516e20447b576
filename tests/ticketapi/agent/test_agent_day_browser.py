"""An agent's whole day in real Chromium (issue #14): sign in with a code, triage Unassigned
with the keyboard, reply with a snippet, add a note, assign a team, follow, "send and set
pending", read the SLA panel, add a task, merge two tickets, open a ticket for a user; a
colleague signs in without a code and opens the same ticket: he sees her viewing, and his
stale save shows the choice instead of overwriting hers; she signs out.

One test, in the order of a day: each step starts from what the one before left on the
screen, and checks what the agent would see."""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from tests.ticketapi.agent.pages import (
    EVERYTHING,
    PASSWORD,
    code_now,
    press_to_open,
    turn_on_totp,
    watched_page,
    with_password,
)
from ticketapi.extensions import db
from ticketapi.people.models import Agent
from ticketapi.people.services import agent_actor
from ticketapi.slas import services as slas
from ticketapi.snippets import services as snippets
from ticketapi.tickets import services as tickets
from ticketapi.tickets.models import Ticket

pytestmark = pytest.mark.browser


@pytest.fixture
def desk(world):
    """Dana (two-step sign-in on) and Sam of Support, Billing; two SLAs; three unassigned
    tickets, oldest first; Dana's Greeting snippet; Bo, who has not written yet."""
    support, _billing = world.team("Support"), world.team("Billing")
    dana = with_password(world.agent("Dana Reyes", permissions=EVERYTHING, teams=[support]))
    sam = with_password(world.agent("Sam Ortiz", permissions=EVERYTHING, teams=[support]))
    secret, _codes = turn_on_totp(db.session.get(Agent, dana.id))
    admin = agent_actor(world.admin().row)
    for name, kind, minutes in (("First reply", "first_response", 60), ("Fix", "resolution", 480)):
        slas.create_sla(
            admin, {"name": name, "type": kind, "target_minutes": minutes}, now=world.now
        )
    ann = world.user("Ann Lee", email="ann@acme.example", organization=world.organization("Acme"))
    world.user("Bo Chen", email="bo@acme.example")
    subjects = ("Printer on fire", "VPN drops every hour", "VPN drops again")
    for age, subject in zip((30, 20, 10), subjects, strict=True):
        tickets.open_ticket(
            admin,
            {"user_id": ann.id, "subject": subject, "message": f"{subject}. Help!"},
            now=world.now - timedelta(minutes=age),
        )
    snippets.create_snippet(
        agent_actor(dana.row),
        {"title": "Greeting", "body": "Hello {{ user.first_name }},\n\nthanks for writing."},
        now=world.now,
    )
    found = {
        "dana": dana.row.email,
        "dana_id": dana.id,
        "sam": sam.row.email,
        "secret": secret,
        "subjects": subjects,
    }
    db.session.commit()  # plain values: the server's requests take SQLite's write lock
    return found


def stored(subject: str) -> SimpleNamespace:
    """The ticket as the database has it now, read in a transaction ended at once (the
    server's requests need SQLite's write lock): plain values, nothing to load later."""
    db.session.expire_all()
    ticket = db.session.scalar(db.select(Ticket).where(Ticket.subject == subject))
    found = SimpleNamespace(
        id=ticket.id, status=ticket.status, agent_id=ticket.agent_id, urgency=ticket.urgency
    )
    db.session.rollback()
    return found


def test_an_agents_day(browser, base_url, desk):
    context, page = watched_page(browser)
    sam_context, sam = watched_page(browser)
    try:
        day(page, sam, base_url, desk)
        assert page.problems == [] and sam.problems == []
    finally:
        context.close()
        sam_context.close()


def day(page, sam, base_url, desk) -> None:
    printer, vpn, vpn_again = desk["subjects"]
    title = page.locator("#ticket-title")
    notice = page.locator(".agent-notice")

    # Signing in: the password, then the app's code.
    page.goto(base_url + "/agent/")
    page.get_by_label("Email address").fill(desk["dana"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/agent/login/code")
    page.get_by_label("Code").fill(code_now(desk["secret"]))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My tickets")
    expect(page.locator(".signed-in-as")).to_contain_text("Dana Reyes")

    # Triage Unassigned with the keyboard: j, j, k, Enter opens the first; a takes it.
    page.locator(".sidebar").get_by_role("link", name=re.compile("^Unassigned")).click()
    page.wait_for_url("**/agent/?queue=unassigned")  # loaded: its keys are listening
    links = page.locator(".ticket-list .ticket-link")
    expect(links).to_have_count(3)
    for key, subject in (("j", printer), ("j", vpn), ("k", printer)):
        press_to_open(page, key)
        expect(page.locator("#detail-title")).to_have_text(subject)
        expect(page.locator('.ticket-link[aria-current="true"]')).to_be_focused()
    press_to_open(page, "Enter")
    expect(title).to_have_text(printer)
    page.keyboard.press("a")
    expect(page.locator("form.properties .saved")).to_have_text("Saved.")
    expect(page.locator("#prop-agent option:checked")).to_have_text("Dana Reyes")

    # A reply with a snippet (r: the reply box), sent.
    page.keyboard.press("r")
    page.get_by_label("Insert a snippet").fill("greet")
    page.get_by_role("button", name="Insert “Greeting”").click()
    expect(page.get_by_label("Message (Markdown)")).to_have_value(
        re.compile(r"^Hello Ann,\n\nthanks for writing\.")
    )
    page.get_by_role("button", name="Send", exact=True).click()
    expect(notice).to_contain_text("Your reply is sent.")
    last = page.locator(".conversation .message").last
    expect(last.locator(".message-kind")).to_have_text("Public reply")
    expect(last).to_contain_text("Hello Ann,")

    # A note (n), told apart from the reply.
    page.wait_for_load_state("load")  # the page after sending: its keys are listening
    page.locator("#ticket-title").click()
    page.keyboard.press("n")
    page.keyboard.type("Toner is fine; the fuser is gone.")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(notice).to_contain_text("Your note is added.")
    expect(page.locator(".conversation .message").last.locator(".message-kind")).to_have_text(
        "Internal note"
    )

    # The Support team, saved without leaving the page; then following the ticket.
    page.locator("#prop-team").select_option(label="Support")
    page.get_by_role("button", name="Save properties").click()
    expect(page.locator("form.properties .saved")).to_have_text("Saved.")
    page.get_by_role("button", name="Follow", exact=True).click()
    expect(page.get_by_role("button", name="Stop following")).to_be_visible()
    following = page.locator(".sidebar").get_by_role("link", name=re.compile("^Following"))
    expect(following).to_contain_text("1")

    # "Send and set pending": the status says so at once.
    page.get_by_label("Message (Markdown)").fill("A new fuser is on its way; back to you Friday.")
    page.get_by_role("button", name="Send and set pending").click()
    expect(notice).to_contain_text("Your reply is sent.")
    expect(page.locator(".ticket-header .badge").first).to_have_text("Pending")

    # The SLA panel: the first reply met, the fix's clock stopped while the ticket is pending.
    clocks = page.locator("#sla .sla-clock")
    expect(clocks).to_have_count(2)
    expect(page.locator("#sla .sla-clock", has_text="First reply")).to_contain_text("Met")
    fix = page.locator("#sla .sla-clock", has_text="Fix")
    expect(fix.locator(".badge")).to_have_text("Paused")
    expect(fix.locator(".sla-left")).to_contain_text("left when resumed")

    # A task for this ticket, listed on it.
    page.locator("summary", has_text="Add a task").click()
    page.locator("#task-title").fill("Ring Ann on Friday")
    page.get_by_role("button", name="Add the task").click()
    expect(page.locator(".task-list")).to_contain_text("Ring Ann on Friday")
    assert (stored(printer).status, stored(printer).agent_id) == ("pending", desk["dana_id"])

    # j: the next ticket of Unassigned (the printer left it when Dana took it).
    page.locator("#ticket-title").click()
    press_to_open(page, "j")
    expect(title).to_have_text(vpn)
    vpn_ref = page.locator(".detail-ref").inner_text().split(" ")[0]
    press_to_open(page, "j")
    expect(title).to_have_text(vpn_again)

    # Merge the duplicate into the first: its message moves there.
    page.get_by_label("Merge into the ticket with ref").fill(vpn_ref)
    page.get_by_role("button", name="Merge into that ticket").click()
    expect(title).to_have_text(vpn)
    expect(page.locator(".conversation")).to_contain_text("VPN drops again. Help!")
    assert stored(vpn_again).status == "resolved"

    # A ticket for Bo, who phoned.
    page.get_by_role("link", name="New ticket").click()
    # Typed only once the page's script listens: a fill before it finds nobody.
    page.wait_for_url("**/agent/tickets/new")
    page.wait_for_load_state("load")
    page.get_by_label("Find the user by email or name").fill("bo@")
    page.get_by_label("Bo Chen <bo@acme.example>").check()
    page.get_by_label("Subject").fill("Cannot log in to the VPN")
    page.get_by_label("First message or note").fill("Bo phoned: the VPN refuses his password.")
    page.get_by_role("button", name="Open the ticket").click()
    expect(title).to_have_text("Cannot log in to the VPN")
    expect(page.locator(".side-pane")).to_contain_text("Bo Chen")

    # Sam signs in without a code and opens the printer ticket Dana has open.
    page.goto(base_url + f"/agent/tickets/{stored(printer).id}")
    expect(title).to_have_text(printer)
    sam.goto(base_url + f"/agent/tickets/{stored(printer).id}")
    sam.get_by_label("Email address").fill(desk["sam"])
    sam.get_by_label("Password").fill(PASSWORD)
    sam.get_by_role("button", name="Sign in").click()
    expect(sam.locator("#ticket-title")).to_have_text(printer)
    expect(sam.locator(".presence")).to_contain_text("Dana Reyes is viewing", timeout=15_000)

    # Dana saves first; Sam's save from his older page shows the choice, and saves nothing.
    page.get_by_label("Urgency (1 to 10)").fill("8")
    page.get_by_role("button", name="Save properties").click()
    expect(page.locator("form.properties .saved")).to_have_text("Saved.")
    sam.get_by_label("Status", exact=True).select_option("resolved")
    sam.get_by_role("button", name="Save properties").click()
    choice = sam.locator(".stale-choice")
    expect(choice.locator(".changes-theirs")).to_contain_text("Dana Reyes · Urgency: 5 → 8")
    expect(choice.locator(".changes-mine")).to_have_text("Status: Resolved")
    assert (stored(printer).status, stored(printer).urgency) == ("pending", 8)
    sam.get_by_role("link", name="Keep theirs").click()
    expect(sam.get_by_label("Urgency (1 to 10)")).to_have_value("8")
    expect(sam.locator(".ticket-header .badge").first).to_have_text("Pending")

    # The end of the day.
    page.get_by_role("button", name="Sign out").click()
    expect(notice).to_contain_text("You have signed out.")
    page.goto(base_url + "/agent/")
    page.wait_for_url("**/agent/login?next=/agent/")
