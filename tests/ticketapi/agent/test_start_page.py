"""/agent/: the agent's queues, a page of open tickets, and a ticket's summary beside it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.ticketapi.agent.pages import page_text, signed_in, with_password
from tests.ticketapi.portal.pages import HOSTILE, page_of, text_of
from ticketapi.agent import widgets
from ticketapi.agent.start import PER_PAGE
from ticketapi.extensions import db
from ticketapi.people.models import Team
from ticketapi.people.services import agent_actor
from ticketapi.slas.models import Sla, TicketSla, TicketSlaDue
from ticketapi.tickets import conversation
from ticketapi.tickets import services as tickets
from ticketapi.tickets.models import Ticket


@pytest.fixture
def desk(world, dana):
    """Dana's and Sam's tickets, an unassigned one, one of another team, one resolved."""
    admin = world.admin()
    actor = agent_actor(admin.row)
    ann = world.user("Ann Lee", email="ann@acme.example", organization=world.organization("Acme"))
    billing = world.team("Billing")
    sam = world.agent("Sam", permissions=["tickets.reply"])

    def open_one(subject: str, **changes) -> Ticket:
        ticket = tickets.open_ticket(
            actor,
            {"user_id": ann.id, "subject": subject, "message": "Hello", **changes},
            now=world.now,
        )
        db.session.commit()
        return ticket

    mine = open_one("Printer on fire", agent_id=dana.id, labels=["hardware"])
    open_one("Sam's own ticket", agent_id=sam.id)
    open_one("Nobody has this one")
    open_one("Billing question", team_id=billing.id)
    done = open_one("Solved already", agent_id=dana.id)
    tickets.update_ticket(
        actor, done.id, {"status": "resolved"}, version=done.version, now=world.now
    )
    db.session.commit()
    signed_in(world, dana)
    return {"mine": mine, "admin": actor, "open_one": open_one}


def subjects(response) -> list[str]:
    return [text_of(s) for s in page_of(response).select(".ticket-list .ticket-subject")]


def test_the_start_page_lists_my_open_tickets(world, desk):
    response = world.get("/agent/")
    assert response.status_code == 200
    assert subjects(response) == ["Printer on fire"]
    html = page_of(response)
    row = html.select_one(".ticket-row")
    assert "Ann Lee" in text_of(row) and "Acme" in text_of(row) and "Dana" in text_of(row)
    assert [text_of(b) for b in row.select(".badge")] == ["Awaiting agent", "hardware"]
    current = html.select_one(".sidebar a[aria-current=page]")
    assert text_of(current.select_one(".queue-name")) == "My tickets"
    assert "1 open ticket," in text_of(html.select_one(".pane-count"))


def test_the_sidebar_shows_the_queues_that_exist(world, desk):
    html = page_of(world.get("/agent/"))
    links = [
        (text_of(a.select_one(".queue-name") or a), a["href"]) for a in html.select(".sidebar a")
    ]
    support = db.session.scalar(db.select(Team.id).where(Team.name == "Support"))
    assert links == [
        ("My tickets", "/agent/?queue=mine"),
        ("Unassigned", "/agent/?queue=unassigned"),
        ("Support", f"/agent/?queue=team-{support}"),  # Dana's team; not Billing
        ("Following", "/agent/?queue=following"),
        ("SLA at risk", "/agent/?queue=at-risk"),
        ("Awaiting agent", "/agent/?queue=status-awaiting_agent"),
        ("Awaiting user", "/agent/?queue=status-awaiting_user"),
        ("Pending", "/agent/?queue=status-pending"),
        ("Resolved", "/agent/?queue=status-resolved"),
        ("Tasks", "/agent/tasks"),  # no "New ticket": Dana lacks tickets.edit
        ("Password", "/agent/account/password"),
        ("Two-step sign-in", "/agent/account/two-step"),
    ]
    for _name, href in links:
        assert world.get(href).status_code == 200


def test_the_unassigned_queue_shows_only_what_dana_may_see(world, desk):
    """Dana (no tickets.view_all) sees unassigned tickets, not another team's."""
    response = world.get("/agent/?queue=unassigned")
    assert subjects(response) == ["Nobody has this one"]
    assert "Billing question" not in page_text(response)


