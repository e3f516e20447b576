"""The ticket page's side panels: CC'd users and followers, merging, linked tasks, and
presence between two agents."""

from __future__ import annotations

from tests.support.world import World
from tests.ticketapi.agent.pages import (
    EVERYTHING,
    csrf_of,
    form_values,
    fresh,
    page_text,
    signed_in,
    ticket_path,
    with_password,
)
from tests.ticketapi.portal.pages import page_of, text_of
from ticketapi.extensions import db
from ticketapi.tickets import services as tickets


def test_cc_and_followers_are_added_and_removed(world, ticket_desk):
    token = csrf_of(world.get(ticket_path(ticket_desk["ticket"])))
    response = world.post(
        ticket_path(ticket_desk["ticket"], "/cc"),
        data={"csrf_token": token, "email": "bo@x.example"},
    )
    assert response.status_code == 303
    (cc,) = fresh(ticket_desk["ticket"]).cc
    assert "bo@x.example" in page_text(world.get(ticket_path(ticket_desk["ticket"])))
    assert (
        world.post(
            ticket_path(ticket_desk["ticket"], f"/cc/{cc.id}/remove"), data={"csrf_token": token}
        ).status_code
        == 303
    )
    assert fresh(ticket_desk["ticket"]).cc == []
    assert (
        world.post(
            ticket_path(ticket_desk["ticket"], "/followers"), data={"csrf_token": token}
        ).status_code
        == 303
    )
    assert fresh(ticket_desk["ticket"]).follower_ids == [ticket_desk["dana"].id]
    html = page_of(world.get(ticket_path(ticket_desk["ticket"])))
    assert html.select_one("#people button", string="Stop following") is not None
    path = ticket_path(ticket_desk["ticket"], f"/followers/{ticket_desk['dana'].id}/remove")
    assert world.post(path, data={"csrf_token": token}).status_code == 303
    assert fresh(ticket_desk["ticket"]).follower_ids == []


def test_a_bad_cc_address_is_told(world, ticket_desk):
    token = csrf_of(world.get(ticket_path(ticket_desk["ticket"])))
    response = world.post(
        ticket_path(ticket_desk["ticket"], "/cc"),
        data={"csrf_token": token, "email": "ann@acme.example"},
    )
    assert response.status_code == 303
    assert "requester" in page_text(world.get(ticket_path(ticket_desk["ticket"]))).lower()
    assert fresh(ticket_desk["ticket"]).cc == []


def test_merge_into_another_ticket_by_ref(world, ticket_desk):
    other = tickets.open_ticket(
        ticket_desk["admin"],
        {"user_id": ticket_desk["ann"].id, "subject": "Printer still hot", "message": "Hi"},
        now=world.now,
    )
    db.session.commit()
    token = csrf_of(world.get(ticket_path(ticket_desk["ticket"])))
    response = world.post(
        ticket_path(ticket_desk["ticket"], "/merge"),
        data={"csrf_token": token, "into": other.ref.lower()},
    )
    assert response.status_code == 303 and response.headers["Location"].endswith(ticket_path(other))
    assert fresh(ticket_desk["ticket"]).merged_into_id == other.id
    response = world.post(
        ticket_path(other, "/merge"), data={"csrf_token": token, "into": "NOPE-NOPE"}
    )
    assert "There is no ticket NOPE-NOPE" in page_text(world.get(response.headers["Location"]))


def test_a_task_added_on_the_ticket_page_is_linked_and_listed(world, ticket_desk):
    page = world.get(ticket_path(ticket_desk["ticket"]))
    data = {**form_values(page, "form.task-form"), "title": "Call facilities about the printer"}
    answer = world.post(ticket_path(ticket_desk["ticket"], "/tasks"), data=data)
    assert answer.status_code == 303
    assert answer.headers["Location"] == ticket_path(ticket_desk["ticket"])
    listed = page_of(world.get(ticket_path(ticket_desk["ticket"]))).select_one(".task-list")
    assert "Call facilities about the printer" in text_of(listed)


def test_presence_is_seen_by_a_second_agent(world, app, ticket_desk):
    sam_world = World(app.test_client())
    sam = with_password(world.agent("Sam", permissions=EVERYTHING, teams=[ticket_desk["team"]]))
    signed_in(sam_world, sam)
    token = csrf_of(world.get(ticket_path(ticket_desk["ticket"])))
    answer = world.post(
        ticket_path(ticket_desk["ticket"], "/presence"),
        data={"csrf_token": token, "state": "replying"},
    )
    assert answer.status_code == 200 and answer.json["others"] == []
    sam_token = csrf_of(sam_world.get(ticket_path(ticket_desk["ticket"])))
    answer = sam_world.post(
        ticket_path(ticket_desk["ticket"], "/presence"), data={"csrf_token": sam_token}
    )
    assert answer.json["others"] == [{"name": "Dana", "state": "replying"}]
    assert "Dana is replying" in page_text(sam_world.get(ticket_path(ticket_desk["ticket"])))
    assert "Sam is viewing" in page_text(world.get(ticket_path(ticket_desk["ticket"])))


def test_presence_needs_the_forms_token(world, ticket_desk):
    response = world.post(
        ticket_path(ticket_desk["ticket"], "/presence"), data={"state": "viewing"}
    )
    assert response.status_code == 400
