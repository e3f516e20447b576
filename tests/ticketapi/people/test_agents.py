"""Agents, teams and their permissions are the admins' to change."""

from __future__ import annotations


def test_admin_adds_an_agent_with_teams_and_permissions(world):
    admin = world.admin()
    team = world.team("Support")
    response = world.post(
        "/api/v1/agents",
        admin,
        json={
            "email": "Sam@Tidewater.example",
            "name": "Sam",
            "permissions": ["tickets.reply", "tickets.assign"],
            "team_ids": [team.id],
        },
    )
    assert response.status_code == 201, response.json
    assert response.json["email"] == "sam@tidewater.example"
    assert response.json["permissions"] == ["tickets.assign", "tickets.reply"]
    assert response.json["team_ids"] == [team.id]
    assert world.get(f"/api/v1/teams/{team.id}", admin).json["agent_ids"] == [response.json["id"]]


def test_unknown_agent_permission_is_refused(world):
    admin = world.admin()
    response = world.post(
        "/api/v1/agents",
        admin,
        json={"email": "s@t.example", "name": "S", "permissions": ["tickets.everything"]},
    )
    assert response.status_code == 422
    assert "permissions" in response.json["error"]["fields"]


def test_agents_cannot_change_agents_or_teams(world):
    sam = world.agent("Sam", permissions=["crm.edit", "tickets.edit"])
    assert (
        world.post("/api/v1/agents", sam, json={"email": "x@t.example", "name": "X"}).status_code
        == 403
    )
    assert world.patch(f"/api/v1/agents/{sam.id}", sam, json={"is_admin": True}).status_code == 403
    assert world.post("/api/v1/teams", sam, json={"name": "Mine"}).status_code == 403
    assert world.get("/api/v1/agents", sam).status_code == 200


def test_admin_cannot_drop_own_admin_rights(world):
    admin = world.admin()
    response = world.patch(f"/api/v1/agents/{admin.id}", admin, json={"is_admin": False})
    assert response.status_code == 422


def test_deactivated_agent_tokens_stop_working(world):
    admin = world.admin()
    sam = world.agent("Sam")
    assert world.get("/api/v1/auth/me", sam).status_code == 200
    world.patch(f"/api/v1/agents/{sam.id}", admin, json={"active": False})
    assert world.get("/api/v1/auth/me", sam).status_code == 401
