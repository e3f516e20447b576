"""Opening, reading, listing and changing tickets through the API."""

from __future__ import annotations

import itertools
import random
import re
from collections import Counter

import pytest

from ticketapi.extensions import db, limiter
from ticketapi.people.models import User, Usergroup
from ticketapi.tickets.refs import ALPHABET, new_ref

SUBMISSION = {
    "name": "Ann Lee",
    "email": "Ann@Users.Example",
    "subject": "My kayak leaks",
    "message": "Water comes in at the stern.",
}


def submit(world, **changes):
    return world.post("/api/v1/tickets", json={**SUBMISSION, **changes})


def test_public_submission_answers_id_ref_status(world):
    response = submit(world)
    assert response.status_code == 201
    assert set(response.json) == {"id", "ref", "status"}
    assert response.json["status"] == "awaiting_agent"
    assert re.fullmatch(f"[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}", response.json["ref"])
    assert response.headers["Location"] == f"/api/v1/tickets/{response.json['id']}"


def as_number(ref: str) -> int:
    """A reference read as a number in base 31, so neighbours differ by one."""
    number = 0
    for symbol in ref.replace("-", ""):
        number = number * len(ALPHABET) + ALPHABET.index(symbol)
    return number


def test_refs_of_submissions_are_unique_and_do_not_follow_one_another(world):
    refs = [submit(world).json["ref"] for _ in range(30)]
    assert len(set(refs)) == 30
    # Whoever holds one reference cannot guess the next, or the one before.
    numbers = [as_number(ref) for ref in refs]
    steps = [abs(b - a) for a, b in itertools.pairwise(numbers)]
    assert min(steps) > 1000, refs  # 8 random symbols: a step this small comes once in 10^8
    # Consecutive references differ nearly everywhere, not in their last symbol or two.
    changed = [sum(x != y for x, y in zip(a, b, strict=True)) for a, b in itertools.pairwise(refs)]
    assert sum(changed) / len(changed) > 5, refs  # about 7.7 when every symbol is drawn


def test_every_symbol_of_a_reference_is_drawn_at_random():
    draws = [new_ref().replace("-", "") for _ in range(4000)]
    assert len(set(draws)) == len(draws)
    for position in range(8):
        counts = Counter(draw[position] for draw in draws)
        # Each of the 31 symbols, about 129 times each, at every position (a counter's high
        # positions never move). Chi-squared with 30 degrees of freedom: 90 is p < 10^-7.
        assert set(counts) == set(ALPHABET), (position, counts)
        expected = len(draws) / len(ALPHABET)
        chi_squared = sum((n - expected) ** 2 / expected for n in counts.values())
        assert chi_squared < 90, (position, counts)
    # Positions do not move together (as in a counter, or a generator that repeats a symbol).
    same_as_next = sum(a[i] == a[i + 1] for a in draws for i in range(7))
    assert same_as_next < 2 * len(draws) * 7 / len(ALPHABET), same_as_next


def test_references_do_not_come_from_pythons_seeded_random():
    """The module `random` can be seeded (and its state recovered from its output): a
    reference must not repeat when it is."""
    state = random.getstate()
    try:
        random.seed(13)
        first = [new_ref() for _ in range(5)]
        random.seed(13)
        again = [new_ref() for _ in range(5)]
    finally:
        random.setstate(state)
    assert set(first).isdisjoint(again)


def test_a_reference_drawn_twice_is_drawn_again(world, monkeypatch):
    taken = submit(world).json["ref"]
    draws = iter([taken, taken, "ZZZZ-2345"])
    monkeypatch.setattr("ticketapi.tickets.services.new_ref", lambda: next(draws))
    admin = world.admin()
    response = world.post(
        "/api/v1/tickets", admin, json={**SUBMISSION, "email": "bo@users.example", "cc": []}
    )
    assert response.status_code == 201, response.json
    assert response.json["ref"] == "ZZZZ-2345"
    # Nothing of the clashing attempts was left behind: one ticket each, with its message.
    listed = world.get("/api/v1/tickets?include_merged=true", admin).json["items"]
    assert sorted(t["ref"] for t in listed) == sorted([taken, "ZZZZ-2345"])
    messages = world.get(f"/api/v1/tickets/{response.json['id']}/messages", admin).json
    assert [m["body"] for m in messages["items"]] == [SUBMISSION["message"]]


