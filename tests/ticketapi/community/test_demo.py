"""The Tidewater demo suggestions: realistic, merged once, and loaded only once."""

from __future__ import annotations

from sqlalchemy import func, select

from ticketapi.community import demo
from ticketapi.community.models import Suggestion, SuggestionComment, SuggestionVote
from ticketapi.extensions import db


def counts() -> tuple[int, int, int]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Suggestion, SuggestionVote, SuggestionComment)
    )


def test_demo_loads_once(world):
    added = demo.load(world.now)
    db.session.commit()
    assert added > 0
    loaded = counts()
    assert demo.load(world.now) == 0
    db.session.commit()
    assert counts() == loaded


def test_demo_shows_every_status_and_a_merged_duplicate(world):
    admin = world.agent("Tidewater Admin", admin=True, email=demo.MODERATOR_EMAIL)
    demo.load(world.now)
    db.session.commit()

    listed = world.get("/api/v1/suggestions?per_page=100&status=" + ",".join(
        ["new", "under_review", "planned", "in_progress", "completed", "declined", "duplicate"]
    )).json["items"]  # fmt: skip
    by_title = {s["title"]: s for s in listed}
    assert {s["status"] for s in listed} == {
        "new", "under_review", "planned", "in_progress", "completed", "declined", "duplicate",
    }  # fmt: skip
    duplicate = by_title["Thumbnails of old versions in Browse"]
    survivor = by_title["Preview files in the web console before restoring"]
    assert duplicate["duplicate_of_id"] == survivor["id"]
    # Ingrid, Kwame and Cleo voted for the survivor; Aiko and Kwame for the duplicate.
    assert survivor["votes"] == 4
    # The public list hides the duplicate and ranks by votes.
    public = world.get("/api/v1/suggestions").json["items"]
    assert duplicate["id"] not in [s["id"] for s in public]
    assert public[0]["title"] == "Desktop app for Linux"

    answers = world.get(f"/api/v1/suggestions/{survivor['id']}/comments").json["items"]
    assert answers[0]["author"] == {"type": "agent", "id": admin.id, "name": "Tidewater Admin"}


def test_demo_reuses_people_who_exist(world):
    world.user("Ingrid Solberg", email="ingrid.solberg@example.com")
    added_with_ingrid = demo.load(world.now)
    assert (
        added_with_ingrid
        == sum(1 + len(item["voters"]) + len(item["comments"]) for item in demo.SUGGESTIONS)
        + len(demo.CUSTOMERS)
        - 1
    )
