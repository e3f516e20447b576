"""Admins cannot lock everyone out: no change leaves the helpdesk without an active admin."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from tests.support.database import wait_until_blocked_or_done
from ticketapi.errors import Conflict
from ticketapi.extensions import db
from ticketapi.people import staff
from ticketapi.people.models import Agent
from ticketapi.people.services import agent_actor
from ticketapi.timeutil import utcnow

LAST_ADMIN = "That would leave no active admin"


def active_admins() -> list[str]:
    db.session.expire_all()
    query = select(Agent.name).where(Agent.is_admin, Agent.active).order_by(Agent.name)
    return list(db.session.scalars(query))


def test_the_last_admin_cannot_deactivate_themselves(world):
    ada = world.admin("Ada")
    response = world.patch(f"/api/v1/agents/{ada.id}", ada, json={"active": False})
    assert response.status_code == 409, response.json
    assert response.json["error"]["message"].startswith(LAST_ADMIN)
    assert "make another agent an admin first" in response.json["error"]["message"]
    assert active_admins() == ["Ada"]
    assert world.get("/api/v1/auth/me", ada).status_code == 200  # nothing was half done


def test_an_admin_may_leave_while_another_stays(world):
    ada, bo = world.admin("Ada"), world.admin("Bo")
    assert world.patch(f"/api/v1/agents/{ada.id}", ada, json={"active": False}).status_code == 200
    assert active_admins() == ["Bo"]
    refused = world.patch(f"/api/v1/agents/{bo.id}", bo, json={"active": False})
    assert refused.status_code == 409
    assert active_admins() == ["Bo"]


@pytest.mark.parametrize(
    "change",
    [{"active": False}, {"is_admin": False}, {"active": False, "is_admin": False}],
    ids=["deactivate", "demote", "both"],
)
def test_the_last_active_admin_is_kept_whoever_asks(world, change):
    """Ada is the only active admin (Bo's admin account is switched off): an API key acting
    for her, the only way left to reach her account, cannot remove her either."""
    ada, bo = world.admin("Ada"), world.admin("Bo")
    world.patch(f"/api/v1/agents/{bo.id}", ada, json={"active": False})
    key = world.post("/api/v1/api-keys", ada, json={"name": "ops", "agent_id": ada.id}).json
    response = world.patch(
        f"/api/v1/agents/{ada.id}", headers={"Authorization": f"Bearer {key['token']}"}, json=change
    )
    assert response.status_code in (409, 422), response.json  # own demotion: 422, as before
    assert active_admins() == ["Ada"]


def test_demoting_another_admin_is_fine_while_one_remains(world):
    ada, bo = world.admin("Ada"), world.admin("Bo")
    assert world.patch(f"/api/v1/agents/{bo.id}", ada, json={"is_admin": False}).status_code == 200
    assert active_admins() == ["Ada"]


def test_an_inactive_admin_does_not_count(world):
    ada, bo = world.admin("Ada"), world.admin("Bo")
    world.patch(f"/api/v1/agents/{bo.id}", ada, json={"active": False})
    assert world.patch(f"/api/v1/agents/{ada.id}", ada, json={"active": False}).status_code == 409
    # Bringing Bo back makes room for Ada to go.
    assert world.patch(f"/api/v1/agents/{bo.id}", ada, json={"active": True}).status_code == 200
    assert world.patch(f"/api/v1/agents/{ada.id}", ada, json={"active": False}).status_code == 200
    assert active_admins() == ["Bo"]


def test_other_changes_to_the_last_admin_go_through(world):
    ada = world.admin("Ada")
    response = world.patch(
        f"/api/v1/agents/{ada.id}", ada, json={"name": "Ada L.", "active": True, "is_admin": True}
    )
    assert response.status_code == 200, response.json
    assert active_admins() == ["Ada L."]


def test_two_admins_removing_each_other_at_once_leave_one(app, world):
    """Ada deactivates Bo while Bo deactivates Ada. The second change waits for the first
    (its row lock on PostgreSQL; SQLite has one writer at a time), then sees it was the
    last admin: one succeeds, the other gets the 409."""
    ada, bo = world.admin("Ada"), world.admin("Bo")
    actors = {"Ada": agent_actor(ada.row), "Bo": agent_actor(bo.row)}
    db.session.commit()
    first_done = threading.Event()
    may_commit = threading.Event()
    outcomes: dict[str, str] = {}

    def remove(who: str, target_id: int, hold: bool) -> None:
        with app.app_context():
            try:
                staff.update_agent(actors[who], target_id, {"active": False}, now=utcnow())
                if hold:
                    first_done.set()  # changed, not yet committed
                    may_commit.wait(timeout=30)
                db.session.commit()
                outcomes[who] = "removed"
            except Conflict as conflict:
                db.session.rollback()
                outcomes[who] = conflict.message
            finally:
                first_done.set()
                db.session.remove()

    first = threading.Thread(target=remove, args=("Ada", bo.id, True))
    first.start()
    assert first_done.wait(timeout=30)
    second = threading.Thread(target=remove, args=("Bo", ada.id, False))
    second.start()
    wait_until_blocked_or_done(second)
    may_commit.set()
    first.join(timeout=60)
    second.join(timeout=60)

    assert outcomes["Ada"] == "removed"
    assert outcomes["Bo"].startswith(LAST_ADMIN)
    assert active_admins() == ["Ada"]
