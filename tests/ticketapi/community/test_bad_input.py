"""Bad input on every route gets a JSON 4xx naming the field, never a 500."""

from __future__ import annotations

import pytest

from tests.support.community import assert_error

BIG = "x" * 200_000
MALFORMED = {"data": '{"title": "unclosed', "content_type": "application/json"}

BODIES = [
    # who, method, path, request, status, field
    ("author", "POST", "/suggestions", {"json": {}}, 422, "title"),
    ("author", "POST", "/suggestions", {"json": {"title": 5}}, 422, "title"),
    ("author", "POST", "/suggestions", {"json": {"title": None}}, 422, "title"),
    ("author", "POST", "/suggestions", {"json": {"title": "   "}}, 422, "title"),
    ("author", "POST", "/suggestions", {"json": {"title": BIG}}, 422, "title"),
    ("author", "POST", "/suggestions", {"json": {"title": "ok", "body": BIG}}, 422, "body"),
    ("author", "POST", "/suggestions", {"json": {"title": "ok", "body": 5}}, 422, "body"),
    ("author", "POST", "/suggestions", {"json": {"title": "ok", "body": None}}, 422, "body"),
    ("author", "POST", "/suggestions", {"json": {"title": "ok", "body_html": BIG}}, 422, "body_html"),
    ("author", "POST", "/suggestions", {"json": {"title": "ok", "category": "c" * 51}}, 422, "category"),
    ("author", "POST", "/suggestions", {"json": {"title": "ok", "category": ["a"]}}, 422, "category"),
    ("author", "POST", "/suggestions", {"json": {"title": "ok", "votes": 99}}, 422, "votes"),
    ("author", "POST", "/suggestions", {"json": {"title": "ok", "status": "planned"}}, 422, "status"),
    ("author", "POST", "/suggestions", {"json": {"title": "a\u0000b"}}, 422, "title"),
    ("author", "POST", "/suggestions", {"json": {"title": "ok", "body": "\u0000"}}, 422, "body"),
    ("author", "POST", "/suggestions", {"json": []}, 422, None),
    ("author", "POST", "/suggestions", {"json": "a title"}, 422, None),
    ("author", "POST", "/suggestions", MALFORMED, 400, None),
    ("author", "PATCH", "/suggestions/{id}", {"json": {"title": ""}}, 422, "title"),
    ("author", "PATCH", "/suggestions/{id}", {"json": {"title": " \n "}}, 422, "title"),
    ("author", "PATCH", "/suggestions/{id}", {"json": {"title": BIG}}, 422, "title"),
    ("author", "PATCH", "/suggestions/{id}", {"json": {"body": BIG}}, 422, "body"),
    ("author", "PATCH", "/suggestions/{id}", {"json": {"category": BIG}}, 422, "category"),
    ("author", "PATCH", "/suggestions/{id}", {"json": {"author_id": 1}}, 422, "author_id"),
    ("author", "PATCH", "/suggestions/{id}", MALFORMED, 400, None),
    ("moderator", "PATCH", "/suggestions/{id}", {"json": {"status": "bogus"}}, 422, "status"),
    ("moderator", "PATCH", "/suggestions/{id}", {"json": {"status": 3}}, 422, "status"),
    ("moderator", "PATCH", "/suggestions/{id}", {"json": {"votes": 1000}}, 422, "votes"),
    ("moderator", "PATCH", "/suggestions/{id}", {"json": {"duplicate_of_id": 2}}, 422, "duplicate_of_id"),
    ("moderator", "POST", "/suggestions/{id}/merge", {"json": {}}, 422, "into_id"),
    ("moderator", "POST", "/suggestions/{id}/merge", {"json": {"into_id": "two"}}, 422, "into_id"),
    ("moderator", "POST", "/suggestions/{id}/merge", {"json": {"into_id": 0}}, 422, "into_id"),
    ("moderator", "POST", "/suggestions/{id}/merge", {"json": {"into_id": -3}}, 422, "into_id"),
    ("moderator", "POST", "/suggestions/{id}/merge", {"json": {"into_id": 2**40}}, 422, "into_id"),
    ("moderator", "POST", "/suggestions/{id}/merge", {"json": {"into_id": 1.5}}, 422, "into_id"),
    ("moderator", "POST", "/suggestions/{id}/merge", {"json": {"into_id": None}}, 422, "into_id"),
    ("moderator", "POST", "/suggestions/{id}/merge", MALFORMED, 400, None),
    ("author", "POST", "/suggestions/{id}/comments", {"json": {}}, 422, "body"),
    ("author", "POST", "/suggestions/{id}/comments", {"json": {"body": ""}}, 422, "body"),
    ("author", "POST", "/suggestions/{id}/comments", {"json": {"body": BIG}}, 422, "body"),
    ("author", "POST", "/suggestions/{id}/comments", {"json": {"body": ["x"]}}, 422, "body"),
    ("author", "POST", "/suggestions/{id}/comments", {"json": {"body": "ok", "body_html": BIG}}, 422, "body_html"),
    ("author", "POST", "/suggestions/{id}/comments", {"json": {"body": "\u0000"}}, 422, "body"),
    ("author", "POST", "/suggestions/{id}/comments", MALFORMED, 400, None),
]  # fmt: skip