def test_no_free_reference_is_a_conflict_that_says_to_try_again(world, monkeypatch):
    taken = submit(world).json["ref"]
    monkeypatch.setattr("ticketapi.tickets.services.new_ref", lambda: taken)
    response = submit(world, email="bo@users.example")
    assert response.status_code == 409, response.json
    assert "try again" in response.json["error"]["message"]
    assert world.get("/api/v1/tickets", world.admin()).json["total"] == 1


def test_submission_creates_an_unverified_user_once(world):
    first, second = submit(world), submit(world, name="Someone Else")
    assert first.status_code == second.status_code == 201
    users = db.session.scalars(db.select(User)).all()
    assert [(u.email, u.name, u.verified) for u in users] == [
        ("ann@users.example", "Ann Lee", False)
    ]


def test_submission_with_cc_adds_those_users(world):
    response = submit(world, cc=["bo@users.example", "cy@users.example"])
    admin = world.admin()
    ticket = world.get(f"/api/v1/tickets/{response.json['id']}", admin).json
    emails = [db.session.get(User, uid).email for uid in ticket["cc"]]
    assert emails == ["bo@users.example", "cy@users.example"]


def test_anonymous_submission_needs_the_everyone_permission(world):
    everyone = db.session.scalar(db.select(Usergroup).where(Usergroup.system_key == "everyone"))
    everyone.permissions = ["community.view"]
    db.session.commit()
    response = submit(world)
    assert response.status_code == 401
    assert "Sign in" in response.json["error"]["message"]
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


def test_signed_in_user_submits_without_name_and_email(world):
    user = world.user("Bo")
    response = world.post("/api/v1/tickets", user, json={"subject": "Hi", "message": "Help"})
    assert response.status_code == 201
    ticket = world.get(f"/api/v1/tickets/{response.json['id']}", user).json
    assert ticket["user_id"] == user.id
    assert ticket["source"] == "portal"


def test_anonymous_submission_without_email_names_the_fields(world):
    response = world.post("/api/v1/tickets", json={"subject": "Hi", "message": "Help"})
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"name", "email"}


def test_public_submission_is_rate_limited(app, world):
    app.config["SUBMIT_RATE_LIMIT"] = "3 per minute"
    limiter.reset()
    try:
        codes = [submit(world).status_code for _ in range(5)]
        signed_in = world.user("Bo")
        after = world.post("/api/v1/tickets", signed_in, json={"subject": "Hi", "message": "M"})
    finally:
        app.config["SUBMIT_RATE_LIMIT"] = "100000 per minute"
        limiter.reset()
    assert codes == [201, 201, 201, 429, 429]
    assert after.status_code == 201  # signed-in people are not limited by it


def test_rate_limited_answer_is_the_json_error(app, world):
    app.config["SUBMIT_RATE_LIMIT"] = "1 per minute"
    limiter.reset()
    try:
        submit(world)
        response = submit(world)
    finally:
        app.config["SUBMIT_RATE_LIMIT"] = "100000 per minute"
        limiter.reset()
    assert response.status_code == 429
    assert response.json["error"]["code"] == "rate_limited"


def test_agent_opens_a_ticket_for_a_user(world):
    agent = world.agent("Sam", permissions=["tickets.edit", "tickets.assign"])
    team = world.team("Support", agents=[agent])
    response = world.post(
        "/api/v1/tickets",
        agent,
        json={
            "subject": "Phoned in",
            "message": "Caller's paddle snapped.",
            "email": "caller@users.example",
            "name": "Caller",
            "team_id": team.id,
            "labels": ["Phone", "paddles"],
        },
    )
    assert response.status_code == 201, response.json
    ticket = world.get(f"/api/v1/tickets/{response.json['id']}", agent).json
    assert ticket["source"] == "agent"
    assert ticket["team_id"] == team.id
    assert ticket["labels"] == ["paddles", "phone"]
    messages = world.get(f"/api/v1/tickets/{ticket['id']}/messages", agent).json["items"]
    assert messages[0]["author"]["name"] == "Caller"


