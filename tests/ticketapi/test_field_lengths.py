"""Input at every length the API accepts fits the database (PostgreSQL enforces widths)."""

from __future__ import annotations

import io

import pytest


def long_email(length: int = 254) -> str:
    """A valid address of exactly `length` characters."""
    local = "a" * 64
    rest = length - len(local) - 1 - len(".example")
    labels = []
    while rest > 0:
        size = min(63, rest)
        labels.append("b" * size)
        rest -= size + 1
    domain = ".".join(labels)[: length - len(local) - 1 - len(".example")] + ".example"
    return f"{local}@{domain}"


def long_domain(length: int = 253) -> str:
    body = length - len(".example")
    labels = []
    while body > 0:
        size = min(63, body)
        labels.append("c" * size)
        body -= size + 1
    return ".".join(labels)[: length - len(".example")] + ".example"


def test_the_long_values_are_what_they_claim():
    assert len(long_email()) == 254 and long_email().count("@") == 1
    assert len(long_domain()) == 253


@pytest.fixture
def admin(world):
    return world.admin("A" * 200)


BODIES = {
    "/api/v1/users": lambda: {"email": long_email(), "name": "N" * 200},
    "/api/v1/organizations": lambda: {"name": "O" * 200, "email_domains": [long_domain()]},
    "/api/v1/usergroups": lambda: {"name": "G" * 100},
    "/api/v1/teams": lambda: {"name": "T" * 100},
    "/api/v1/agents": lambda: {"email": long_email(), "name": "A" * 200},
    "/api/v1/snippets": lambda: {"title": "S" * 200, "body": "B" * 20_000, "category": "C" * 50, "tags": ["t" * 50]},
    "/api/v1/tasks": lambda: {"title": "T" * 200},
    "/api/v1/tickets": lambda: {
        "subject": "S" * 300, "message": "M" * 100_000, "email": long_email(),
        "cc": [long_email(253)], "labels": ["l" * 50],
    },
}  # fmt: skip


@pytest.mark.parametrize("path", BODIES)
def test_longest_accepted_values_are_stored_whole(world, admin, path):
    body = BODIES[path]()
    response = world.post(path, admin, json=body)
    assert response.status_code == 201, response.json
    stored = world.get(response.headers.get("Location") or f"{path}/{response.json['id']}", admin)
    for name, value in body.items():
        if isinstance(value, str) and name in stored.json and name not in ("email", "password"):
            assert stored.json[name] == value


def test_longest_public_submission_and_suggestion(world):
    ann = world.user("Ann")
    submitted = world.post(
        "/api/v1/tickets",
        json={"name": "N" * 200, "email": long_email(), "subject": "S" * 300, "message": "M"},
    )
    assert submitted.status_code == 201
    suggested = world.post(
        "/api/v1/suggestions", ann, json={"title": "T" * 200, "category": "C" * 50}
    )
    assert suggested.status_code == 201, suggested.json


def test_api_key_names_fit(world, admin):
    response = world.post("/api/v1/api-keys", admin, json={"name": "K" * 100, "agent_id": admin.id})
    assert response.status_code == 201
    too_long = world.post("/api/v1/api-keys", admin, json={"name": "K" * 101, "agent_id": admin.id})
    assert too_long.status_code == 422


def test_a_long_declared_file_type_is_served_as_bytes(world):
    ann = world.user("Ann")
    response = world.post(
        "/api/v1/uploads",
        ann,
        data={"file": (io.BytesIO(b"x"), "x.bin", "application/" + "x" * 150)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.json
    assert response.json["content_type"] == "application/octet-stream"
