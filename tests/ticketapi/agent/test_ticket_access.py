"""Who may do what on the ticket page: every form refuses a post without its token, an agent
without permissions sees no forbidden action and cannot post one, a ticket out of sight is
not found, a signed-out visitor is sent to sign in."""

from __future__ import annotations

import pytest

from tests.support.world import World
from tests.ticketapi.agent.pages import (
    EVERYTHING,
    csrf_of,
    fresh,
    messages_of,
    signed_in,
    ticket_path,
    with_password,
)
from tests.ticketapi.portal.pages import page_of, text_of
from ticketapi.extensions import db
from ticketapi.tickets import services as tickets

FORMS = [
    "/messages",
    "/preview",
    "/properties",
    "/cc",
    "/cc/1/remove",
    "/followers",
    "/followers/1/remove",
    "/merge",
    "/presence",
]


@pytest.mark.parametrize("tail", FORMS)
def test_every_form_refuses_a_post_without_the_token(world, ticket_desk, tail):
    before = fresh(ticket_desk["ticket"]).version
    response = world.post(
        ticket_path(ticket_desk["ticket"], tail), data={"body": "x", "status": "resolved"}
    )
    assert response.status_code == 400
    assert fresh(ticket_desk["ticket"]).version == before


@pytest.fixture
def reader(world, app, ticket_desk):
    """Lee may see the team's tickets and nothing more: no reply, edit, assign or merge."""
    lee = with_password(world.agent("Lee", permissions=[], teams=[ticket_desk["team"]]))
    tickets.update_ticket(
        ticket_desk["admin"],
        ticket_desk["ticket"].id,
        {"team_id": ticket_desk["team"].id},
        version=ticket_desk["ticket"].version,
        now=world.now,
    )
    db.session.commit()
    lee_world = World(app.test_client())
    signed_in(lee_world, lee)
    return lee_world


def test_an_agent_without_permissions_sees_no_forbidden_action(reader, ticket_desk):
    response = reader.get(ticket_path(ticket_desk["ticket"]))
    assert response.status_code == 200
    html = page_of(response)
    for selector in (
        "form.reply-box",
        "form.properties",
        "#merge",
        'form[action$="/cc"]',
        "#follower-agent",
    ):
        assert html.select_one(selector) is None, selector
    assert "Awaiting agent" in text_of(html.select_one(".side-pane .facts"))


@pytest.mark.parametrize(
    "tail, data",
    [
        ("/messages", {"body": "Hi", "kind": "reply"}),
        ("/messages", {"body": "Hi", "kind": "note"}),
        ("/properties", {"status": "resolved", "seen_status": "awaiting_agent"}),
        ("/properties", {"agent_id": "1", "seen_agent_id": ""}),
        ("/cc", {"email": "bo@x.example"}),
        ("/merge", {"into": "ABCD-EFGH"}),
    ],
)
def test_direct_posts_without_the_permission_are_refused(reader, ticket_desk, tail, data):
    token = csrf_of(reader.get(ticket_path(ticket_desk["ticket"])))
    before = fresh(ticket_desk["ticket"])
    version, count = before.version, len(messages_of(ticket_desk["ticket"]))
    form = {"csrf_token": token, "version": str(version), "seen": "0", **data}
    response = reader.post(ticket_path(ticket_desk["ticket"], tail), data=form)
    assert response.status_code == 403
    assert fresh(ticket_desk["ticket"]).version == version
    assert len(messages_of(ticket_desk["ticket"])) == count
    assert fresh(ticket_desk["ticket"]).cc == []


def test_a_ticket_the_agent_may_not_see_is_not_found(world, app, ticket_desk):
    billing = world.team("Billing")
    tickets.update_ticket(
        ticket_desk["admin"],
        ticket_desk["ticket"].id,
        {"team_id": billing.id},
        version=ticket_desk["ticket"].version,
        now=world.now,
    )
    db.session.commit()
    kim = with_password(world.agent("Kim", permissions=EVERYTHING))
    kim_world = World(app.test_client())
    signed_in(kim_world, kim)
    assert kim_world.get(ticket_path(ticket_desk["ticket"])).status_code == 404
    assert kim_world.get("/agent/tickets/99999999999").status_code == 404


def test_a_signed_out_visitor_is_sent_to_sign_in(app, ticket_desk):
    visitor = app.test_client()
    response = visitor.get(ticket_path(ticket_desk["ticket"]))
    assert response.status_code == 303 and "/agent/login" in response.headers["Location"]
