"""Definitions each process keeps (ticketapi/versions.py) follow every change, in every process.

"Another process" is a second app on the same database: its own engine, its own kept
definitions. Changes are made through the first app's API, as an admin would; the second
app's next request must act on them.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event

from ticketapi import create_app
from ticketapi.extensions import db
from ticketapi.people.models import Usergroup

SUBMISSION = {
    "name": "Ann Example",
    "email": "ann@example.com",
    "subject": "Printer on fire",
    "message": "Smoke everywhere.",
}


@pytest.fixture
def other(app):
    """A second app on the same database (and the same SQLite write queue)."""
    second = create_app(dict(app.config))
    yield second
    with second.app_context():
        db.session.remove()
        db.engine.dispose()


def submit(client, **changes) -> object:
    return client.post("/api/v1/tickets", json={**SUBMISSION, **changes})


def clocks(world, admin, ticket_id: int) -> list[str]:
    response = world.get(f"/api/v1/tickets/{ticket_id}", admin)
    assert response.status_code == 200, response.json
    return sorted(clock["name"] for clock in response.json["sla"])


def test_an_sla_change_applies_to_the_next_ticket_in_every_process(world, other):
    admin = world.admin()
    them = other.test_client()
    before = submit(them)  # the other process reads (and keeps) the SLAs: none yet
    assert before.status_code == 201, before.json
    assert clocks(world, admin, before.json["id"]) == []

    made = world.post(
        "/api/v1/slas",
        admin,
        json={"name": "First reply", "type": "first_response", "target_minutes": 60},
    )
    assert made.status_code == 201, made.json
    created = submit(them, subject="After the SLA")
    assert clocks(world, admin, created.json["id"]) == ["First reply"]

    changed = world.patch(f"/api/v1/slas/{made.json['id']}", admin, json={"name": "First answer"})
    assert changed.status_code == 200, changed.json
    renamed = submit(them, subject="After the rename")
    assert clocks(world, admin, renamed.json["id"]) == ["First answer"]

    retired = world.patch(f"/api/v1/slas/{made.json['id']}", admin, json={"active": False})
    assert retired.status_code == 200, retired.json
    assert clocks(world, admin, submit(them, subject="Retired").json["id"]) == []

    second = world.post(
        "/api/v1/slas",
        admin,
        json={"name": "Resolution", "type": "resolution", "target_minutes": 600},
    )
    assert clocks(world, admin, submit(them, subject="Two").json["id"]) == ["Resolution"]
    assert world.delete(f"/api/v1/slas/{second.json['id']}", admin).status_code == 204
    assert clocks(world, admin, submit(them, subject="None left").json["id"]) == []


def test_a_working_hours_change_reaches_the_other_process(world, other):
    admin = world.admin()
    them = other.test_client()
    schedule = world.post(
        "/api/v1/schedules",
        admin,
        json={
            "name": "Office",
            "timezone": "UTC",
            "days": {str(d): [["09:00", "17:00"]] for d in range(5)},
        },
    )
    assert schedule.status_code == 201, schedule.json
    world.post(
        "/api/v1/slas",
        admin,
        json={
            "name": "Office reply",
            "type": "first_response",
            "target_minutes": 60,
            "hours": schedule.json["id"],
        },
    )
    first = submit(them).json["id"]
    # Every hour of every day is working time from now on: the hour is due an hour away.
    every_day = {str(d): [["00:00", "24:00"]] for d in range(7)}
    changed = world.patch(
        f"/api/v1/schedules/{schedule.json['id']}", admin, json={"days": every_day}
    )
    assert changed.status_code == 200, changed.json
    second = submit(them, subject="Round the clock").json["id"]
    due = {
        ticket_id: world.get(f"/api/v1/tickets/{ticket_id}", admin).json["sla"][0]["due_at"]
        for ticket_id in (first, second)
    }
    opened = world.get(f"/api/v1/tickets/{second}", admin).json["created_at"]
    hours = (_parse(due[second]) - _parse(opened)).total_seconds() / 3600
    assert 0.99 < hours < 1.01, (due, opened)


def _parse(stamp: str):
    from datetime import datetime

    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def test_taking_submission_from_everyone_refuses_the_next_anonymous_ticket_everywhere(world, other):
    admin = world.admin()
    them = other.test_client()
    assert submit(them).status_code == 201  # the other process keeps "everyone" as it was
    everyone = db.session.query(Usergroup).filter_by(system_key="everyone").one()
    kept = list(everyone.permissions)

    closed = world.patch(
        f"/api/v1/usergroups/{everyone.id}",
        admin,
        json={"permissions": [p for p in kept if p != "tickets.submit"]},
    )
    assert closed.status_code == 200, closed.json
    refused = submit(them, subject="After closing")
    assert refused.status_code == 401, refused.json  # anonymous: signing in may still help
    assert "Submitting tickets is not open to you" in refused.json["error"]["message"]
    assert submit(world.client, subject="Here too").status_code == 401

    reopened = world.patch(f"/api/v1/usergroups/{everyone.id}", admin, json={"permissions": kept})
    assert reopened.status_code == 200, reopened.json
    assert submit(them, subject="Open again").status_code == 201


def test_anonymous_requests_do_not_read_the_usergroups_each_time(other):
    them = other.test_client()
    assert submit(them).status_code == 201
    statements: list[str] = []
    with other.app_context():
        engine = db.engine

    def seen(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        assert submit(them, subject="Again").status_code == 201
        assert them.get("/api/v1/suggestions").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert statements, "the requests ran no SQL at all?"
    assert not [s for s in statements if "usergroups" in s]


def test_a_new_default_team_gets_the_other_process_s_next_submission(world, other):
    admin = world.admin()
    support, billing = world.team("Support"), world.team("Billing")
    them = other.test_client()
    world.patch("/api/v1/settings", admin, json={"default_team_id": support.id})
    first = submit(them).json["id"]
    moved = world.patch("/api/v1/settings", admin, json={"default_team_id": billing.id})
    assert moved.status_code == 200, moved.json
    second = submit(them, subject="After the move").json["id"]
    teams = [world.get(f"/api/v1/tickets/{t}", admin).json["team_id"] for t in (first, second)]
    assert teams == [support.id, billing.id]
