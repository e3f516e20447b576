"""/api/v1/settings: agents read the help desk's settings, admins change them; bad input is
named by field; a team that is the default for submissions cannot be deleted."""

from __future__ import annotations

import pytest

from tests.support.world import ANONYMOUS
from ticketapi.extensions import db
from ticketapi.people.models import Team
from ticketapi.tickets.models import Ticket

SETTINGS = "/api/v1/settings"


@pytest.fixture
def admin(world):
    return world.admin("Ada")


@pytest.fixture
def support(world):
    return world.team("Support")


def test_without_a_choice_there_is_no_default_team(world, admin):
    response = world.get(SETTINGS, admin)
    assert response.status_code == 200
    assert response.json == {"default_team_id": None, "updated_at": None}


def test_an_admin_chooses_the_default_team_and_every_agent_reads_it(world, admin, support):
    changed = world.patch(SETTINGS, admin, json={"default_team_id": support.id})
    assert changed.status_code == 200, changed.json
    assert changed.json["default_team_id"] == support.id
    assert changed.json["updated_at"].endswith("Z")
    agent = world.agent("Sam")
    assert world.get(SETTINGS, agent).json["default_team_id"] == support.id
    cleared = world.patch(SETTINGS, admin, json={"default_team_id": None})
    assert cleared.json["default_team_id"] is None
    assert world.get(SETTINGS, agent).json["default_team_id"] is None


@pytest.mark.parametrize(
    ("who", "read", "change"),
    [("anonymous", 401, 401), ("user", 403, 403), ("agent", 200, 403), ("admin", 200, 200)],
)
def test_only_admins_change_the_settings(world, admin, support, who, read, change):
    account = {
        "anonymous": ANONYMOUS,
        "user": world.user("Una"),
        "agent": world.agent("Sam", permissions=["tickets.assign", "crm.edit"]),
        "admin": admin,
    }[who]
    assert world.get(SETTINGS, account).status_code == read
    assert world.patch(SETTINGS, account, json={"default_team_id": support.id}).status_code == (
        change
    )
    expected = support.id if change == 200 else None
    assert world.get(SETTINGS, admin).json["default_team_id"] == expected


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"default_team_id": 999}, "default_team_id"),  # no such team
        ({"default_team_id": "Support"}, "default_team_id"),
        ({"default_team_id": 0}, "default_team_id"),
        ({"default_team_id": 2**40}, "default_team_id"),
        ({"default_team_id": True}, "default_team_id"),
        ({"default_team": 1}, "default_team"),  # a misspelt name is refused, not ignored
        ({}, "_schema"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_changes_nothing(
    world, admin, support, body, field
):
    assert world.patch(SETTINGS, admin, json={"default_team_id": support.id}).status_code == 200
    response = world.patch(SETTINGS, admin, json=body)
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]
    assert world.get(SETTINGS, admin).json["default_team_id"] == support.id


def test_the_default_team_cannot_be_deleted_and_the_answer_names_the_setting(world, admin, support):
    team_id = support.id
    world.patch(SETTINGS, admin, json={"default_team_id": team_id})
    refused = world.delete(f"/api/v1/teams/{team_id}", admin)
    assert refused.status_code == 409
    assert refused.json["error"]["setting"] == "default_team_id"
    assert "default_team_id" in refused.json["error"]["message"]
    assert "/api/v1/settings" in refused.json["error"]["message"]
    assert db.session.get(Team, team_id) is not None
    # Chosen elsewhere, the team can go.
    world.patch(SETTINGS, admin, json={"default_team_id": None})
    assert world.delete(f"/api/v1/teams/{team_id}", admin).status_code == 204
    assert world.get(f"/api/v1/teams/{team_id}", admin).status_code == 404


def test_a_team_with_open_tickets_or_named_by_an_sla_cannot_be_deleted(world, admin, support):
    user = world.user("Una")
    opened = world.post("/api/v1/tickets", user, json={"subject": "S", "message": "M"}).json
    world.patch(
        f"/api/v1/tickets/{opened['id']}", admin, json={"team_id": support.id, "version": 1}
    )
    refused = world.delete(f"/api/v1/teams/{support.id}", admin)
    assert refused.status_code == 409
    assert refused.json["error"]["open_tickets"] == 1
    assert f"team_id={support.id}" in refused.json["error"]["message"]

    world.patch(f"/api/v1/tickets/{opened['id']}", admin, json={"status": "resolved", "version": 2})
    sla = {
        "name": "Support answers fast",
        "type": "first_response",
        "target_minutes": 60,
        "applies_to": {"team_ids": [support.id]},
    }
    assert world.post("/api/v1/slas", admin, json=sla).status_code == 201
    refused = world.delete(f"/api/v1/teams/{support.id}", admin)
    assert refused.status_code == 409
    assert refused.json["error"]["slas"] == ["Support answers fast"]


def test_deleting_a_team_leaves_its_resolved_tickets_and_its_agents(world, admin, support):
    team_id = support.id
    sam = world.agent("Sam", teams=[support])
    user = world.user("Una")
    opened = world.post("/api/v1/tickets", user, json={"subject": "S", "message": "M"}).json
    changes = {"team_id": team_id, "status": "resolved", "version": 1}
    assert world.patch(f"/api/v1/tickets/{opened['id']}", admin, json=changes).status_code == 200
    assert world.delete(f"/api/v1/teams/{team_id}", sam).status_code == 403
    assert world.delete(f"/api/v1/teams/{team_id}", admin).status_code == 204
    db.session.expire_all()
    assert db.session.get(Ticket, opened["id"]).team_id is None
    assert world.get(f"/api/v1/agents/{sam.id}", admin).json["team_ids"] == []
    assert world.delete("/api/v1/teams/999", admin).status_code == 404
