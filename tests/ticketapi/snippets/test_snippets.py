"""Snippets through the API: saving, sharing, who sees and changes what, filters, bad input."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.support.world import ANONYMOUS
from ticketapi.extensions import db
from ticketapi.snippets import demo
from ticketapi.snippets.models import Snippet
from ticketapi.timeutil import utcnow

GREETING = {"title": "Greeting", "body": "Hi {{ user.first_name }},\n", "tags": ["Opening"]}


@pytest.fixture
def sam(world):
    return world.agent("Sam")


@pytest.fixture
def manager(world):
    return world.agent("Mara", permissions=["snippets.manage"])


def create(world, who, **values):
    response = world.post("/api/v1/snippets", who, json={**GREETING, **values})
    assert response.status_code == 201, response.json
    return response.json


def titles(world, who, query=""):
    response = world.get(f"/api/v1/snippets{query}", who)
    assert response.status_code == 200, response.json
    return [item["title"] for item in response.json["items"]]


def test_an_agent_saves_a_personal_snippet_and_reads_it_back(world, sam):
    response = world.post(
        "/api/v1/snippets",
        sam,
        json={**GREETING, "category": "General", "tags": ["Opening", "opening ", "warm"]},
    )

    assert response.status_code == 201
    snippet = response.json
    assert response.headers["Location"] == f"/api/v1/snippets/{snippet['id']}"
    assert snippet["shared"] is False
    assert snippet["owner_id"] == sam.id
    assert snippet["tags"] == ["opening", "warm"]
    assert snippet["created_at"].endswith("Z")
    assert world.get(f"/api/v1/snippets/{snippet['id']}", sam).json == snippet


def test_a_manager_shares_a_snippet_every_agent_sees(world, manager, sam):
    shared = create(world, manager, title="Refund policy", shared=True)

    assert world.get(f"/api/v1/snippets/{shared['id']}", sam).status_code == 200
    assert titles(world, sam) == ["Refund policy"]


def test_sharing_needs_snippets_manage(world, sam):
    assert world.post("/api/v1/snippets", sam, json={**GREETING, "shared": True}).status_code == 403
    mine = create(world, sam)

    response = world.patch(f"/api/v1/snippets/{mine['id']}", sam, json={"shared": True})

    assert response.status_code == 403
    assert "snippets.manage" in response.json["error"]["message"]
    assert world.get(f"/api/v1/snippets/{mine['id']}", sam).json["shared"] is False


@pytest.mark.parametrize(
    "other", [{}, {"permissions": ["snippets.manage"]}, {"admin": True}], ids=str
)
def test_a_personal_snippet_is_invisible_to_everyone_else(world, sam, other):
    mine = create(world, sam, title="My paddle guide")
    someone = world.agent("Other", **other)
    path = f"/api/v1/snippets/{mine['id']}"

    assert world.get(path, someone).status_code == 404
    assert world.patch(path, someone, json={"title": "Mine now"}).status_code == 404
    assert world.delete(path, someone).status_code == 404
    assert world.post(f"{path}/render", someone, json={"ticket_id": 1}).status_code == 404
    assert titles(world, someone) == []
    assert world.get(path, sam).json["title"] == "My paddle guide"


@pytest.mark.parametrize(
    ("permissions", "admin", "allowed"),
    [((), False, False), (("snippets.manage",), False, True), ((), True, True)],
)
def test_changing_a_shared_snippet_needs_snippets_manage(
    world, manager, permissions, admin, allowed
):
    shared = create(world, manager, title="Closing", shared=True)
    agent = world.agent("Editor", permissions=permissions, admin=admin)
    path = f"/api/v1/snippets/{shared['id']}"

    patched = world.patch(path, agent, json={"body": "Bye {{ agent.name }}"})
    deleted = world.delete(path, agent)

    assert (patched.status_code, deleted.status_code) == ((200, 204) if allowed else (403, 403))
    assert world.get(path, manager).status_code == (404 if allowed else 200)


def test_the_author_of_a_shared_snippet_needs_the_permission_too(world, manager):
    shared = create(world, manager, shared=True)
    manager.row.permissions = []
    db.session.commit()

    response = world.patch(f"/api/v1/snippets/{shared['id']}", manager, json={"title": "Hello"})

    assert response.status_code == 403


def test_the_owner_changes_and_deletes_a_personal_snippet(world, sam):
    mine = create(world, sam)
    path = f"/api/v1/snippets/{mine['id']}"

    response = world.patch(
        path, sam, json={"title": " Hello ", "body": "Hello {{ user.name }}", "category": None}
    )
    assert response.status_code == 200
    assert (response.json["title"], response.json["body"]) == ("Hello", "Hello {{ user.name }}")
    assert response.json["category"] is None
    assert response.json["tags"] == ["opening"]

    assert world.delete(path, sam).status_code == 204
    assert world.get(path, sam).status_code == 404


def test_unsharing_a_snippet_gives_it_to_whoever_unshared_it(world, manager):
    shared = create(world, manager, shared=True)
    colleague = world.agent("Colleague", permissions=["snippets.manage"])

    response = world.patch(f"/api/v1/snippets/{shared['id']}", colleague, json={"shared": False})

    assert response.status_code == 200
    assert (response.json["shared"], response.json["owner_id"]) == (False, colleague.id)
    assert world.get(f"/api/v1/snippets/{shared['id']}", manager).status_code == 404


ROUTES = [
    ("get", "/api/v1/snippets", None),
    ("post", "/api/v1/snippets", GREETING),
    ("get", "/api/v1/snippets/{id}", None),
    ("patch", "/api/v1/snippets/{id}", {"title": "Mine"}),
    ("delete", "/api/v1/snippets/{id}", None),
    ("post", "/api/v1/snippets/{id}/render", {"ticket_id": 1}),
]


@pytest.mark.parametrize("who", ["user", "anonymous"])
@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_users_and_visitors_are_refused(world, manager, who, method, path, body):
    shared = create(world, manager, shared=True)
    account = world.user("Ursula") if who == "user" else ANONYMOUS
    kwargs = {"json": body} if body is not None else {}

    response = world.call(method, path.format(id=shared["id"]), account, **kwargs)

    # Visitors are asked to sign in (401); signed-in users are refused (403).
    assert response.status_code == (403 if who == "user" else 401)
    assert response.json["error"]["code"] == ("forbidden" if who == "user" else "unauthorized")
    expected = "agents only" if who == "user" else "Sign in as an agent"
    assert expected in response.json["error"]["message"]


def test_the_list_filters_by_title_sharing_owner_category_and_tag(world, manager, sam):
    create(world, manager, title="Refund policy", shared=True, category="Billing", tags=["money"])
    create(world, manager, title="Closing", shared=True)
    create(world, sam, title="100% refund, my way", category="Billing")
    create(world, sam, title="Paddle guide", tags=["gear", "money"])

    assert titles(world, sam) == ["100% refund, my way", "Closing", "Paddle guide", "Refund policy"]
    assert titles(world, sam, "?q=REFUND") == ["100% refund, my way", "Refund policy"]
    assert titles(world, sam, "?q=100%25") == ["100% refund, my way"]
    assert titles(world, sam, "?shared=true") == ["Closing", "Refund policy"]
    assert titles(world, sam, "?shared=false") == ["100% refund, my way", "Paddle guide"]
    assert titles(world, manager, "?mine=true") == ["Closing", "Refund policy"]
    assert titles(world, sam, "?category=Billing") == ["100% refund, my way", "Refund policy"]
    assert titles(world, sam, "?tag=Money") == ["Paddle guide", "Refund policy"]
    page = world.get("/api/v1/snippets?per_page=1&page=2", sam).json
    assert (page["total"], [i["title"] for i in page["items"]]) == (4, ["Closing"])


BIG = "x" * 200_000


def named(response, field: str) -> bool:
    """Whether the error names the field (or one of its items, such as tags.0)."""
    names = response.json["error"].get("fields", {})
    return any(name == field or name.startswith(field + ".") for name in names)


@pytest.mark.parametrize(
    ("body", "field"),
    [({"body": "Hi"}, "title"), ({"title": "Hi"}, "body"), ({}, "title"), ({}, "body")],
)
def test_a_snippet_without_title_or_body_is_refused(world, sam, body, field):
    response = world.post("/api/v1/snippets", sam, json=body)

    assert response.status_code == 422
    assert named(response, field)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", 5),
        ("title", "   "),
        ("title", BIG),
        ("title", None),
        ("title", "Hi\x00there"),
        ("body", BIG),
        ("body", "Hi\x00{{ user.name }}"),
        ("body", ["Hi"]),
        ("body", ""),
        ("shared", "maybe"),
        ("category", "c" * 51),
        ("category", 7),
        ("tags", "gear"),
        ("tags", ["a,b"]),
        ("tags", [" leading space"]),
        ("tags", ["t"] * 21),
    ],
)
def test_bad_values_are_refused_naming_the_field(world, sam, field, value):
    mine = create(world, sam)

    created = world.post("/api/v1/snippets", sam, json={**GREETING, field: value})
    patched = world.patch(f"/api/v1/snippets/{mine['id']}", sam, json={field: value})

    for response in (created, patched):
        assert response.status_code == 422, response.json
        assert named(response, field)
    assert world.get(f"/api/v1/snippets/{mine['id']}", sam).json == mine


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("per_page=1000", "per_page"),
        ("page=0", "page"),
        ("shared=maybe", "shared"),
        ("mine=2", "mine"),
        ("q=" + "q" * 201, "q"),
        ("tag=" + "t" * 51, "tag"),
        ("q=a%00b", "q"),
        ("category=a%00b", "category"),
        ("tag=a%00b", "tag"),
    ],
)
def test_bad_list_queries_are_refused_naming_the_field(world, sam, query, field):
    response = world.get(f"/api/v1/snippets?{query}", sam)

    assert response.status_code == 422
    assert field in response.json["error"]["fields"]


@pytest.mark.parametrize(
    ("method", "path"), [("post", ""), ("patch", "/{id}"), ("post", "/{id}/render")]
)
@pytest.mark.parametrize("data", ['{"title": "Hi", ', "[1, 2]", '"text"', "null"])
def test_a_body_that_is_not_a_json_object_gets_a_json_error(world, sam, method, path, data):
    mine = create(world, sam)

    response = world.call(
        method,
        "/api/v1/snippets" + path.format(id=mine["id"]),
        sam,
        data=data,
        content_type="application/json",
    )

    assert 400 <= response.status_code < 500
    assert response.json["error"]["message"]


def test_demo_snippets_load_once(world):
    admin = world.admin("Tidewater Admin")
    admin.row.email = demo.ADMIN_EMAIL
    sam = world.agent("Sam Rivers", email=demo.SAM_EMAIL)
    db.session.commit()

    first = demo.load(utcnow())
    db.session.commit()
    again = demo.load(utcnow())

    assert first == len(demo.SHARED) + len(demo.SAM_PERSONAL) >= 4
    assert again == 0
    assert "Sync stuck on Uploading: first checks" in titles(world, sam, "?mine=true")
    assert titles(world, admin, "?shared=false") == []
    assert db.session.scalar(select(func.count()).select_from(Snippet)) == first


def test_demo_snippets_skip_a_missing_agent(world):
    assert demo.load(utcnow()) == len(demo.SHARED)


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
@pytest.mark.parametrize("snippet_id", [2**31, 10**20])
def test_an_id_beyond_any_snippet_is_not_found(world, sam, method, snippet_id):
    response = world.call(method, f"/api/v1/snippets/{snippet_id}", sam, json={"title": "Hi"})
    rendered = world.post(f"/api/v1/snippets/{snippet_id}/render", sam, json={"ticket_id": 1})

    assert (response.status_code, rendered.status_code) == (404, 404)
