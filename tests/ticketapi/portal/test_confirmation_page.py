"""/portal/tickets/confirm: the page a confirmation link opens, and its button.

Opening the link (as a mail scanner would) confirms nothing; the button's post with its CSRF
token does, once. The page after a submission says the same whatever the address.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.support.mailbox import text_of
from tests.ticketapi.portal.pages import HOSTILE, page_of
from tests.ticketapi.portal.pages import text_of as page_text
from ticketapi.extensions import db, limiter
from ticketapi.people.services import anonymous_actor
from ticketapi.tickets import holds, services
from ticketapi.tickets.models import Ticket
from ticketapi.timeutil import utcnow

PAGE = "/portal/tickets/confirm"
FORM = "/portal/tickets/new"
LINK = re.compile(r"^https?://\S+(/portal/tickets/confirm\?token=\S+)$", re.MULTILINE)


@pytest.fixture
def acme(world):
    org = world.organization("Acme", domains=["acme.example"])
    coordinators = world.usergroup("Coordinators", ["tickets.view_organization"])
    world.user("Ann Lee", email="ann@acme.example", organization=org)
    return world.user("Cy", email="cy@acme.example", organization=org, usergroups=[coordinators])


def held_ticket(world, mailbox, *, subject="Payroll", message="Send it to me.", days_ago=0):
    """A public submission under Ann's address; its ticket and the path of the mailed link."""
    values = {"name": "Ann", "email": "ann@acme.example", "subject": subject, "message": message}
    now = utcnow() - timedelta(days=days_ago)
    ticket = services.open_ticket(anonymous_actor(), values, now=now)
    db.session.commit()
    (mail,) = mailbox.deliver()
    (path,) = LINK.findall(text_of(mail))
    return ticket, path


def open_link(world, path: str):
    """Follow the link as a browser does: the token moves into the session."""
    landed = world.get(path)
    assert landed.status_code == 303
    assert landed.headers["Location"] == PAGE  # the token leaves the address bar
    return world.get(PAGE)


def is_confirmed(ticket: Ticket) -> bool:
    db.session.expire_all()
    return db.session.get(Ticket, ticket.id).confirmed


def form_of(response) -> dict[str, str]:
    form = page_of(response).select_one("form.confirm-form")
    return {box["name"]: box["value"] for box in form.select("input[type=hidden]")}


def test_opening_the_link_shows_the_ticket_and_confirms_nothing(world, acme, mailbox):
    ticket, path = held_ticket(world, mailbox, subject=HOSTILE, message=f"</div>{HOSTILE}\nBye")
    for _ in range(3):  # a mail scanner, a link preview, the person
        page = open_link(world, path)
        assert page.status_code == 200
    assert not is_confirmed(ticket)
    assert world.get(f"/api/v1/tickets/{ticket.id}", acme).status_code == 404
    assert page.headers["Cache-Control"] == "no-store"
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    html = page_of(page)
    assert page_text(html.select_one("h1")) == "Confirm your ticket"
    assert "ann@acme.example" in page_text(html.select_one(".lead"))
    assert page_text(html.select_one(".ticket-facts .ticket-ref")) == ticket.ref
    # What was typed is shown as text, never as markup.
    assert html.select_one(".ticket-subject").get_text() == HOSTILE
    assert html.select_one(".quoted-message").get_text() == f"</div>{HOSTILE}\nBye"
    assert html.select("img") == []
    form = html.select_one("form.confirm-form")
    assert (form["method"], form["action"]) == ("post", PAGE)
    assert page_text(form.select_one("button")) == "Yes, I sent it: confirm the ticket"
    assert "token=" not in page.get_data(as_text=True)


def test_the_button_confirms_once(world, acme, mailbox):
    ticket, path = held_ticket(world, mailbox)
    sent = world.post(PAGE, data=form_of(open_link(world, path)))
    assert sent.status_code == 303
    assert sent.headers["Location"] == "/portal/tickets/confirmed"
    assert is_confirmed(ticket)
    assert world.get(f"/api/v1/tickets/{ticket.id}", acme).status_code == 200
    done = world.get("/portal/tickets/confirmed")
    assert done.status_code == 200
    html = page_of(done)
    assert page_text(html.select_one("h1")) == f"Thank you: ticket {ticket.ref} is confirmed"
    # Used: the link now opens the page that says so.
    again = world.get(path)
    assert world.get(again.headers["Location"]).status_code == 410


