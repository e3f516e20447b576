"""Every permission, one row each: the same request with and without it.

A new permission fails `test_every_permission_has_a_row` until it gets a row here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from ticketapi.extensions import db
from ticketapi.people.models import Usergroup
from ticketapi.permissions import AGENT_PERMISSIONS, PORTAL_PERMISSIONS


@dataclass
class Setting:
    """Things that exist before the request: an unassigned ticket, one of another agent's…"""

    ticket: int
    other_ticket: int
    assigned_elsewhere: int
    suggestion: int
    others_task: int
    user_organization: object


@pytest.fixture
def setting(world) -> Setting:
    admin = world.admin()
    org = world.organization("Acme")
    ann = world.user("Ann", email="ann@acme.example", organization=org)

    def open_ticket(subject: str) -> int:
        response = world.post("/api/v1/tickets", ann, json={"subject": subject, "message": "M"})
        return response.json["id"]

    ticket, other, elsewhere = open_ticket("One"), open_ticket("Two"), open_ticket("Three")
    other_agent = world.agent("Other")
    world.patch(
        f"/api/v1/tickets/{elsewhere}", admin, json={"agent_id": other_agent.id, "version": 1}
    )
    suggestion = world.post("/api/v1/suggestions", ann, json={"title": "Dark mode"}).json["id"]
    task = world.post("/api/v1/tasks", other_agent, json={"title": "Call Ann back"}).json["id"]
    return Setting(ticket, other, elsewhere, suggestion, task, org)


# permission: (method, url, body, code with it, code without it)
AGENT_ROWS = {
    "tickets.view_all": ("GET", "/api/v1/tickets/{assigned_elsewhere}", None, 200, 404),
    "tickets.reply": ("POST", "/api/v1/tickets/{ticket}/messages", {"body": "Hi"}, 201, 403),
    "tickets.edit": ("PATCH", "/api/v1/tickets/{ticket}", {"subject": "New", "version": 1}, 200, 403),
    "tickets.assign": ("PATCH", "/api/v1/tickets/{ticket}", {"team_id": None, "agent_id": "{me}", "version": 1}, 200, 403),
    "tickets.merge": ("POST", "/api/v1/tickets/{ticket}/merge", {"into_id": "{other_ticket}"}, 200, 403),
    "tickets.delete": ("DELETE", "/api/v1/tickets/{ticket}", None, 204, 403),
    "crm.edit": ("POST", "/api/v1/users", {"email": "new@users.example", "name": "New"}, 201, 403),
    "community.moderate": ("PATCH", "/api/v1/suggestions/{suggestion}", {"status": "planned"}, 200, 403),
    "snippets.manage": ("POST", "/api/v1/snippets", {"title": "Hi", "body": "Hello", "shared": True}, 201, 403),
    "tasks.manage": ("GET", "/api/v1/tasks/{others_task}", None, 200, 404),
    "reports.view": ("GET", "/api/v1/search/deflections", None, 200, 403),
}  # fmt: skip


def fill(value, setting: Setting, me_id: int):
    if isinstance(value, dict):
        return {key: fill(item, setting, me_id) for key, item in value.items()}
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        name = value[1:-1]
        return me_id if name == "me" else getattr(setting, name)
    if isinstance(value, str):
        return value.format(**{k: v for k, v in vars(setting).items() if isinstance(v, int)})
    return value


def test_every_permission_has_a_row():
    assert set(AGENT_ROWS) == set(AGENT_PERMISSIONS)
    assert set(PORTAL_ROWS) == set(PORTAL_PERMISSIONS)


@pytest.mark.parametrize("granted", [True, False], ids=["with", "without"])
@pytest.mark.parametrize("permission", AGENT_ROWS)
def test_agent_permission(world, setting, permission, granted):
    method, url, body, allowed, refused = AGENT_ROWS[permission]
    agent = world.agent("Tester", permissions=[permission] if granted else [])
    kwargs = {} if body is None else {"json": fill(body, setting, agent.id)}
    response = world.call(method, fill(url, setting, agent.id), agent, **kwargs)
    assert response.status_code == (allowed if granted else refused), response.json


# permission: (method, url, body, code with it, code without it)
PORTAL_ROWS = {
    "tickets.submit": ("POST", "/api/v1/tickets", {"subject": "S", "message": "M"}, 201, 403),
    "tickets.view_organization": ("GET", "/api/v1/tickets/{ticket}", None, 200, 404),
    "community.view": ("GET", "/api/v1/suggestions/{suggestion}", None, 200, 403),
    "community.suggest": ("POST", "/api/v1/suggestions", {"title": "Linux client"}, 201, 403),
    "community.vote": ("POST", "/api/v1/suggestions/{suggestion}/votes", None, 200, 403),
    "community.comment": ("POST", "/api/v1/suggestions/{suggestion}/comments", {"body": "+1"}, 201, 403),
}  # fmt: skip


COMMUNITY_ACTIONS = {"community.suggest", "community.vote", "community.comment"}


@pytest.mark.parametrize("granted", [True, False], ids=["with", "without"])
@pytest.mark.parametrize("permission", PORTAL_ROWS)
def test_portal_permission(world, setting, permission, granted):
    """A colleague of the requester, whose only usergroup grants the permission or not."""
    for group in db.session.scalars(db.select(Usergroup).where(Usergroup.system_key.is_not(None))):
        group.permissions = []
    db.session.commit()
    # Acting on a suggestion needs seeing it, so those rows hold community.view either way.
    base = ["community.view"] if permission in COMMUNITY_ACTIONS else []
    given = sorted({*base, permission}) if granted else base
    groups = [world.usergroup("Testers", given)] if given else []
    user = world.user(
        "Bo", email="bo@acme.example", organization=setting.user_organization, usergroups=groups
    )
    method, url, body, allowed, refused = PORTAL_ROWS[permission]
    kwargs = {} if body is None else {"json": fill(body, setting, user.id)}
    response = world.call(method, fill(url, setting, user.id), user, **kwargs)
    assert response.status_code == (allowed if granted else refused), response.json
