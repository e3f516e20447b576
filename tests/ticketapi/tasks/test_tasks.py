"""Tasks through the API: creating, assigning, who sees and changes what, filters, bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support.world import ANONYMOUS
from ticketapi.extensions import db
from ticketapi.tasks import demo
from ticketapi.tickets.models import Ticket
from ticketapi.timeutil import utcnow


@pytest.fixture
def sam(world):
    return world.agent("Sam")


@pytest.fixture
def support(world):
    return world.team("Support")


def create(world, who, **values):
    response = world.post("/api/v1/tasks", who, json={"title": "Call back", **values})
    assert response.status_code == 201, response.json
    return response.json


def open_ticket(world, agent=None) -> Ticket:
    response = world.post(
        "/api/v1/tickets", world.user(), json={"subject": "Cracked hull", "message": "It leaks."}
    )
    assert response.status_code == 201, response.json
    ticket = db.session.get(Ticket, response.json["id"])
    ticket.agent_id = agent.id if agent else None
    db.session.commit()
    return ticket


def listed(world, who, query=""):
    response = world.get(f"/api/v1/tasks{query}", who)
    assert response.status_code == 200, response.json
    return [item["title"] for item in response.json["items"]]


def test_a_new_task_is_the_creators_own(world, sam):
    response = world.post(
        "/api/v1/tasks",
        sam,
        json={
            "title": " Order paddles ",
            "notes": "Ten 220 cm",
            "due_at": "2026-05-01T12:00+02:00",
        },
    )

    assert response.status_code == 201
    task = response.json
    assert response.headers["Location"] == f"/api/v1/tasks/{task['id']}"
    assert task["title"] == "Order paddles"
    assert (task["agent_id"], task["team_id"], task["created_by_id"]) == (sam.id, None, sam.id)
    assert task["due_at"] == "2026-05-01T10:00:00Z"
    assert (task["done"], task["done_at"]) == (False, None)
    assert world.get(f"/api/v1/tasks/{task['id']}", sam).json == task


def test_a_time_without_an_offset_is_utc(world, sam):
    assert create(world, sam, due_at="2026-05-01T09:30:15.123")["due_at"] == "2026-05-01T09:30:15Z"


def test_a_task_for_a_team_and_a_ticket(world, sam, support):
    ticket = open_ticket(world)

    task = create(world, sam, team_id=support.id, ticket_id=ticket.id)

    assert (task["agent_id"], task["team_id"], task["ticket_id"]) == (None, support.id, ticket.id)


def test_marking_done_records_when_and_undoing_clears_it(world, sam):
    task = create(world, sam)
    path = f"/api/v1/tasks/{task['id']}"

    done = world.patch(path, sam, json={"done": True}).json
    assert done["done"] is True
    assert done["done_at"] is not None

    undone = world.patch(path, sam, json={"done": False, "due_at": None}).json
    assert (undone["done"], undone["done_at"], undone["due_at"]) == (False, None, None)


def test_the_creator_deletes_a_task(world, sam):
    task = create(world, sam)

    assert world.delete(f"/api/v1/tasks/{task['id']}", sam).status_code == 204
    assert world.get(f"/api/v1/tasks/{task['id']}", sam).status_code == 404


# Who sees, changes and deletes a task that Carla created for Sam, or for the Support team,
# or about a ticket. Expected statuses: (GET, PATCH, DELETE).
@pytest.mark.parametrize(
    ("who", "assign", "expected"),
    [
        ("creator", "sam", (200, 200, 204)),
        ("assignee", "sam", (200, 200, 403)),
        ("team member", "team", (200, 200, 403)),
        ("manager", "sam", (200, 200, 204)),
        ("admin", "team", (200, 200, 204)),
        ("stranger", "sam", (404, 404, 404)),
        ("stranger", "team", (404, 404, 404)),
        ("sees the ticket", "ticket", (200, 403, 403)),
        ("cannot see the ticket", "ticket", (404, 404, 404)),
    ],
)
def test_who_may_see_change_and_delete_a_task(world, sam, support, who, assign, expected):
    carla = world.agent("Carla", permissions=["tickets.view_all"])
    accounts = {
        "creator": carla,
        "assignee": sam,
        "team member": world.agent("Tess", teams=[support]),
        "manager": world.agent("Max", permissions=["tasks.manage"]),
        "admin": world.admin(),
        "stranger": world.agent("Stan"),
        "sees the ticket": world.agent("Vic", permissions=["tickets.view_all"]),
        "cannot see the ticket": world.agent("Nia"),
    }
    target = {
        "sam": {"agent_id": sam.id},
        "team": {"team_id": support.id},
        "ticket": {"agent_id": sam.id, "ticket_id": open_ticket(world, agent=sam).id},
    }[assign]
    task = create(world, carla, **target)
    path = f"/api/v1/tasks/{task['id']}"
    account = accounts[who]
    assert (task["title"] in listed(world, account)) is (expected[0] == 200)

    statuses = (
        world.get(path, account).status_code,
        world.patch(path, account, json={"title": "Changed"}).status_code,
        world.delete(path, account).status_code,
    )

    assert statuses == expected


ROUTES = [
    ("get", "/api/v1/tasks", None),
    ("post", "/api/v1/tasks", {"title": "Mine"}),
    ("get", "/api/v1/tasks/{id}", None),
    ("patch", "/api/v1/tasks/{id}", {"done": True}),
    ("delete", "/api/v1/tasks/{id}", None),
]


@pytest.mark.parametrize("who", ["user", "anonymous"])
@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_users_and_visitors_are_refused(world, sam, who, method, path, body):
    task = create(world, sam)
    account = world.user("Ursula") if who == "user" else ANONYMOUS
    kwargs = {"json": body} if body is not None else {}

    response = world.call(method, path.format(id=task["id"]), account, **kwargs)

    # Visitors are asked to sign in (401); signed-in users are refused (403).
    assert response.status_code == (403 if who == "user" else 401)
    expected = "agents only" if who == "user" else "Sign in as an agent"
    assert expected in response.json["error"]["message"]


def test_the_list_is_soonest_due_first_and_undated_last(world, sam):
    now = utcnow()
    for title, days in [("later", 3), ("undated", None), ("overdue", -1), ("soon", 1)]:
        due = None if days is None else (now + timedelta(days=days)).isoformat()
        create(world, sam, title=title, due_at=due)
    create(world, sam, title="undated too")

    assert listed(world, sam) == ["overdue", "soon", "later", "undated", "undated too"]


def test_the_list_filters(world, sam, support):
    colleague = world.agent("Tess", teams=[support])
    ticket = open_ticket(world)
    now = utcnow()
    create(world, sam, title="sam's", due_at=(now + timedelta(days=2)).isoformat())
    create(world, sam, title="team's", team_id=support.id, due_at=now.isoformat())
    create(world, sam, title="on ticket", agent_id=colleague.id, ticket_id=ticket.id)
    done = create(world, colleague, title="done")
    world.patch(f"/api/v1/tasks/{done['id']}", colleague, json={"done": True})
    tomorrow = (now + timedelta(days=1)).isoformat() + "Z"

    assert listed(world, sam, f"?agent_id={sam.id}") == ["sam's"]
    assert listed(world, sam, f"?team_id={support.id}") == ["team's"]
    assert listed(world, sam, f"?ticket_id={ticket.id}") == ["on ticket"]
    assert listed(world, colleague, "?done=true") == ["done"]
    assert listed(world, colleague, "?done=false") == ["team's", "on ticket"]
    assert listed(world, sam, f"?due_before={tomorrow}") == ["team's"]
    assert listed(world, colleague, "?mine=true") == ["team's", "on ticket", "done"]
    assert listed(world, sam, "?mine=true") == ["sam's"]
    page = world.get("/api/v1/tasks?per_page=1&page=2", sam).json
    assert (page["total"], [item["title"] for item in page["items"]]) == (3, ["sam's"])


def test_assignment_is_checked(world, sam):
    retired = world.agent("Retired")
    retired.row.active = False
    db.session.commit()
    hidden = open_ticket(world, agent=world.agent("Colleague"))
    task = create(world, sam)
    unassigned = world.patch(
        f"/api/v1/tasks/{task['id']}", sam, json={"agent_id": None, "team_id": None}
    )
    assert unassigned.status_code == 422
    assert "agent_id" in unassigned.json["error"]["fields"]
    cases = [
        ({"agent_id": 9999}, "agent_id"),
        ({"agent_id": retired.id}, "agent_id"),
        ({"team_id": 9999}, "team_id"),
        ({"ticket_id": hidden.id}, "ticket_id"),
        ({"ticket_id": 9999}, "ticket_id"),
    ]

    for values, field in cases:
        created = world.post("/api/v1/tasks", sam, json={"title": "T", **values})
        patched = world.patch(f"/api/v1/tasks/{task['id']}", sam, json=values)
        for response in (created, patched):
            assert response.status_code == 422, (values, response.json)
            assert field in response.json["error"]["fields"]
    assert world.get(f"/api/v1/tasks/{task['id']}", sam).json == task


def test_a_task_outlives_its_ticket(world, sam):
    admin = world.admin()
    ticket = open_ticket(world)
    task = create(world, sam, ticket_id=ticket.id)

    assert world.delete(f"/api/v1/tickets/{ticket.id}", admin).status_code == 204

    assert world.get(f"/api/v1/tasks/{task['id']}", sam).json["ticket_id"] is None


def test_demo_tasks_load_once(world, support):
    admin = world.agent("Tidewater Admin", admin=True, email=demo.ADMIN_EMAIL)
    sam = world.agent("Sam Rivers", email=demo.SAM_EMAIL, teams=[support])
    for name in {spec["team"] for spec in demo.TASKS if spec.get("team")} - {"Support"}:
        world.team(name)
    requester = world.user()
    subjects = {spec["ticket"] for spec in demo.TASKS if spec.get("ticket")}
    tickets = {}
    for subject in sorted(subjects):
        response = world.post(
            "/api/v1/tickets", requester, json={"subject": subject, "message": "Please help."}
        )
        assert response.status_code == 201, response.json
        tickets[response.json["id"]] = subject

    first = demo.load(utcnow())
    db.session.commit()
    again = demo.load(utcnow())
    db.session.commit()

    assert first == len(demo.TASKS)
    assert again == 0
    tasks = world.get("/api/v1/tasks?per_page=100", admin).json["items"]
    assert len(tasks) == first
    # Each task that names a demo ticket is on that ticket, found by its subject.
    by_title = {spec["title"]: spec.get("ticket") for spec in demo.TASKS}
    assert {task["title"]: tickets.get(task["ticket_id"]) for task in tasks} == by_title
    assert len(subjects) >= 2
    assert any(task["done"] for task in tasks)
    now = utcnow().isoformat() + "Z"
    assert listed(world, sam, f"?mine=true&done=false&due_before={now}")


def test_demo_tasks_skip_what_is_missing(world):
    world.agent("Sam Rivers", email=demo.SAM_EMAIL)

    assert demo.load(utcnow()) == 2
