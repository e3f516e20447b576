"""SLA clocks in the API: the ticket's `sla` field, `sla_state=`, `order=sla_due_at`, actions."""

from __future__ import annotations

from datetime import timedelta

from ticketapi.extensions import db
from ticketapi.slas.check import run_check
from ticketapi.timeutil import utcnow


def make_sla(world, admin, **values):
    body = {"name": "First reply", "type": "first_response", "target_minutes": 60, **values}
    response = world.post("/api/v1/slas", admin, json=body)
    assert response.status_code == 201, response.json
    return response.json


def open_ticket(world, user, **values):
    body = {"subject": "Backup stuck", "message": "At 40% since Monday.", **values}
    response = world.post("/api/v1/tickets", user, json=body)
    assert response.status_code == 201, response.json
    return response.json["id"]


def test_agents_see_the_clocks_and_users_do_not(world, jobs):
    admin, user = world.admin(), world.user("Una")
    sla = make_sla(world, admin, warning_minutes=45)
    ticket_id = open_ticket(world, user)

    seen = world.get(f"/api/v1/tickets/{ticket_id}", admin).json["sla"]
    assert len(seen) == 1
    clock = seen[0]
    assert (clock["sla_id"], clock["name"], clock["type"], clock["state"]) == (
        sla["id"],
        "First reply",
        "first_response",
        "ok",
    )
    assert clock["paused"] is False
    assert clock["due_at"].endswith("Z") and clock["warning_at"] < clock["due_at"]
    # SLA clocks are the helpdesk's own business: the requester sees none.
    assert world.get(f"/api/v1/tickets/{ticket_id}", user).json["sla"] == []
    assert clock["minutes_left"] is None  # running: due_at says when

    world.patch(f"/api/v1/tickets/{ticket_id}", admin, json={"status": "pending", "version": 1})
    paused = world.get(f"/api/v1/tickets/{ticket_id}", admin).json["sla"][0]
    assert (paused["paused"], paused["due_at"], paused["state"]) == (True, None, "ok")
    assert 59 <= paused["minutes_left"] <= 60


def test_the_queue_filters_by_sla_state_and_orders_by_the_next_due_time(world, jobs):
    admin, user = world.admin(), world.user("Una")
    make_sla(world, admin, name="Slow", target_minutes=600)
    make_sla(world, admin, name="Urgent", target_minutes=30, applies_to={"urgency": [9]})
    open_ticket(world, user, subject="Calm")
    pressing = open_ticket(world, user, subject="Pressing")
    raised = world.patch(f"/api/v1/tickets/{pressing}", admin, json={"urgency": 9, "version": 1})
    assert raised.status_code == 200, raised.json  # SLA bookkeeping left the version alone
    answered = open_ticket(world, user, subject="Answered")
    world.post(
        f"/api/v1/tickets/{answered}/messages", admin, json={"body": "Done", "status": "resolved"}
    )

    ordered = world.get("/api/v1/tickets?order=sla_due_at", admin).json["items"]
    assert [t["subject"] for t in ordered] == ["Pressing", "Calm", "Answered"]

    assert run_check(now=utcnow() + timedelta(minutes=31)) == 1
    failed = world.get("/api/v1/tickets?sla_state=failed", admin).json["items"]
    assert [t["subject"] for t in failed] == ["Pressing"]
    assert world.get("/api/v1/tickets?sla_state=warning", admin).json["items"] == []
    done = world.get("/api/v1/tickets?sla_state=done", admin).json["items"]
    assert [t["subject"] for t in done] == ["Answered"]


def test_a_bad_sla_state_or_order_is_refused_by_name(world):
    admin = world.admin()
    response = world.get("/api/v1/tickets?sla_state=late", admin)
    assert response.status_code == 422
    assert "sla_state" in str(response.json["error"]["fields"])
    response = world.get("/api/v1/tickets?order=-sla_due_at", admin)
    assert response.status_code == 422
    assert "order" in str(response.json["error"]["fields"])


def test_sla_actions_are_kept_and_shown(world, jobs):
    admin = world.admin()
    escalations = world.team("Escalations")
    sla = make_sla(
        world,
        admin,
        on_warning={"notify": ["followers", "agent", "agent"]},
        on_failure={
            "raise_urgency_to": 9,
            "assign_team_id": escalations.id,
            "add_label": " Breached ",
            "notify": [],
        },
    )
    assert sla["on_warning"] == {"notify": ["agent", "followers"]}
    assert sla["on_failure"] == {
        "raise_urgency_to": 9,
        "assign_team_id": escalations.id,
        "add_label": "breached",
    }
    changed = world.patch(f"/api/v1/slas/{sla['id']}", admin, json={"on_failure": {}}).json
    assert changed["on_failure"] == {}


def test_bad_sla_actions_name_the_field_and_change_nothing(world, jobs):
    admin = world.admin()
    sla = make_sla(world, admin)
    cases = [
        ({"on_failure": {"assign_team_id": 999}}, "on_failure.assign_team_id"),
        ({"on_warning": {"notify": ["everyone"]}}, "on_warning"),
        ({"on_failure": {"raise_urgency_to": 11}}, "on_failure"),
        ({"on_failure": {"add_label": "a,b"}}, "on_failure.add_label"),
        ({"on_failure": {"reboot": True}}, "on_failure"),
    ]
    for body, field in cases:
        response = world.patch(f"/api/v1/slas/{sla['id']}", admin, json=body)
        assert response.status_code == 422, (body, response.json)
        assert field in str(response.json["error"]["fields"]), (body, response.json)
    db.session.expire_all()
    assert world.get(f"/api/v1/slas/{sla['id']}", admin).json["on_failure"] == {}