def test_an_unknown_queue_or_page_falls_back(world, desk):
    for query in ("?queue=../../etc", "?page=abc", "?page=-1", "?page=99999999999"):
        response = world.get("/agent/" + query)
        assert response.status_code == 200
        assert subjects(response) == ["Printer on fire"]


def test_a_ticket_summary_shows_beside_the_list(world, desk):
    mine = desk["mine"]
    conversation.post_message(
        desk["admin"],
        mine.id,
        body="Checked the fuse.",
        note=True,
        now=world.now + timedelta(minutes=1),
    )
    db.session.commit()
    response = world.get(f"/agent/?queue=mine&ticket={mine.id}")
    html = page_of(response)
    pane = html.select_one(".detail-pane")
    assert text_of(pane.select_one("h2")) == "Printer on fire"
    assert "ann@acme.example" in text_of(pane)
    notes = pane.select(".message.is-note")
    assert len(notes) == 1 and "Checked the fuse." in text_of(notes[0])
    assert html.select_one(".ticket-row.is-selected a")["aria-current"] == "true"


def test_a_ticket_dana_may_not_see_is_not_shown(world, desk):
    hidden = db.session.scalar(db.select(Ticket.id).where(Ticket.subject == "Billing question"))
    response = world.get(f"/agent/?ticket={hidden}")
    assert response.status_code == 200
    assert "Billing question" not in page_text(response)
    assert f"There is no ticket {hidden} that you may see." in page_text(response)
    assert "There is no such ticket." in page_text(world.get("/agent/?ticket=1e9"))


def test_untrusted_text_is_shown_as_text(world, desk, dana):
    desk["open_one"](HOSTILE, agent_id=dana.id, labels=["<b>x</b>"])
    response = world.get("/agent/")
    body = response.get_data(as_text=True)
    assert HOSTILE not in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body
    assert HOSTILE in subjects(response)


def test_long_queues_come_in_pages(world, desk, dana):
    for n in range(PER_PAGE + 2):
        desk["open_one"](f"Bulk {n}", agent_id=dana.id)
    first = world.get("/agent/")
    assert len(subjects(first)) == PER_PAGE
    pager = page_of(first).select_one(".pager")
    assert "Page 1 of 2" in text_of(pager)
    second = world.get(pager.select_one("a")["href"])
    assert len(subjects(second)) == 3
    assert not set(subjects(first)) & set(subjects(second))


def test_the_most_pressing_sla_comes_first_with_time_left(world, desk, dana):
    later = desk["open_one"]("Due later", agent_id=dana.id)
    sooner = desk["open_one"]("Due sooner", agent_id=dana.id)
    sla = Sla(name="First reply", type="first_response", target_minutes=60)
    db.session.add(sla)
    db.session.flush()
    for ticket, hours, state in ((later, 5, "ok"), (sooner, -2, "failed")):
        due = world.now + timedelta(hours=hours)
        db.session.add(
            TicketSla(
                ticket_id=ticket.id, sla_id=sla.id, state=state, due_at=due, running_since=world.now
            )
        )
        db.session.add(TicketSlaDue(ticket_id=ticket.id, due_at=due))
    db.session.commit()
    response = world.get("/agent/")
    assert subjects(response)[:2] == ["Due sooner", "Due later"]
    badges = [text_of(b) for b in page_of(response).select(".badge.sla")]
    assert badges[0].startswith("SLA First reply: overdue 2 h")
    assert badges[1] == "SLA First reply: 4 h 59 min left"  # the page is drawn a moment later


def test_times_in_words():
    assert widgets.in_words(timedelta(seconds=59)) == "0 min"
    assert widgets.in_words(timedelta(minutes=61)) == "1 h 1 min"
    assert widgets.in_words(timedelta(hours=47)) == "47 h"
    assert widgets.in_words(timedelta(hours=50)) == "2 d 2 h"
    assert widgets.in_words(timedelta(minutes=-5)) == "0 min"


def test_an_agent_without_a_password_of_theirs_sees_their_own_start_page(world, desk):
    kim = with_password(world.agent("Kim"))
    world.client = world.client.application.test_client()
    signed_in(world, kim)
    response = world.get("/agent/")
    assert subjects(response) == []
    assert "Nothing open here." in page_text(response)
