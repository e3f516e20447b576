"""Two agents changing one ticket: the second never silently overwrites the first."""

from __future__ import annotations

import threading

from sqlalchemy import update

from ticketapi.extensions import db
from ticketapi.tickets.models import Ticket


def open_ticket(world) -> int:
    response = world.post(
        "/api/v1/tickets",
        json={"name": "Ann", "email": "ann@users.example", "subject": "Leak", "message": "Help"},
    )
    return response.json["id"]


def test_stale_version_gets_409_with_the_current_state(world):
    ann, bo = world.admin("Ann"), world.admin("Bo")
    ticket_id = open_ticket(world)
    etag = world.get(f"/api/v1/tickets/{ticket_id}", ann).headers["ETag"]
    assert world.get(f"/api/v1/tickets/{ticket_id}", bo).headers["ETag"] == etag

    first = world.patch(
        f"/api/v1/tickets/{ticket_id}", ann, json={"urgency": 9}, headers={"If-Match": etag}
    )
    second = world.patch(
        f"/api/v1/tickets/{ticket_id}", bo, json={"urgency": 2}, headers={"If-Match": etag}
    )

    assert first.status_code == 200
    assert second.status_code == 409
    error = second.json["error"]
    assert error["code"] == "conflict"
    assert error["current"]["urgency"] == 9
    assert error["current"]["version"] == 2
    assert second.headers["ETag"] == '"2"'
    assert world.get(f"/api/v1/tickets/{ticket_id}", ann).json["urgency"] == 9


def test_the_loser_can_retry_with_the_new_version(world):
    admin = world.admin()
    ticket_id = open_ticket(world)
    world.patch(f"/api/v1/tickets/{ticket_id}", admin, json={"urgency": 9, "version": 1})
    lost = world.patch(f"/api/v1/tickets/{ticket_id}", admin, json={"urgency": 2, "version": 1})
    version = lost.json["error"]["current"]["version"]
    retried = world.patch(
        f"/api/v1/tickets/{ticket_id}", admin, json={"urgency": 2, "version": version}
    )
    assert retried.status_code == 200
    assert retried.json["urgency"] == 2


def test_a_write_that_loses_the_race_in_the_database_gets_409(app, world):
    """The version check also holds between reading the ticket and writing it."""
    from ticketapi.people.services import agent_actor
    from ticketapi.tickets import services

    admin = world.admin()
    ticket_id = open_ticket(world)
    actor = agent_actor(admin.row)
    ticket = services.get_ticket(actor, ticket_id)
    # Another request's change lands after this one has read the ticket: a Core UPDATE,
    # committed while this session keeps its stale copy (as a second process would).
    session = db.session()
    session.expire_on_commit = False
    db.session.execute(
        update(Ticket)
        .where(Ticket.id == ticket_id)
        .values(urgency=7, version=Ticket.version + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    session.expire_on_commit = True
    ticket.urgency = 3
    try:
        services.flush_or_conflict(ticket, 1)
    except services.Conflict as conflict:
        assert conflict.extra["current"]["urgency"] == 7
    else:
        raise AssertionError("the stale write went through")
    db.session.rollback()
    assert db.session.get(Ticket, ticket_id).urgency == 7


def test_concurrent_replies_are_all_kept(app, world):
    """Replies add to a ticket: racing ones are retried, never refused or lost."""
    admin = world.admin()
    ticket_id = open_ticket(world)
    errors: list[int] = []

    def reply(n: int) -> None:
        client = app.test_client()
        response = client.post(
            f"/api/v1/tickets/{ticket_id}/messages",
            json={"body": f"Reply {n}"},
            headers=admin.headers,
        )
        if response.status_code != 201:
            errors.append(response.status_code)

    threads = [threading.Thread(target=reply, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    bodies = {
        m["body"] for m in world.get(f"/api/v1/tickets/{ticket_id}/messages", admin).json["items"]
    }
    assert bodies >= {f"Reply {n}" for n in range(6)}


def test_a_new_address_registered_meanwhile_by_another_request_is_used(world, monkeypatch):
    """Two submissions from one new address at once: both tickets go to one user.

    On PostgreSQL, with several web processes, both requests can look the address up before
    either commits; the second's insert then meets the first's user in the unique index. Here
    the first request has committed, and the second's look-up ran just before that.
    """
    from ticketapi.people import services as people

    ann = world.user("Ann", email="ann@users.example")
    look_up = people.find_user
    looked = []

    def found_nothing_the_first_time(email):
        looked.append(email)
        return None if len(looked) == 1 else look_up(email)

    monkeypatch.setattr(people, "find_user", found_nothing_the_first_time)
    response = world.post(
        "/api/v1/tickets",
        json={"name": "Ann", "email": "ann@users.example", "subject": "Leak", "message": "Help"},
    )
    assert response.status_code == 201, response.json
    admin = world.admin()
    ticket = world.get(f"/api/v1/tickets/{response.json['id']}", admin).json
    assert ticket["user_id"] == ann.id
    assert looked == ["ann@users.example", "ann@users.example"]