def test_agent_needs_to_say_who_the_ticket_is_for(world):
    agent = world.agent("Sam", permissions=["tickets.edit"])
    response = world.post("/api/v1/tickets", agent, json={"subject": "S", "message": "M"})
    assert response.status_code == 422
    assert "user_id" in response.json["error"]["fields"]


@pytest.fixture
def queue(world):
    """Tickets in several states for one agent, a team and nobody."""
    admin = world.admin()
    sam = world.agent("Sam", permissions=["tickets.reply"])
    ids = [submit(world, subject=f"Ticket {n}").json["id"] for n in range(6)]
    for ticket_id, changes in zip(
        ids,
        [
            {"agent_id": sam.id},
            {"agent_id": sam.id, "status": "pending"},
            {"agent_id": sam.id, "status": "resolved"},
            {"status": "awaiting_user"},
            {},
            {"agent_id": admin.id},
        ],
        strict=True,
    ):
        if changes:
            response = world.patch(
                f"/api/v1/tickets/{ticket_id}", admin, json={**changes, "version": 1}
            )
            assert response.status_code == 200, response.json
    return admin, sam, ids


def subjects(response) -> list[str]:
    assert response.status_code == 200, response.json
    return [t["subject"] for t in response.json["items"]]


def test_list_filters_by_status_and_agent_newest_first(world, queue):
    admin, sam, _ids = queue
    url = f"/api/v1/tickets?status=awaiting_agent,pending&agent_id={sam.id}"
    assert subjects(world.get(url, admin)) == ["Ticket 1", "Ticket 0"]
    assert subjects(world.get("/api/v1/tickets?agent_id=0&status=awaiting_agent", admin)) == [
        "Ticket 4"
    ]


def test_list_pages(world, queue):
    admin, _sam, _ids = queue
    page = world.get("/api/v1/tickets?per_page=4&page=2", admin).json
    assert (page["total"], page["page"], page["per_page"]) == (6, 2, 4)
    assert [t["subject"] for t in page["items"]] == ["Ticket 1", "Ticket 0"]


def test_list_searches_subject_and_ref(world, queue):
    admin, _sam, ids = queue
    assert subjects(world.get("/api/v1/tickets?q=ticket 3", admin)) == ["Ticket 3"]
    ref = world.get(f"/api/v1/tickets/{ids[2]}", admin).json["ref"]
    assert subjects(world.get(f"/api/v1/tickets?q={ref.lower()}", admin)) == ["Ticket 2"]
    assert subjects(world.get("/api/v1/tickets?q=100%", admin)) == []


def test_agent_without_view_all_sees_own_team_unassigned_and_followed(world, queue):
    admin, sam, ids = queue
    # Sam: his three, plus the unassigned two; not the admin's.
    assert sorted(subjects(world.get("/api/v1/tickets", sam))) == [
        "Ticket 0", "Ticket 1", "Ticket 2", "Ticket 3", "Ticket 4",
    ]  # fmt: skip
    assert world.get(f"/api/v1/tickets/{ids[5]}", sam).status_code == 404
    world.post(f"/api/v1/tickets/{ids[5]}/followers", admin, json={"agent_id": sam.id})
    assert "Ticket 5" in subjects(world.get("/api/v1/tickets?following=me", sam))
    assert world.get(f"/api/v1/tickets/{ids[5]}", sam).status_code == 200


def test_following_me_is_for_agents(world):
    user = world.user("Bo")
    response = world.get("/api/v1/tickets?following=me", user)
    assert response.status_code == 422
    assert "following" in response.json["error"]["fields"]


def test_user_lists_only_own_tickets(world):
    ann = world.user("Ann", email="ann@users.example")
    bo = world.user("Bo")
    submit(world, subject="Ann's")
    world.post("/api/v1/tickets", bo, json={"subject": "Bo's", "message": "M"})
    assert subjects(world.get("/api/v1/tickets", ann)) == ["Ann's"]
    assert subjects(world.get("/api/v1/tickets", bo)) == ["Bo's"]


