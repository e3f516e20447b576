"""Who may do what in the community, from anonymous visitors to admins."""

from __future__ import annotations

import pytest

from tests.support.community import (
    COMMUNITY_PERMISSIONS,
    assert_error,
    close_community,
    set_builtin_permissions,
)
from tests.support.world import ANONYMOUS

PERSONAS = (
    "anonymous",
    "user",
    "closed_user",
    "grouped_user",
    "closed_anonymous",
    "plain_agent",
    "moderator",
    "admin",
)

# anonymous and user: the built-in groups as shipped. closed_*: the built-in groups grant
# no community permission. grouped_user: closed, but in a usergroup that grants them all.
# plain_agent: an agent without community.moderate. Anonymous refusals are 401: sign in.
MATRIX = {
    #               anon  user  c_usr g_usr c_anon agent  mod admin
    "list":        (200,  200,  403,  200,  401,   200,  200, 200),
    "view":        (200,  200,  403,  200,  401,   200,  200, 200),
    "see_votes":   (200,  200,  403,  200,  401,   200,  200, 200),
    "see_comments":(200,  200,  403,  200,  401,   200,  200, 200),
    "post":        (401,  201,  403,  201,  401,   403,  403, 403),
    "vote":        (401,  200,  403,  200,  401,   403,  403, 403),
    "unvote":      (401,  200,  403,  200,  401,   403,  403, 403),
    "comment":     (401,  201,  403,  201,  401,   201,  201, 201),
    "set_status":  (401,  403,  403,  403,  401,   403,  200, 200),
    "merge":       (401,  403,  403,  403,  401,   403,  200, 200),
    "delete":      (401,  403,  403,  403,  401,   403,  204, 204),
    "history":     (401,  403,  403,  403,  401,   200,  200, 200),
}  # fmt: skip


def request_for(action: str, suggestion_id: int, other_id: int) -> tuple[str, str, dict | None]:
    base = f"/api/v1/suggestions/{suggestion_id}"
    return {
        "list": ("GET", "/api/v1/suggestions", None),
        "view": ("GET", base, None),
        "see_votes": ("GET", f"{base}/votes", None),
        "see_comments": ("GET", f"{base}/comments", None),
        "post": ("POST", "/api/v1/suggestions", {"title": "Kayak storage"}),
        "vote": ("POST", f"{base}/votes", None),
        "unvote": ("DELETE", f"{base}/votes", None),
        "comment": ("POST", f"{base}/comments", {"body": "+1"}),
        "set_status": ("PATCH", base, {"status": "planned"}),
        "merge": ("POST", f"{base}/merge", {"into_id": other_id}),
        "delete": ("DELETE", base, None),
        "history": ("GET", f"{base}/history", None),
    }[action]


def persona(world, name: str):
    if name.startswith("closed") or name == "grouped_user":
        close_community()
    match name:
        case "anonymous" | "closed_anonymous":
            return ANONYMOUS
        case "user" | "closed_user":
            return world.user("Visitor")
        case "grouped_user":
            group = world.usergroup("Paddling club", COMMUNITY_PERMISSIONS)
            return world.user("Member", usergroups=[group])
        case "plain_agent":
            return world.agent("Plain agent", permissions=["tickets.reply", "crm.edit"])
        case "moderator":
            return world.agent("Moderator", permissions=["community.moderate"])
        case "admin":
            return world.admin()
    raise AssertionError(name)


@pytest.mark.parametrize("who", PERSONAS)
@pytest.mark.parametrize("action", MATRIX)
def test_permission_matrix(world, suggest, action, who):
    suggestion, other = suggest("Rebooking"), suggest("Other")
    account = persona(world, who)
    method, path, body = request_for(action, suggestion["id"], other["id"])
    kwargs = {"json": body} if body is not None else {}
    response = world.call(method, path, account, **kwargs)
    expected = MATRIX[action][PERSONAS.index(who)]
    assert response.status_code == expected, response.get_data(as_text=True)
    if expected == 401:
        assert "Sign in" in response.json["error"]["message"]


def test_a_refused_write_changes_nothing(world, suggest):
    suggestion = suggest()
    close_community()
    closed = world.user("Closed")
    world.post(f"/api/v1/suggestions/{suggestion['id']}/votes", closed)
    world.post(f"/api/v1/suggestions/{suggestion['id']}/comments", closed, json={"body": "x"})
    set_builtin_permissions("everyone", ["community.view"])
    assert world.get(f"/api/v1/suggestions/{suggestion['id']}").json["votes"] == 0
    assert world.get(f"/api/v1/suggestions/{suggestion['id']}/comments").json["total"] == 0


def test_an_author_keeps_editing_rights_only_with_community_suggest(world, suggest, author):
    suggestion = suggest()
    set_builtin_permissions("registered", ["community.view"])
    refused = world.patch(f"/api/v1/suggestions/{suggestion['id']}", author, json={"title": "x"})
    assert_error(refused, 403)


def test_agents_do_not_post_suggestions(world):
    refused = world.post("/api/v1/suggestions", world.admin(), json={"title": "From an agent"})
    assert "comment" in assert_error(refused, 403)["message"]


def test_the_everyone_group_opens_voting_only_to_signed_in_people(world, suggest):
    suggestion = suggest()
    set_builtin_permissions("everyone", COMMUNITY_PERMISSIONS)
    refused = world.post(f"/api/v1/suggestions/{suggestion['id']}/votes")
    assert assert_error(refused, 401)["message"] == "Sign in to vote."
    refused = world.post("/api/v1/suggestions", json={"title": "Anonymous idea"})
    assert assert_error(refused, 401)["message"] == "Sign in to post a suggestion."