QUERIES = [
    ("/suggestions?status=bogus", "status"),
    ("/suggestions?status=new,bogus", "status"),
    ("/suggestions?order=votes", "order"),
    ("/suggestions?page=0", "page"),
    ("/suggestions?page=abc", "page"),
    ("/suggestions?per_page=0", "per_page"),
    ("/suggestions?per_page=1000", "per_page"),
    ("/suggestions?q=" + "q" * 201, "q"),
    ("/suggestions?category=" + "c" * 51, "category"),
    ("/suggestions?q=a%00b", "q"),
    ("/suggestions?category=%00", "category"),
    ("/suggestions?author_id=abc", "author_id"),
    ("/suggestions?author_id=0", "author_id"),
    ("/suggestions?author_id=99999999999", "author_id"),
    ("/suggestions/{id}/comments?per_page=0", "per_page"),
    ("/suggestions/{id}/history?page=-1", "page"),
]

MISSING = [
    ("moderator", "GET", "/suggestions/999999"),
    ("moderator", "PATCH", "/suggestions/999999"),
    ("author", "PATCH", "/suggestions/999999"),
    ("moderator", "DELETE", "/suggestions/999999"),
    ("moderator", "GET", "/suggestions/999999/votes"),
    ("author", "POST", "/suggestions/999999/votes"),
    ("author", "DELETE", "/suggestions/999999/votes"),
    ("moderator", "GET", "/suggestions/999999/comments"),
    ("author", "POST", "/suggestions/999999/comments"),
    ("author", "DELETE", "/suggestions/{id}/comments/999999"),
    ("moderator", "POST", "/suggestions/999999/merge"),
    ("moderator", "GET", "/suggestions/999999/history"),
    ("moderator", "GET", "/suggestions/not-a-number"),
]


@pytest.fixture
def people(world, author, moderator):
    return {"author": author, "moderator": moderator}


@pytest.mark.parametrize(("who", "method", "path", "request_kwargs", "status", "field"), BODIES)
def test_bad_bodies(world, suggest, people, who, method, path, request_kwargs, status, field):
    created = suggest()
    response = world.call(
        method, "/api/v1" + path.format(id=created["id"]), people[who], **request_kwargs
    )
    assert_error(response, status, field)


@pytest.mark.parametrize(("path", "field"), QUERIES)
def test_bad_queries(world, suggest, moderator, path, field):
    created = suggest()
    response = world.get("/api/v1" + path.format(id=created["id"]), moderator)
    assert_error(response, 422, field)


@pytest.mark.parametrize(("who", "method", "path"), MISSING)
def test_missing_suggestions_are_404(world, suggest, people, who, method, path):
    created = suggest()
    body = {"into_id": created["id"]} if path.endswith("merge") else {"body": "x"}
    path = "/api/v1" + path.format(id=created["id"])
    response = world.call(method, path, people[who], json=body)
    assert_error(response, 404)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/suggestions/99999999999999999999"),
        ("PATCH", "/suggestions/2147483648"),
        ("POST", "/suggestions/9223372036854775808/votes"),
        ("GET", "/suggestions/9223372036854775808/comments"),
        ("DELETE", "/suggestions/{id}/comments/99999999999999999999"),
    ],
)
def test_ids_beyond_the_database_are_not_found(world, suggest, moderator, method, path):
    created = suggest()
    path = "/api/v1" + path.format(id=created["id"])
    assert_error(world.call(method, path, moderator, json={"body": "x"}), 404)


def test_bad_input_writes_nothing(world, suggest, author):
    suggest("Kept")
    world.post("/api/v1/suggestions", author, json={"title": "ok", "body": BIG})
    world.post("/api/v1/suggestions", author, **MALFORMED)
    assert [s["title"] for s in world.get("/api/v1/suggestions").json["items"]] == ["Kept"]
