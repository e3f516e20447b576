"""The ticket page's properties panel (saved against the version, the stale-save choice
between two sessions, what is refused) and its SLA panel."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support.world import World
from tests.ticketapi.agent.pages import (
    EVERYTHING,
    form_values,
    fresh,
    page_text,
    signed_in,
    ticket_path,
    with_password,
)
from tests.ticketapi.portal.pages import page_of, text_of
from ticketapi.extensions import db
from ticketapi.slas.models import Sla, TicketSla


def test_the_properties_are_saved(world, ticket_desk):
    page = world.get(ticket_path(ticket_desk["ticket"]))
    data = form_values(page, "form.properties")
    data.update(
        status="pending", team_id=str(ticket_desk["team"].id), urgency="8", labels="VIP, printer"
    )
    response = world.post(ticket_path(ticket_desk["ticket"], "/properties"), data=data)
    assert response.status_code == 303
    ticket = fresh(ticket_desk["ticket"])
    assert (ticket.status, ticket.team_id, ticket.urgency) == ("pending", ticket_desk["team"].id, 8)
    assert ticket.labels == ["printer", "vip"]
    history = page_text(world.get(ticket_path(ticket_desk["ticket"])))
    assert "Status: Awaiting agent → Pending" in history and "Team: none → Support" in history


def test_the_properties_save_answers_json_to_the_script(world, ticket_desk):
    page = world.get(ticket_path(ticket_desk["ticket"]))
    data = {**form_values(page, "form.properties"), "urgency": "2"}
    response = world.post(
        ticket_path(ticket_desk["ticket"], "/properties"),
        data=data,
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200
    assert (
        response.json["version"]
        == fresh(ticket_desk["ticket"]).version
        == ticket_desk["ticket"].version
    )


def test_bad_urgency_is_refused(world, ticket_desk):
    page = world.get(ticket_path(ticket_desk["ticket"]))
    data = {**form_values(page, "form.properties"), "urgency": "99"}
    response = world.post(ticket_path(ticket_desk["ticket"], "/properties"), data=data)
    assert response.status_code == 400 and "1 to 10" in page_text(response)
    assert fresh(ticket_desk["ticket"]).urgency == 5


@pytest.mark.parametrize("value", ["abc", "-1", "99999999999", "1e3"])
def test_a_bad_agent_or_team_is_refused(world, ticket_desk, value):
    page = world.get(ticket_path(ticket_desk["ticket"]))
    data = {**form_values(page, "form.properties"), "team_id": value}
    response = world.post(ticket_path(ticket_desk["ticket"], "/properties"), data=data)
    assert response.status_code == 400 and "Choose from the list." in page_text(response)
    assert fresh(ticket_desk["ticket"]).version == ticket_desk["ticket"].version


def test_a_stale_save_shows_what_changed_and_the_choice(world, app, ticket_desk):
    """Two sessions: Sam changes the urgency while Dana has the page open."""
    sam_world = World(app.test_client())
    sam = with_password(world.agent("Sam", permissions=EVERYTHING, teams=[ticket_desk["team"]]))
    signed_in(sam_world, sam)
    dana_page = world.get(ticket_path(ticket_desk["ticket"]))
    sam_page = sam_world.get(ticket_path(ticket_desk["ticket"]))
    theirs = {**form_values(sam_page, "form.properties"), "urgency": "9"}
    assert (
        sam_world.post(ticket_path(ticket_desk["ticket"], "/properties"), data=theirs).status_code
        == 303
    )
    mine = {**form_values(dana_page, "form.properties"), "status": "pending"}
    response = world.post(ticket_path(ticket_desk["ticket"], "/properties"), data=mine)
    assert response.status_code == 409
    choice = page_of(response).select_one(".stale-choice")
    assert "Sam · Urgency: 5 → 9" in text_of(choice.select_one(".changes-theirs"))
    assert text_of(choice.select_one(".changes-mine")) == "Status: Pending"
    ticket = fresh(ticket_desk["ticket"])
    assert (ticket.status, ticket.urgency) == ("awaiting_agent", 9)  # nothing of mine applied
    anyway = form_values(response, ".stale-choice form")
    assert (
        world.post(ticket_path(ticket_desk["ticket"], "/properties"), data=anyway).status_code
        == 303
    )
    ticket = fresh(ticket_desk["ticket"])
    assert (ticket.status, ticket.urgency) == ("pending", 9)  # mine, and theirs kept
    keep = page_of(response).select_one(".stale-choice a")
    assert text_of(keep) == "Keep theirs" and keep["href"] == ticket_path(ticket_desk["ticket"])


def test_the_sla_panel_shows_each_clock(world, ticket_desk):
    first = Sla(name="First reply", type="first_response", target_minutes=60)
    done = Sla(name="Resolution", type="resolution", target_minutes=600)
    db.session.add_all([first, done])
    db.session.flush()
    db.session.add_all(
        [
            TicketSla(
                ticket_id=ticket_desk["ticket"].id,
                sla_id=first.id,
                state="warning",
                due_at=world.now + timedelta(minutes=50),
                running_since=world.now,
            ),
            TicketSla(
                ticket_id=ticket_desk["ticket"].id,
                sla_id=done.id,
                state="done",
                due_at=world.now,
                completed_at=world.now - timedelta(hours=1),
            ),
        ]
    )
    db.session.commit()
    clocks = page_of(world.get(ticket_path(ticket_desk["ticket"]))).select(".sla-panel .sla-clock")
    assert [text_of(c.select_one(".sla-name")) for c in clocks] == ["First reply", "Resolution"]
    assert "At risk" in text_of(clocks[0]) and "min left" in text_of(clocks[0])
    assert "Met" in text_of(clocks[1])
