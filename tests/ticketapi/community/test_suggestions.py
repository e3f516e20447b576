"""Posting, listing, editing, moderating and deleting suggestions."""

from __future__ import annotations

import pytest

from tests.support.community import assert_error, assert_harmless, elements

MODERATED_STATUSES = ["new", "under_review", "planned", "in_progress", "completed", "declined"]


def test_a_user_posts_a_suggestion_and_anyone_can_read_it(world, author):
    response = world.post(
        "/api/v1/suggestions",
        author,
        json={"title": "  Tide times on trip pages ", "body": "High and low water.\n\nPlease.",
              "category": " Trips "},
    )  # fmt: skip
    assert response.status_code == 201
    created = response.json
    assert response.headers["Location"] == f"/api/v1/suggestions/{created['id']}"
    assert created["title"] == "Tide times on trip pages"
    assert created["category"] == "Trips"
    assert created["status"] == "new"
    assert created["votes"] == 0
    assert created["voted"] is False
    assert created["author_id"] == author.id
    assert created["author_name"] == "Author"
    assert created["duplicate_of_id"] is None
    assert created["body_html"] == "<p>High and low water.</p><p>Please.</p>"
    assert created["created_at"].endswith("Z")

    shown = world.get(f"/api/v1/suggestions/{created['id']}")
    assert shown.status_code == 200
    assert shown.json == created


def test_body_and_category_are_optional(world, suggest):
    created = suggest("Night paddles")
    assert created["body"] == ""
    assert created["body_html"] == ""
    assert created["category"] is None


def test_a_missing_suggestion_is_404(world):
    assert_error(world.get("/api/v1/suggestions/999999"), 404)


def test_the_list_is_most_voted_first_and_says_what_you_voted_for(world, suggest, vote):
    voters = [world.user(f"Voter {n}") for n in range(3)]
    few, many, none = suggest("Few"), suggest("Many"), suggest("None")
    vote(many["id"], *voters)
    vote(few["id"], voters[0])

    listed = world.get("/api/v1/suggestions", voters[1]).json
    assert [(s["title"], s["votes"], s["voted"]) for s in listed["items"]] == [
        ("Many", 3, True),
        ("Few", 1, False),
        ("None", 0, False),
    ]
    assert listed["total"] == 3
    assert none["id"] in [s["id"] for s in listed["items"]]


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ("-created_at", ["Third", "Second", "First"]),
        ("created_at", ["First", "Second", "Third"]),
        ("-votes", ["Second", "Third", "First"]),
    ],
)
def test_order(world, suggest, vote, order, expected):
    first, second, third = suggest("First"), suggest("Second"), suggest("Third")
    vote(second["id"], world.user("A"), world.user("B"))
    vote(third["id"], world.user("C"))
    del first
    listed = world.get(f"/api/v1/suggestions?order={order}").json["items"]
    assert [s["title"] for s in listed] == expected


def test_filters(world, suggest, moderator):
    other = world.user("Other")
    rebook = suggest("Rebook online", category="Bookings")
    suggest("Tide tables", category="Trips")
    sms = suggest("SMS 100% reminder", category="Bookings", who=other)
    world.patch(f"/api/v1/suggestions/{sms['id']}", moderator, json={"status": "planned"})

    def titles(query: str) -> list[str]:
        response = world.get(f"/api/v1/suggestions?order=created_at&{query}")
        assert response.status_code == 200, response.json
        return [s["title"] for s in response.json["items"]]

    assert titles("category=Bookings") == ["Rebook online", "SMS 100% reminder"]
    assert titles("status=planned") == ["SMS 100% reminder"]
    assert titles("status=new,planned") == ["Rebook online", "Tide tables", "SMS 100% reminder"]
    assert titles("q=TIDE") == ["Tide tables"]
    assert titles("q=100%25") == ["SMS 100% reminder"]
    assert titles("q=%25") == ["SMS 100% reminder"]
    assert titles(f"author_id={other.id}") == ["SMS 100% reminder"]
    assert titles("category=Bookings&status=new") == [rebook["title"]]


def test_pages(world, suggest):
    for n in range(5):
        suggest(f"Idea {n}")
    page = world.get("/api/v1/suggestions?order=created_at&page=2&per_page=2").json
    assert [s["title"] for s in page["items"]] == ["Idea 2", "Idea 3"]
    assert (page["page"], page["per_page"], page["total"]) == (2, 2, 5)


# Editing -------------------------------------------------------------------------


def test_the_author_edits_a_new_suggestion(world, author, suggest):
    created = suggest("Rebookng", body="typo")
    response = world.patch(
        f"/api/v1/suggestions/{created['id']}",
        author,
        json={"title": "Rebooking online", "body": "Fixed", "category": "Bookings"},
    )
    assert response.status_code == 200
    assert (response.json["title"], response.json["body"], response.json["category"]) == (
        "Rebooking online",
        "Fixed",
        "Bookings",
    )
    assert response.json["body_html"] == "<p>Fixed</p>"
    cleared = world.patch(f"/api/v1/suggestions/{created['id']}", author, json={"category": None})
    assert cleared.json["category"] is None


def test_the_author_cannot_edit_once_a_moderator_picked_it_up(world, author, suggest, moderator):
    created = suggest()
    world.patch(f"/api/v1/suggestions/{created['id']}", moderator, json={"status": "planned"})
    refused = world.patch(f"/api/v1/suggestions/{created['id']}", author, json={"title": "Hm"})
    error = assert_error(refused, 403)
    assert "planned" in error["message"] and "comment" in error["message"]
    assert world.get(f"/api/v1/suggestions/{created['id']}").json["title"] == created["title"]


