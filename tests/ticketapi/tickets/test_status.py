"""SPEC §6 status rules, table-driven: the pure rules, then through the API."""

from __future__ import annotations

import pytest

from ticketapi.tickets.status import Happening, Status, StatusRuleError, next_status

A, U, P, R = Status.AWAITING_AGENT, Status.AWAITING_USER, Status.PENDING, Status.RESOLVED
EVERY = (A, U, P, R)


@pytest.mark.parametrize(
    ("current", "happening", "requested", "expected"),
    [
        (None, Happening.OPENED, None, A),
        # A user's reply makes it awaiting_agent from anywhere; from resolved it reopens it.
        *[(s, Happening.USER_REPLIED, None, A) for s in EVERY],
        # An agent's public reply makes it awaiting_user, or the status sent with it.
        *[(s, Happening.AGENT_REPLIED, None, U) for s in EVERY],
        *[(s, Happening.AGENT_REPLIED, P, P) for s in EVERY],
        *[(s, Happening.AGENT_REPLIED, R, R) for s in EVERY],
        # Internal notes change nothing.
        *[(s, Happening.NOTE_ADDED, None, s) for s in EVERY],
        # Agents may set any status.
        *[(s, Happening.AGENT_SET_STATUS, t, t) for s in EVERY for t in EVERY],
    ],
)
def test_next_status(current, happening, requested, expected):
    assert next_status(current, happening, requested) is expected


@pytest.mark.parametrize(
    ("current", "happening", "requested"),
    [
        (U, Happening.AGENT_REPLIED, A),
        (None, Happening.NOTE_ADDED, None),
        (A, Happening.AGENT_SET_STATUS, None),
    ],
)
def test_refused_transitions(current, happening, requested):
    with pytest.raises(StatusRuleError):
        next_status(current, happening, requested)


def open_ticket(world) -> int:
    response = world.post(
        "/api/v1/tickets",
        json={
            "name": "Ann",
            "email": "ann@users.example",
            "subject": "Kayak leaks",
            "message": "Help",
        },
    )
    assert response.status_code == 201, response.json
    assert response.json["status"] == "awaiting_agent"
    return response.json["id"]


def status_of(world, who, ticket_id) -> str:
    return world.get(f"/api/v1/tickets/{ticket_id}", who).json["status"]


def set_status(world, who, ticket_id, status):
    version = world.get(f"/api/v1/tickets/{ticket_id}", who).json["version"]
    response = world.patch(
        f"/api/v1/tickets/{ticket_id}", who, json={"status": status, "version": version}
    )
    assert response.status_code == 200, response.json


@pytest.mark.parametrize("start", [s.value for s in EVERY])
@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("user_reply", "awaiting_agent"),
        ("agent_reply", "awaiting_user"),
        ("agent_reply_resolve", "resolved"),
        ("agent_reply_pending", "pending"),
        ("note", None),  # unchanged
    ],
)
def test_transitions_through_the_api(world, start, action, expected):
    agent = world.agent("Sam", permissions=["tickets.reply", "tickets.edit"])
    user = world.user("Ann", email="ann@users.example")
    ticket_id = open_ticket(world)
    set_status(world, agent, ticket_id, start)
    body = {"body": "Hello"}
    who = agent
    if action == "user_reply":
        who = user
    elif action == "agent_reply_resolve":
        body["status"] = "resolved"
    elif action == "agent_reply_pending":
        body["status"] = "pending"
    elif action == "note":
        body["note"] = True
    response = world.post(f"/api/v1/tickets/{ticket_id}/messages", who, json=body)
    assert response.status_code == 201, response.json
    assert status_of(world, agent, ticket_id) == (expected or start)


def test_reply_cannot_ask_for_awaiting_agent(world):
    agent = world.agent("Sam", permissions=["tickets.reply", "tickets.edit"])
    ticket_id = open_ticket(world)
    response = world.post(
        f"/api/v1/tickets/{ticket_id}/messages",
        agent,
        json={"body": "Hi", "status": "awaiting_agent"},
    )
    assert response.status_code == 422
    assert "note" in response.json["error"]["message"]
    assert status_of(world, agent, ticket_id) == "awaiting_agent"


def test_history_records_each_status_change(world):
    agent = world.agent("Sam", permissions=["tickets.reply", "tickets.edit"])
    ticket_id = open_ticket(world)
    world.post(f"/api/v1/tickets/{ticket_id}/messages", agent, json={"body": "On it"})
    set_status(world, agent, ticket_id, "pending")
    events = world.get(f"/api/v1/tickets/{ticket_id}/history", agent).json["items"]
    changes = [(e["data"]["old"], e["data"]["new"]) for e in events if e["kind"] == "status"]
    assert changes == [("awaiting_agent", "awaiting_user"), ("awaiting_user", "pending")]
    assert {e["actor"]["name"] for e in events if e["kind"] == "status"} == {"Sam"}
