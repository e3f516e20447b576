"""/agent/tickets/new: an agent opens a ticket for a user they find, or for a new address."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.ticketapi.agent.pages import (
    csrf_of,
    form_page,
    page_text,
    problem_of,
    signed_in,
    with_password,
)
from tests.ticketapi.portal.pages import HOSTILE, page_of, text_of
from ticketapi.extensions import db
from ticketapi.people.models import User
from ticketapi.tickets.models import Message, Ticket

FORM = "/agent/tickets/new"
EDITOR = ["tickets.reply", "tickets.edit", "tickets.assign"]


@pytest.fixture
def meg(world):
    """An agent who may open tickets for users and assign them."""
    team = world.team("Support")
    return with_password(world.agent("Meg", permissions=EDITOR, teams=[team]))


@pytest.fixture
def ann(world):
    return world.user("Ann Lee", email="ann@acme.example").row


def counts() -> tuple[int, int, int]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (User, Ticket, Message)
    )


def send(world, **fields):
    data = {"csrf_token": form_page(world, FORM), "subject": "Printer jam", "message": "It jams."}
    return world.post(FORM, data={**data, **fields})


def opened(response) -> Ticket:
    assert response.status_code == 303, page_text(response)
    location = response.headers["Location"]
    assert location.startswith("/agent/tickets/")
    ticket = db.session.get(Ticket, int(location.rsplit("/", 1)[1]))
    assert ticket is not None
    return ticket


def messages_of(ticket: Ticket) -> list[Message]:
    return list(db.session.scalars(select(Message).where(Message.ticket_id == ticket.id)))


def test_finding_an_existing_user_and_opening_a_ticket_for_them(world, meg, ann):
    signed_in(world, meg)
    home = page_of(world.get("/agent/"))
    assert ("New ticket", FORM) in [(text_of(a), a["href"]) for a in home.select(".sidebar a")]
    html = page_of(world.get(FORM + "?find=ACME"))
    choices = [text_of(label) for label in html.select("#requester-choices label")]
    assert choices[0] == "Ann Lee <ann@acme.example>"
    assert html.select_one(f"input[name=requester][value='{ann.id}']").has_attr("checked")
    support = meg.row.teams[0]
    ticket = opened(
        send(
            world,
            requester=str(ann.id),
            cc="bob@acme.example, ANN@acme.example, bob@acme.example",
            subject="  Printer jam  ",
            message="It **jams**.",
            team_id=str(support.id),
            agent_id=str(meg.id),
            status="pending",
            urgency="8",
            labels="hardware, Floor 2",
        )
    )
    assert (ticket.user_id, ticket.subject, ticket.source) == (ann.id, "Printer jam", "agent")
    assert sorted(u.email for u in ticket.cc) == ["ann@acme.example", "bob@acme.example"]
    assert (ticket.team_id, ticket.agent_id, ticket.status, ticket.urgency) == (
        support.id,
        meg.id,
        "pending",
        8,
    )
    assert ticket.labels == ["floor 2", "hardware"]
    [message] = messages_of(ticket)
    assert (message.note, message.author_user_id, message.body) == (False, ann.id, "It **jams**.")


def test_a_new_user_by_address_with_a_first_note(world, meg):
    signed_in(world, meg)
    before = counts()
    ticket = opened(send(world, requester="new", email=" Zoe@Example.org ", name="", entry="note"))
    zoe = db.session.get(User, ticket.user_id)
    assert (zoe.email, zoe.name) == ("zoe@example.org", "Zoe@Example.org")  # as the API does
    [message] = messages_of(ticket)
    assert (message.note, message.author_agent_id, message.author_user_id) == (True, meg.id, None)
    assert counts() == (before[0] + 1, before[1] + 1, before[2] + 1)
    assert ticket.status == "awaiting_agent"


def test_a_known_address_typed_as_new_is_that_user(world, meg, ann):
    signed_in(world, meg)
    before = counts()
    ticket = opened(send(world, requester="new", email="ann@acme.example", name="Someone Else"))
    assert ticket.user_id == ann.id and db.session.get(User, ann.id).name == "Ann Lee"
    assert counts()[0] == before[0]


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"requester": "new", "email": ""}, "email"),
        ({"requester": "new", "email": "not an address"}, "email"),
        ({"requester": "abc"}, "requester"),
        ({"requester": "new", "email": "a@b.example", "cc": "bob@acme.example, nope"}, "cc"),
        ({"requester": "new", "email": "a@b.example", "subject": "   "}, "subject"),
        ({"requester": "new", "email": "a@b.example", "subject": "x" * 301}, "subject"),
        ({"requester": "new", "email": "a@b.example", "subject": "two\nlines"}, "subject"),
        ({"requester": "new", "email": "a@b.example", "message": "  "}, "message"),
        ({"requester": "new", "email": "a@b.example", "urgency": "11"}, "urgency"),
        ({"requester": "new", "email": "a@b.example", "status": "closed"}, "status"),
        ({"requester": "new", "email": "a@b.example", "team_id": "x"}, "team_id"),
        ({"requester": "new", "email": "a@b.example", "team_id": "99999"}, "team_id"),
        ({"requester": "new", "email": "a@b.example", "agent_id": "99999"}, "agent_id"),
        ({"requester": "new", "email": "a@b.example", "labels": "x" * 51}, "labels"),
        ({"requester": "99999"}, "requester"),
    ],
)
def test_bad_input_is_named_by_field_and_nothing_is_written(world, meg, fields, named):
    signed_in(world, meg)
    before = counts()
    response = send(world, **fields)
    assert response.status_code == 422, (response.status_code, page_text(response))
    html = page_of(response)
    assert html.select_one(f"#ticket-{named}-error") is not None, page_text(response)
    assert problem_of(response)
    assert counts() == before  # no user, CC or ticket half-made
    # What was typed comes back.
    if fields.get("email"):
        assert html.select_one("#ticket-email")["value"] == fields["email"]


def test_an_agent_without_tickets_edit_neither_sees_nor_posts_it(world, dana):
    signed_in(world, dana)
    home = page_of(world.get("/agent/"))
    assert "New ticket" not in [text_of(a) for a in home.select(".sidebar a")]
    assert world.get(FORM).status_code == 403
    assert world.get(FORM + "/people?find=a").status_code == 403
    token = csrf_of(world.get("/agent/"))
    before = counts()
    response = world.post(
        FORM,
        data={
            "csrf_token": token,
            "requester": "new",
            "email": "x@y.example",
            "subject": "S",
            "message": "M",
        },
    )
    assert response.status_code == 403
    assert counts() == before


def test_choosing_an_assignee_needs_tickets_assign_and_refusal_undoes_the_new_user(world):
    team = world.team("Support")
    lee = with_password(world.agent("Lee", permissions=["tickets.edit"], teams=[team]))
    signed_in(world, lee)
    html = page_of(world.get(FORM))
    assert (
        html.select_one("#ticket-team_id") is None and html.select_one("#ticket-agent_id") is None
    )
    before = counts()
    response = send(world, requester="new", email="new@x.example", team_id=str(team.id))
    assert response.status_code == 403
    assert counts() == before  # the new user went with the refused ticket


def test_the_form_needs_its_csrf_token(world, meg):
    signed_in(world, meg)
    before = counts()
    data = {"requester": "new", "email": "x@y.example", "subject": "S", "message": "M"}
    assert world.post(FORM, data=data).status_code == 400
    assert world.post(FORM, data={**data, "csrf_token": "forged"}).status_code == 400
    assert counts() == before


def test_the_people_search_answers_json_and_treats_wildcards_as_text(world, meg, ann):
    world.user("Bob_Smith", email="bob@other.example")
    signed_in(world, meg)
    found = world.get(FORM + "/people?find=lee").get_json()
    assert found == [{"id": ann.id, "name": "Ann Lee", "email": "ann@acme.example"}]
    assert world.get(FORM + "/people?find=%25").get_json() == []
    assert [u["email"] for u in world.get(FORM + "/people?find=b_s").get_json()] == [
        "bob@other.example"
    ]
    assert [u["email"] for u in world.get(FORM + "/people?find=x_s").get_json()] == []


def test_a_hostile_user_name_is_shown_as_text(world, meg):
    world.user(HOSTILE, email="evil@example.org")
    signed_in(world, meg)
    response = world.get(FORM + "?find=evil")
    assert HOSTILE not in response.get_data(as_text=True)
    assert HOSTILE in page_text(response)


def test_signed_out_visitors_get_the_sign_in_page(world):
    response = world.get(FORM)
    assert response.status_code == 303 and response.headers["Location"].startswith("/agent/login")
