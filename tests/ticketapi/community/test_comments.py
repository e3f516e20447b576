"""Discussing suggestions: who may comment, and who may delete a comment."""

from __future__ import annotations

import pytest

from tests.support.community import assert_error, assert_harmless


def comments_path(suggestion: dict) -> str:
    return f"/api/v1/suggestions/{suggestion['id']}/comments"


def comment(world, suggestion, who, body="Good idea"):
    response = world.post(comments_path(suggestion), who, json={"body": body})
    assert response.status_code == 201, response.json
    return response.json


def test_users_and_agents_comment_and_everyone_reads_it_oldest_first(world, suggest, author):
    created = suggest()
    agent = world.agent("Agent Kim")
    first = comment(world, created, author, "Wind warnings\n\ntoo")
    second = comment(world, created, agent, "Noted")
    assert first["author"] == {"type": "user", "id": author.id, "name": "Author"}
    assert second["author"] == {"type": "agent", "id": agent.id, "name": "Agent Kim"}
    assert first["body_html"] == "<p>Wind warnings</p><p>too</p>"
    assert first["suggestion_id"] == created["id"]
    listed = world.get(comments_path(created)).json
    assert [c["body"] for c in listed["items"]] == ["Wind warnings\n\ntoo", "Noted"]
    assert listed["total"] == 2


def test_comment_html_is_sanitized(world, suggest, author):
    created = suggest()
    plain = comment(world, created, author, '<img src=x onerror="alert(1)">')
    assert_harmless(plain["body_html"])
    rich = world.post(
        comments_path(created),
        author,
        json={"body": "x", "body_html": '<p onclick="x()">Hi<script>alert(1)</script></p>'},
    ).json
    assert_harmless(rich["body_html"])
    assert rich["body_html"] == "<p>Hi</p>"


@pytest.mark.parametrize(
    ("deleter", "status"),
    [
        ("comment_author", 204),
        ("moderator", 204),
        ("admin", 204),
        ("other_user", 403),
        ("suggestion_author", 403),
        ("plain_agent", 403),
        ("anonymous", 401),
    ],
)
def test_who_may_delete_a_comment(world, suggest, author, moderator, deleter, status):
    created = suggest()
    writer = world.user("Writer")
    posted = comment(world, created, writer)
    who = {
        "comment_author": writer,
        "moderator": moderator,
        "admin": world.admin(),
        "other_user": world.user("Other"),
        "suggestion_author": author,
        "plain_agent": world.agent("Plain agent"),
        "anonymous": None,
    }[deleter]
    path = f"{comments_path(created)}/{posted['id']}"
    response = world.delete(path, who) if who else world.delete(path)
    assert response.status_code == status
    remaining = world.get(comments_path(created)).json["total"]
    assert remaining == (0 if status == 204 else 1)


def test_an_agent_deletes_their_own_comment_without_moderation_rights(world, suggest):
    created = suggest()
    agent = world.agent("Plain agent")
    posted = comment(world, created, agent)
    assert world.delete(f"{comments_path(created)}/{posted['id']}", agent).status_code == 204


def test_a_moderators_deletion_is_in_the_history(world, suggest, moderator):
    created = suggest()
    writer = world.user("Writer")
    posted = comment(world, created, writer)
    world.delete(f"{comments_path(created)}/{posted['id']}", moderator)
    history = world.get(f"/api/v1/suggestions/{created['id']}/history", moderator).json["items"]
    assert history[-1]["kind"] == "comment_deleted"
    assert history[-1]["data"]["author"] == {"type": "user", "id": writer.id, "name": "Writer"}


def test_a_comment_is_deleted_only_through_its_own_suggestion(world, suggest, moderator):
    one, other = suggest("One"), suggest("Other")
    posted = comment(world, one, moderator)
    assert_error(world.delete(f"{comments_path(other)}/{posted['id']}", moderator), 404)
    assert_error(world.delete(f"{comments_path(one)}/999999", moderator), 404)
    assert world.get(comments_path(one)).json["total"] == 1