def test_the_author_cannot_set_a_status(world, author, suggest):
    created = suggest()
    refused = world.patch(
        f"/api/v1/suggestions/{created['id']}", author, json={"status": "planned"}
    )
    assert "moderators" in assert_error(refused, 403)["message"]


def test_other_users_cannot_edit(world, suggest):
    created = suggest()
    refused = world.patch(
        f"/api/v1/suggestions/{created['id']}", world.user("Someone"), json={"title": "Mine now"}
    )
    assert_error(refused, 403)


def test_a_moderator_edits_anything(world, suggest, moderator):
    created = suggest()
    world.patch(f"/api/v1/suggestions/{created['id']}", moderator, json={"status": "planned"})
    response = world.patch(
        f"/api/v1/suggestions/{created['id']}", moderator, json={"title": "Clearer title"}
    )
    assert response.status_code == 200
    assert response.json["title"] == "Clearer title"
    assert response.json["status"] == "planned"


@pytest.mark.parametrize("status", MODERATED_STATUSES)
def test_a_moderator_sets_every_status_and_it_is_in_the_history(world, suggest, moderator, status):
    created = suggest()
    if status == "new":
        world.patch(f"/api/v1/suggestions/{created['id']}", moderator, json={"status": "planned"})
    response = world.patch(
        f"/api/v1/suggestions/{created['id']}", moderator, json={"status": status}
    )
    assert response.status_code == 200
    assert response.json["status"] == status
    assert response.json["status_changed_at"] >= created["status_changed_at"]
    history = world.get(f"/api/v1/suggestions/{created['id']}/history", moderator).json
    changes = [e for e in history["items"] if e["kind"] == "status"]
    assert changes[-1]["data"] == {"old": "planned" if status == "new" else "new", "new": status}
    assert changes[-1]["actor"] == {"type": "agent", "id": moderator.id, "name": "Moderator"}


@pytest.mark.parametrize("who", ["agent", "author", "user"])
def test_status_changes_need_community_moderate(world, suggest, author, who):
    created = suggest()
    actor = {
        "agent": lambda: world.agent("Plain agent", permissions=["tickets.reply"]),
        "author": lambda: author,
        "user": lambda: world.user("Someone"),
    }[who]()
    refused = world.patch(
        f"/api/v1/suggestions/{created['id']}", actor, json={"status": "completed"}
    )
    assert_error(refused, 403)
    assert world.get(f"/api/v1/suggestions/{created['id']}").json["status"] == "new"


def test_duplicate_is_set_by_merging_not_by_patch(world, suggest, moderator):
    created = suggest()
    refused = world.patch(
        f"/api/v1/suggestions/{created['id']}", moderator, json={"status": "duplicate"}
    )
    assert_error(refused, 422, "status")


def test_an_unchanged_patch_records_nothing(world, suggest, moderator):
    created = suggest("Same")
    world.patch(f"/api/v1/suggestions/{created['id']}", moderator, json={"title": "Same"})
    history = world.get(f"/api/v1/suggestions/{created['id']}/history", moderator).json
    assert [e["kind"] for e in history["items"]] == ["created"]


# Deleting ------------------------------------------------------------------------


def test_a_moderator_deletes_a_suggestion_with_its_votes_and_comments(
    world, suggest, vote, moderator, author
):
    created = suggest()
    vote(created["id"], author)
    world.post(f"/api/v1/suggestions/{created['id']}/comments", author, json={"body": "Hi"})
    response = world.delete(f"/api/v1/suggestions/{created['id']}", moderator)
    assert response.status_code == 204
    assert_error(world.get(f"/api/v1/suggestions/{created['id']}"), 404)
    assert world.get("/api/v1/suggestions").json["total"] == 0


@pytest.mark.parametrize("who", ["author", "agent"])
def test_only_moderators_delete(world, suggest, author, who):
    created = suggest()
    actor = author if who == "author" else world.agent("Plain agent")
    assert_error(world.delete(f"/api/v1/suggestions/{created['id']}", actor), 403)
    assert world.get(f"/api/v1/suggestions/{created['id']}").status_code == 200


# Untrusted text ------------------------------------------------------------------

HOSTILE = (
    '<script>alert(1)</script><img src=x onerror="alert(2)">'
    '<a href="javascript:alert(3)" onclick=alert(4)>click</a><b>bold</b>'
)


def test_markup_in_a_plain_body_is_shown_as_text(world, suggest):
    created = suggest("<b>Title</b>", body=HOSTILE)
    assert_harmless(created["body_html"])
    assert [tag for tag, _ in elements(created["body_html"])] == ["p"]
    assert "&lt;script&gt;" in created["body_html"]
    # The title is data in JSON: kept as typed, for the page to escape.
    assert created["title"] == "<b>Title</b>"


def test_rich_text_is_sanitized(world, suggest, author, moderator):
    created = suggest(body="Bold", body_html=HOSTILE)
    assert_harmless(created["body_html"])
    assert "<b>bold</b>" in created["body_html"]
    assert created["body"] == "Bold"

    edited = world.patch(
        f"/api/v1/suggestions/{created['id']}", author, json={"body_html": HOSTILE + "<p>2</p>"}
    )
    assert_harmless(edited.json["body_html"])
    assert "<p>2</p>" in edited.json["body_html"]