def test_a_post_without_its_csrf_token_confirms_nothing(world, acme, mailbox):
    ticket, path = held_ticket(world, mailbox)
    fields = form_of(open_link(world, path))
    for forged in ({}, {"csrf_token": "forged"}):
        response = world.post(PAGE, data={"ticket": fields["ticket"], **forged})
        assert response.status_code == 400
        assert "The ticket is not confirmed yet" in page_text(page_of(response))
    assert not is_confirmed(ticket)


def test_an_expired_link_opens_the_page_that_says_so(world, acme, mailbox):
    ticket, path = held_ticket(world, mailbox, days_ago=holds.LINK_TTL.days + 1)
    page = open_link(world, path)
    assert page.status_code == 410
    assert page_text(page_of(page).select_one("h1")) == "This link no longer works"
    assert world.post(PAGE, data={"ticket": str(ticket.id)}).status_code == 410
    assert not is_confirmed(ticket)


def test_a_page_confirms_only_the_ticket_it_showed(world, acme, mailbox):
    """Two links opened in one browser: the older page's button must not confirm the newer
    ticket, whose token the session now holds."""
    first, first_path = held_ticket(world, mailbox, subject="First")
    second, second_path = held_ticket(world, mailbox, subject="Second")
    first_form = form_of(open_link(world, first_path))
    open_link(world, second_path)
    assert world.post(PAGE, data=first_form).status_code == 410
    assert not is_confirmed(first) and not is_confirmed(second)
    # Each link, opened again, still confirms its own ticket.
    world.post(PAGE, data=form_of(open_link(world, first_path)))
    world.post(PAGE, data=form_of(open_link(world, second_path)))
    assert is_confirmed(first) and is_confirmed(second)


@pytest.mark.parametrize("ticket_field", ["", "x", "١", "99999999999999999999"])
def test_an_odd_ticket_field_confirms_nothing(world, acme, mailbox, ticket_field):
    ticket, path = held_ticket(world, mailbox)
    fields = form_of(open_link(world, path))
    assert world.post(PAGE, data={**fields, "ticket": ticket_field}).status_code == 410
    assert not is_confirmed(ticket)


def test_without_a_link_the_pages_send_nobody_anywhere_odd(world, acme):
    assert world.get(PAGE).status_code == 410
    assert world.get(f"{PAGE}?token=made-up").status_code == 303
    assert world.get(PAGE).status_code == 410
    done = world.get("/portal/tickets/confirmed")
    assert (done.status_code, done.headers["Location"]) == (303, PAGE)


def test_confirming_is_rate_limited_like_sign_in(app, world, acme, mailbox, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "2 per minute")
    limiter.reset()
    try:
        for expected in (410, 410, 429):
            assert world.post(PAGE, data={"ticket": "1"}).status_code == expected
    finally:
        limiter.reset()


def test_the_page_after_a_submission_says_the_same_whatever_the_address(world, acme):
    """An account, a colleague's verified address, a new one: the page never tells which."""

    def submitted_page(email: str) -> str:
        csrf = page_of(world.get(FORM)).select_one("input[name=csrf_token]")["value"]
        typed = {"name": "Someone", "email": email, "subject": "Hi", "message": "Hello"}
        sent = world.post(FORM, data={**typed, "csrf_token": csrf})
        assert sent.status_code == 303
        page = world.get(sent.headers["Location"])
        ref = page_text(page_of(page).select_one(".ticket-ref"))
        return page.get_data(as_text=True).replace(ref, "REF")

    pages = {submitted_page(e) for e in ("ann@acme.example", "cy@acme.example", "new@acme.example")}
    assert len(pages) == 1
    assert "Check your mail: we are sending a link to the address you gave." in pages.pop()
