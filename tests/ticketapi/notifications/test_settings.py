"""Each agent chooses their notifications; admins may change anyone's."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select

from ticketapi.extensions import db
from ticketapi.notifications.models import PREFERENCES, NotificationSettings
from ticketapi.people.models import Agent

ALL_ON = dict.fromkeys(PREFERENCES, True)


def test_an_agent_gets_every_notification_until_they_choose(world):
    sam = world.agent("Sam")
    response = world.get("/api/v1/agents/me/notifications", sam)
    assert response.status_code == 200
    assert response.json == {"agent_id": sam.id, **ALL_ON}


def test_a_change_names_only_what_changes(world):
    sam = world.agent("Sam")
    first = world.patch("/api/v1/agents/me/notifications", sam, json={"user_reply": False})
    assert first.status_code == 200, first.json
    second = world.patch("/api/v1/agents/me/notifications", sam, json={"sla_warning": False})
    expected = {"agent_id": sam.id, **ALL_ON, "user_reply": False, "sla_warning": False}
    assert second.json == expected
    assert world.get("/api/v1/agents/me/notifications", sam).json == expected
    assert world.get(f"/api/v1/agents/{sam.id}/notifications", sam).json == expected


def test_an_agent_changes_their_own_by_id(world):
    sam = world.agent("Sam")
    response = world.patch(
        f"/api/v1/agents/{sam.id}/notifications", sam, json={"assigned_to_me": False}
    )
    assert response.status_code == 200
    assert response.json["assigned_to_me"] is False


def test_an_admin_reads_and_changes_another_agents(world):
    admin, sam = world.admin(), world.agent("Sam")
    changed = world.patch(
        f"/api/v1/agents/{sam.id}/notifications", admin, json={"new_ticket_for_team": False}
    )
    assert changed.status_code == 200, changed.json
    assert changed.json == {"agent_id": sam.id, **ALL_ON, "new_ticket_for_team": False}
    assert world.get("/api/v1/agents/me/notifications", sam).json == changed.json
    # The admin's own stay as they were.
    assert world.get("/api/v1/agents/me/notifications", admin).json["new_ticket_for_team"]


def test_another_agent_may_not_read_or_change_them(world):
    sam, kim = world.agent("Sam"), world.agent("Kim", permissions=["tickets.view_all"])
    url = f"/api/v1/agents/{sam.id}/notifications"
    assert world.get(url, kim).status_code == 403
    assert world.patch(url, kim, json={"user_reply": False}).status_code == 403
    assert world.get(url, sam).json["user_reply"] is True


def test_users_and_anonymous_visitors_are_refused(world):
    ann, sam = world.user("Ann"), world.agent("Sam")
    for path in ("/api/v1/agents/me/notifications", f"/api/v1/agents/{sam.id}/notifications"):
        assert world.get(path, ann).status_code == 403
        assert world.patch(path, ann, json={"user_reply": False}).status_code == 403
        assert world.get(path).status_code == 401
        assert world.patch(path, json={"user_reply": False}).status_code == 401


def test_an_unknown_agent_is_not_found(world):
    admin = world.admin()
    assert world.get("/api/v1/agents/999999/notifications", admin).status_code == 404
    assert world.get(f"/api/v1/agents/{2**40}/notifications", admin).status_code == 404
    response = world.patch("/api/v1/agents/999999/notifications", admin, json={"user_reply": True})
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"user_reply": "maybe"}, "user_reply"),
        ({"user_reply": "yes"}, "user_reply"),
        ({"user_reply": 0}, "user_reply"),
        ({"user_reply": None}, "user_reply"),
        ({"sla_failure": [True]}, "sla_failure"),
        ({"assigned_to_me": "\x00"}, "assigned_to_me"),
        ({"mentions": True}, "mentions"),
        ({"agent_id": 5}, "agent_id"),
    ],
)
def test_bad_input_names_the_field(world, body, field):
    sam = world.agent("Sam")
    response = world.patch("/api/v1/agents/me/notifications", sam, json=body)
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]
    assert world.get("/api/v1/agents/me/notifications", sam).json == {"agent_id": sam.id, **ALL_ON}


def test_a_body_that_is_not_an_object_is_refused(world):
    sam = world.agent("Sam")
    response = world.patch("/api/v1/agents/me/notifications", sam, json=[True])
    assert response.status_code == 422


def test_settings_go_with_the_agent(world):
    sam = world.agent("Sam")
    world.patch("/api/v1/agents/me/notifications", sam, json={"user_reply": False})
    assert db.session.get(NotificationSettings, sam.id) is not None
    db.session.execute(delete(Agent).where(Agent.id == sam.id))
    db.session.commit()
    db.session.expire_all()
    assert db.session.scalars(select(NotificationSettings)).all() == []


@pytest.mark.parametrize("body", [{}, None])
def test_a_change_names_a_notification(world, body):
    sam = world.agent("Sam")
    kwargs = {"json": body} if body is not None else {}
    response = world.patch("/api/v1/agents/me/notifications", sam, **kwargs)
    assert response.status_code == 422, response.json
    assert "user_reply" in response.json["error"]["fields"]["_schema"]
