"""Bad input on the task routes: every refusal is a JSON 4xx naming the field."""

from __future__ import annotations

import pytest


@pytest.fixture
def sam(world):
    return world.agent("Sam")


def create(world, who):
    response = world.post("/api/v1/tasks", who, json={"title": "Call back"})
    assert response.status_code == 201, response.json
    return response.json


BIG = "x" * 200_000


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", None),
        ("title", 7),
        ("title", "  "),
        ("title", BIG),
        ("title", "Call\x00back"),
        ("notes", BIG),
        ("notes", "a\x00b"),
        ("due_at", "2026-05-01T00:00:00\x00Z"),
        ("notes", ["a"]),
        ("due_at", "tomorrow"),
        ("due_at", "2026-13-01T00:00:00Z"),
        ("due_at", "0001-01-01T00:00:00+05:00"),
        ("due_at", "9999-12-31T23:00:00-05:00"),
        ("due_at", "1500-01-01T00:00:00Z"),
        ("due_at", "2026-05-01T00:00:00Z" + "0" * 200_000),
        ("due_at", 1714550400),
        ("agent_id", "me"),
        ("agent_id", 0),
        ("team_id", 2**40),
        ("ticket_id", -1),
        ("done", "maybe"),
    ],
)
def test_bad_values_are_refused_naming_the_field(world, sam, field, value):
    task = create(world, sam)

    created = world.post("/api/v1/tasks", sam, json={"title": "T", field: value})
    patched = world.patch(f"/api/v1/tasks/{task['id']}", sam, json={field: value})

    for response in (created, patched):
        assert response.status_code == 422, response.json
        assert field in response.json["error"]["fields"]


def test_a_task_needs_a_title(world, sam):
    response = world.post("/api/v1/tasks", sam, json={"notes": "No title"})

    assert response.status_code == 422
    assert "title" in response.json["error"]["fields"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("due_before=soon", "due_before"),
        ("done=perhaps", "done"),
        ("mine=yes please", "mine"),
        ("agent_id=x", "agent_id"),
        ("per_page=101", "per_page"),
    ],
)
def test_bad_list_queries_are_refused_naming_the_field(world, sam, query, field):
    response = world.get(f"/api/v1/tasks?{query}", sam)

    assert response.status_code == 422
    assert field in response.json["error"]["fields"]


@pytest.mark.parametrize(("method", "path"), [("post", ""), ("patch", "/{id}")])
@pytest.mark.parametrize("data", ['{"title": ', "[]", "42", "null"])
def test_a_body_that_is_not_a_json_object_gets_a_json_error(world, sam, method, path, data):
    task = create(world, sam)

    response = world.call(
        method,
        "/api/v1/tasks" + path.format(id=task["id"]),
        sam,
        data=data,
        content_type="application/json",
    )

    assert 400 <= response.status_code < 500
    assert response.json["error"]["message"]


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
@pytest.mark.parametrize("task_id", [2**31, 10**20])
def test_an_id_beyond_any_task_is_not_found(world, sam, method, task_id):
    response = world.call(method, f"/api/v1/tasks/{task_id}", sam, json={"done": True})

    assert response.status_code == 404
