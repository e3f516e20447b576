"""Who may do what: every ticket, message, attachment, history, suggestion, search and
notification-settings route, tried as each kind of person, with the status code each must get.

The people: anonymous; user A, who opened the ticket; user B of the same organization;
user C of the same organization whose usergroup may see organization tickets; an
agent who cannot see the ticket (no permissions, not assigned); an agent who sees
every ticket but holds no other permission; and an admin.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest

from tests.support.database import reset_database
from tests.support.world import ANONYMOUS

ACTORS = ("anonymous", "user_a", "user_b", "user_c_org", "agent_blind", "agent_viewer", "admin")


@dataclass
class Scene:
    accounts: dict
    ticket: int
    other_ticket: int
    attachment: int
    note_attachment: int
    version: int = 0
    suggestion: int = 0
    other_suggestion: int = 0
    comment: int = 0
    cc_user: int = 0
    held: int = 0


@pytest.fixture
def scene(world) -> Scene:
    return build_scene(world)


def build_scene(world) -> Scene:
    acme = world.organization("Acme", domains=["acme.example"])
    org_viewers = world.usergroup("Coordinators", ["tickets.view_organization"])
    # Created in this order, agents and users share ids (each table counts from 1): the
    # viewer has the requester's id, the blind agent user_b's, the assignee user_c's. A rule
    # that compares ids without the kind lets one act as the other, and a code here changes.
    accounts = {
        "anonymous": ANONYMOUS,
        "user_a": world.user("Ann", email="ann@acme.example", organization=acme),
        "user_b": world.user("Bo", email="bo@acme.example", organization=acme),
        "user_c_org": world.user(
            "Cy", email="cy@acme.example", organization=acme, usergroups=[org_viewers]
        ),
        "agent_viewer": world.agent("Viewer", permissions=["tickets.view_all"]),
        "agent_blind": world.agent("Blind"),
        "assignee": world.agent("Assignee", permissions=["tickets.reply"]),
        "admin": world.admin(),
    }
    twins = [("agent_viewer", "user_a"), ("agent_blind", "user_b"), ("assignee", "user_c_org")]
    assert all(accounts[agent].id == accounts[user].id for agent, user in twins)
    user_a, admin = accounts["user_a"], accounts["admin"]

    def open_ticket(subject):
        response = world.post("/api/v1/tickets", user_a, json={"subject": subject, "message": "M"})
        ticket_id = response.json["id"]
        world.patch(
            f"/api/v1/tickets/{ticket_id}",
            admin,
            json={"agent_id": accounts["assignee"].id, "version": 1},
        )
        return ticket_id

    ticket, other_ticket = open_ticket("Leak"), open_ticket("Same leak")

    def attach(who, note):
        uploaded = world.post(
            "/api/v1/uploads",
            who,
            data={"file": (io.BytesIO(b"photo"), "photo.jpg", "image/jpeg")},
            content_type="multipart/form-data",
        ).json
        posted = world.post(
            f"/api/v1/tickets/{ticket}/messages",
            who,
            json={"body": "File", "note": note, "attachment_ids": [uploaded["id"]]},
        )
        assert posted.status_code == 201, posted.json
        return uploaded["id"]

    built = Scene(accounts, ticket, other_ticket, attach(user_a, False), attach(admin, True))
    # Sent without signing in, under Ann's address: held until Ann confirms it (only she and
    # the agents see it; user_c_org, who sees Acme's tickets, does not).
    typed = {"name": "Ann", "email": "ann@acme.example", "subject": "Held", "message": "M"}
    built.held = world.post("/api/v1/tickets", json=typed).json["id"]
    routed = world.patch(
        f"/api/v1/tickets/{built.held}",
        admin,
        json={"agent_id": accounts["assignee"].id, "version": 1},
    )
    assert routed.status_code == 200, routed.json
    # Someone CC'd, for the route that removes a CC; nobody among ACTORS.
    built.cc_user = world.user("Dee", email="dee@elsewhere.example").id
    copied = world.post(f"/api/v1/tickets/{ticket}/cc", admin, json={"user_id": built.cc_user})
    assert copied.status_code == 200, copied.json
    built.version = world.get(f"/api/v1/tickets/{ticket}", admin).json["version"]

    def suggest(who, title):
        posted = world.post("/api/v1/suggestions", who, json={"title": title})
        assert posted.status_code == 201, posted.json
        return posted.json["id"]

    built.suggestion = suggest(user_a, "Online rebooking")
    built.other_suggestion = suggest(accounts["user_b"], "Rebook online")
    commented = world.post(
        f"/api/v1/suggestions/{built.suggestion}/comments", user_a, json={"body": "Please"}
    )
    assert commented.status_code == 201, commented.json
    built.comment = commented.json["id"]
    return built


# route name: (method, url, json body, expected codes in ACTORS order)
ROUTES = {
    "list tickets": ("GET", "/api/v1/tickets", None, (401, 200, 200, 200, 200, 200, 200)),
    "get ticket": ("GET", "/api/v1/tickets/{ticket}", None, (401, 200, 404, 200, 404, 200, 200)),
    "change ticket": (
        "PATCH", "/api/v1/tickets/{ticket}", {"urgency": 9, "version": "{version}"},
        (401, 403, 404, 403, 404, 403, 200),
    ),
    "assign ticket": (
        "PATCH", "/api/v1/tickets/{ticket}", {"agent_id": None, "version": "{version}"},
        (401, 403, 404, 403, 404, 403, 200),
    ),
    "delete ticket": (
        "DELETE", "/api/v1/tickets/{ticket}", None, (401, 403, 404, 403, 404, 403, 204)
    ),
    "merge ticket": (
        "POST", "/api/v1/tickets/{ticket}/merge", {"into_id": "{other_ticket}"},
        (401, 403, 404, 403, 404, 403, 200),
    ),
    "read messages": (
        "GET", "/api/v1/tickets/{ticket}/messages", None, (401, 200, 404, 200, 404, 200, 200)
    ),
    "reply": (
        "POST", "/api/v1/tickets/{ticket}/messages", {"body": "Hi"},
        (401, 201, 404, 201, 404, 403, 201),
    ),
    "add note": (
        "POST", "/api/v1/tickets/{ticket}/messages", {"body": "Psst", "note": True},
        (401, 403, 404, 403, 404, 403, 201),
    ),
    "history": (
        "GET", "/api/v1/tickets/{ticket}/history", None, (401, 403, 404, 403, 404, 200, 200)
    ),
    "followers": (
        "GET", "/api/v1/tickets/{ticket}/followers", None, (401, 200, 404, 200, 404, 200, 200)
    ),
    "follow": (
        "POST", "/api/v1/tickets/{ticket}/followers", {"agent_id": "{me}"},
        (401, 403, 404, 403, 404, 200, 200),
    ),
    "add follower": (
        "POST", "/api/v1/tickets/{ticket}/followers", {"agent_id": "{assignee}"},
        (401, 403, 404, 403, 404, 403, 200),
    ),
    "cc list": ("GET", "/api/v1/tickets/{ticket}/cc", None, (401, 200, 404, 200, 404, 200, 200)),
    "cc someone": (
        "POST", "/api/v1/tickets/{ticket}/cc", {"email": "dee@acme.example"},
        (401, 200, 404, 403, 404, 403, 200),
    ),
    "remove cc": (
        "DELETE", "/api/v1/tickets/{ticket}/cc/{cc_user}", None,
        (401, 200, 404, 403, 404, 403, 200),
    ),
    "attachment": (
        "GET", "/api/v1/attachments/{attachment}", None, (401, 200, 404, 200, 404, 200, 200)
    ),
    "download": (
        "GET", "/api/v1/attachments/{attachment}/download", None,
        (401, 200, 404, 200, 404, 200, 200),
    ),
    "note attachment": (
        "GET", "/api/v1/attachments/{note_attachment}/download", None,
        (401, 404, 404, 404, 404, 200, 200),
    ),
    # {held}: sent without signing in under user_a's address, not confirmed yet. Only its
    # requester confirms it (signed in here; anyone with the mailed link); agents with
    # tickets.edit may mail a new link.
    "get held ticket": (
        "GET", "/api/v1/tickets/{held}", None, (401, 200, 404, 404, 404, 200, 200)
    ),
    "read held messages": (
        "GET", "/api/v1/tickets/{held}/messages", None, (401, 200, 404, 404, 404, 200, 200)
    ),
    "reply to held ticket": (
        "POST", "/api/v1/tickets/{held}/messages", {"body": "Hi"},
        (401, 201, 404, 404, 404, 403, 201),
    ),
    "confirm held ticket": (
        "POST", "/api/v1/tickets/{held}/confirm", {}, (401, 200, 404, 404, 404, 403, 403)
    ),
    "mail a confirmation link": (
        "POST", "/api/v1/tickets/{held}/confirmation-link", None,
        (401, 403, 404, 404, 404, 403, 202),
    ),
    # Suggestions: user_a wrote {suggestion} (still new) and {comment} on it; user_b wrote
    # {other_suggestion}. Only portal users post and vote; every agent comments; only
    # community.moderate (here: the admin) changes status, deletes and merges.
    "list suggestions": ("GET", "/api/v1/suggestions", None, (200, 200, 200, 200, 200, 200, 200)),
    "get suggestion": (
        "GET", "/api/v1/suggestions/{suggestion}", None, (200, 200, 200, 200, 200, 200, 200)
    ),
    "post suggestion": (
        "POST", "/api/v1/suggestions", {"title": "Dark mode"},
        (401, 201, 201, 201, 403, 403, 403),
    ),
    "edit suggestion": (
        "PATCH", "/api/v1/suggestions/{suggestion}", {"title": "Rebooking online"},
        (401, 200, 403, 403, 403, 403, 200),
    ),
    "suggestion status": (
        "PATCH", "/api/v1/suggestions/{suggestion}", {"status": "planned"},
        (401, 403, 403, 403, 403, 403, 200),
    ),
    "delete suggestion": (
        "DELETE", "/api/v1/suggestions/{suggestion}", None, (401, 403, 403, 403, 403, 403, 204)
    ),
    "suggestion history": (
        "GET", "/api/v1/suggestions/{suggestion}/history", None,
        (401, 403, 403, 403, 200, 200, 200),
    ),
    "votes": (
        "GET", "/api/v1/suggestions/{suggestion}/votes", None, (200, 200, 200, 200, 200, 200, 200)
    ),
    "vote": (
        "POST", "/api/v1/suggestions/{suggestion}/votes", None,
        (401, 200, 200, 200, 403, 403, 403),
    ),
    "unvote": (
        "DELETE", "/api/v1/suggestions/{suggestion}/votes", None,
        (401, 200, 200, 200, 403, 403, 403),
    ),
    "comments": (
        "GET", "/api/v1/suggestions/{suggestion}/comments", None,
        (200, 200, 200, 200, 200, 200, 200),
    ),
    "comment": (
        "POST", "/api/v1/suggestions/{suggestion}/comments", {"body": "+1"},
        (401, 201, 201, 201, 201, 201, 201),
    ),
    "delete comment": (
        "DELETE", "/api/v1/suggestions/{suggestion}/comments/{comment}", None,
        (401, 204, 403, 403, 403, 403, 204),
    ),
    "merge suggestion": (
        "POST", "/api/v1/suggestions/{suggestion}/merge", {"into_id": "{other_suggestion}"},
        (401, 403, 403, 403, 403, 403, 200),
    ),
    # Notification settings: every agent their own, admins anyone's ({assignee}'s here).
    "my notifications": (
        "GET", "/api/v1/agents/me/notifications", None, (401, 403, 403, 403, 200, 200, 200)
    ),
    "change my notifications": (
        "PATCH", "/api/v1/agents/me/notifications", {"user_reply": False},
        (401, 403, 403, 403, 200, 200, 200),
    ),
    "an agent's notifications": (
        "GET", "/api/v1/agents/{assignee}/notifications", None,
        (401, 403, 403, 403, 403, 403, 200),
    ),
    "change an agent's notifications": (
        "PATCH", "/api/v1/agents/{assignee}/notifications", {"user_reply": False},
        (401, 403, 403, 403, 403, 403, 200),
    ),
    # Search is the public portal's: anyone searches; the deflection report is reports.view's.
    "search": ("GET", "/api/v1/search?q=leak", None, (200, 200, 200, 200, 200, 200, 200)),
    "deflection report": (
        "GET", "/api/v1/search/deflections", None, (401, 403, 403, 403, 403, 403, 200)
    ),
}  # fmt: skip


def fill(value, scene: Scene, me):
    names = {
        "ticket": scene.ticket,
        "other_ticket": scene.other_ticket,
        "attachment": scene.attachment,
        "note_attachment": scene.note_attachment,
        "assignee": scene.accounts["assignee"].id,
        "me": me.id if me.row is not None else 1,
        "version": scene.version,
        "suggestion": scene.suggestion,
        "other_suggestion": scene.other_suggestion,
        "comment": scene.comment,
        "cc_user": scene.cc_user,
        "held": scene.held,
    }
    if isinstance(value, str):
        for name, number in names.items():
            if value == "{" + name + "}":
                return number
            value = value.replace("{" + name + "}", str(number))
        return value
    if isinstance(value, dict):
        return {key: fill(item, scene, me) for key, item in value.items()}
    return value


@pytest.mark.parametrize("route", ROUTES)
def test_access(world, route):
    """Each actor in turn; after anyone changes something, the next starts from a fresh scene."""
    method, url, body, codes = ROUTES[route]
    scene = build_scene(world)
    answers = {}
    for actor in ACTORS:
        who = scene.accounts[actor]
        kwargs = {} if body is None else {"json": fill(body, scene, who)}
        response = world.call(method, fill(url, scene, who), who, **kwargs)
        answers[actor] = response.status_code
        if response.status_code >= 400:
            assert set(response.json["error"]) >= {"code", "message"}, response.json
        elif method != "GET":
            reset_database()
            scene = build_scene(world)
    assert answers == dict(zip(ACTORS, codes, strict=True))


@pytest.mark.parametrize(
    ("actor", "subjects"),
    [
        ("user_a", ["Held", "Same leak", "Leak"]),
        ("user_b", []),
        ("user_c_org", ["Same leak", "Leak"]),
        ("agent_blind", []),
        ("agent_viewer", ["Held", "Same leak", "Leak"]),
        ("admin", ["Held", "Same leak", "Leak"]),
    ],
)
def test_lists_hold_only_what_each_may_see(world, scene, actor, subjects):
    listed = world.get("/api/v1/tickets", scene.accounts[actor]).json["items"]
    assert [t["subject"] for t in listed] == subjects