def test_patch_changes_fields_and_records_each(world):
    admin = world.admin()
    ticket_id = submit(world).json["id"]
    cc_user = world.user("Cy")
    response = world.patch(
        f"/api/v1/tickets/{ticket_id}",
        admin,
        json={"subject": "Leaking stern", "urgency": 8, "cc": [cc_user.id], "version": 1},
    )
    assert response.status_code == 200, response.json
    assert (response.json["subject"], response.json["urgency"]) == ("Leaking stern", 8)
    assert response.json["cc"] == [cc_user.id]
    assert response.headers["ETag"] == '"2"'
    kinds = [
        e["kind"] for e in world.get(f"/api/v1/tickets/{ticket_id}/history", admin).json["items"]
    ]
    assert kinds == ["opened", "confirmation_sent", "subject", "urgency", "cc"]


def test_patch_needs_a_version(world):
    admin = world.admin()
    ticket_id = submit(world).json["id"]
    response = world.patch(f"/api/v1/tickets/{ticket_id}", admin, json={"urgency": 9})
    assert response.status_code == 428
    assert "If-Match" in response.json["error"]["message"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"agent_id": 999}, "agent_id"),
        ({"team_id": 999}, "team_id"),
        ({"cc": [999]}, "cc"),
        ({"followers": [999]}, "followers"),
        ({"status": "closed"}, "status"),
        ({"urgency": 11}, "urgency"),
        ({"labels": ["a,b"]}, "labels.0"),
    ],
)
def test_patch_refuses_unknown_values_naming_the_field(world, changes, field):
    admin = world.admin()
    ticket_id = submit(world).json["id"]
    response = world.patch(f"/api/v1/tickets/{ticket_id}", admin, json={**changes, "version": 1})
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]
    assert world.get(f"/api/v1/tickets/{ticket_id}", admin).json["version"] == 1


def test_deleting_a_ticket_removes_it(world):
    admin = world.admin()
    ticket_id = submit(world).json["id"]
    assert world.delete(f"/api/v1/tickets/{ticket_id}", admin).status_code == 204
    assert world.get(f"/api/v1/tickets/{ticket_id}", admin).status_code == 404


def test_user_may_cc_by_email_and_remove_themselves(world):
    ann = world.user("Ann", email="ann@users.example")
    ticket_id = submit(world).json["id"]
    response = world.post(
        f"/api/v1/tickets/{ticket_id}/cc", ann, json={"email": "bo@users.example"}
    )
    assert response.status_code == 200, response.json
    bo_id = response.json["cc"][0]
    refused = world.post(f"/api/v1/tickets/{ticket_id}/cc", ann, json={"user_id": bo_id})
    assert refused.status_code == 422
    assert world.delete(f"/api/v1/tickets/{ticket_id}/cc/{bo_id}", ann).json["cc"] == []


def test_behind_a_trusted_proxy_each_client_has_its_own_limit(app, world):
    from ticketapi import create_app

    proxied = create_app({**app.config, "TRUSTED_PROXIES": 1, "SUBMIT_RATE_LIMIT": "1 per minute"})
    client = proxied.test_client()
    limiter.reset()

    def from_client(address):
        return client.post(
            "/api/v1/tickets", json=SUBMISSION, headers={"X-Forwarded-For": address}
        ).status_code

    try:
        codes = [from_client("203.0.113.1"), from_client("203.0.113.2"), from_client("203.0.113.1")]
    finally:
        limiter.reset()
        with proxied.app_context():
            db.engine.dispose()
    assert codes == [201, 201, 429]


def test_blank_subject_or_message_is_refused(world):
    response = submit(world, subject="   ", message="\n\n")
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"subject", "message"}


def test_agent_opening_for_an_unknown_user_id_is_told_which_field(world):
    agent = world.agent("Sam", permissions=["tickets.edit"])
    response = world.post(
        "/api/v1/tickets", agent, json={"subject": "S", "message": "M", "user_id": 999}
    )
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {"user_id": "unknown id"}
