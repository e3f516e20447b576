"""One vote per user, taking it back, and votes surviving races."""

from __future__ import annotations

import threading

from tests.support.community import assert_error
from ticketapi.community import votes
from ticketapi.extensions import db


def votes_path(suggestion: dict) -> str:
    return f"/api/v1/suggestions/{suggestion['id']}/votes"


def test_a_vote_counts_once_however_often_it_is_cast(world, suggest):
    created = suggest()
    paddler = world.user("Paddler")
    first = world.post(votes_path(created), paddler)
    again = world.post(votes_path(created), paddler)
    assert first.status_code == again.status_code == 200
    assert first.json == again.json == {"suggestion_id": created["id"], "votes": 1, "voted": True}
    shown = world.get(f"/api/v1/suggestions/{created['id']}", paddler).json
    assert (shown["votes"], shown["voted"]) == (1, True)


def test_votes_from_different_users_add_up(world, suggest, vote):
    created = suggest()
    vote(created["id"], world.user("A"), world.user("B"), world.user("C"))
    assert world.get(votes_path(created)).json["votes"] == 3


def test_unvote(world, suggest, vote):
    created = suggest()
    stays, leaves = world.user("Stays"), world.user("Leaves")
    vote(created["id"], stays, leaves)
    response = world.delete(votes_path(created), leaves)
    assert response.status_code == 200
    assert response.json == {"suggestion_id": created["id"], "votes": 1, "voted": False}
    # Taking back a vote that is not there changes nothing.
    assert world.delete(votes_path(created), leaves).json["votes"] == 1
    assert world.get(votes_path(created), stays).json["voted"] is True


def test_only_agents_see_who_voted(world, suggest, vote):
    created = suggest()
    a, b = world.user("A"), world.user("B")
    vote(created["id"], b, a)
    assert "voter_ids" not in world.get(votes_path(created), a).json
    assert "voter_ids" not in world.get(votes_path(created)).json
    shown = world.get(votes_path(created), world.agent("Agent")).json
    assert shown == {"suggestion_id": created["id"], "votes": 2, "voted": False,
                     "voter_ids": [b.id, a.id]}  # fmt: skip


def test_a_vote_racing_itself_in_the_database_is_still_one_vote(world, suggest, monkeypatch):
    """Two requests of one user both see no vote, both insert: one wins, neither is a 500."""
    created = suggest()
    paddler = world.user("Paddler")
    world.post(votes_path(created), paddler)
    # As if the other request's insert landed between the check and this one's insert.
    monkeypatch.setattr(votes, "_has_voted", lambda *_args: False)
    response = world.post(votes_path(created), paddler)
    assert response.status_code == 200
    assert response.json["votes"] == 1


def test_concurrent_votes_are_counted_exactly(app, world, suggest):
    created = suggest()
    paddlers = [world.user(f"Paddler {n}") for n in range(4)]
    headers = [p.headers for p in paddlers]
    db.session.commit()
    statuses: list[int] = []

    def cast(who: dict) -> None:
        response = app.test_client().post(votes_path(created), headers=who)
        statuses.append(response.status_code)

    # Each paddler votes three times at once: 12 requests, 4 votes.
    threads = [threading.Thread(target=cast, args=(h,)) for h in headers * 3]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 12
    assert world.get(votes_path(created)).json["votes"] == 4
    assert world.get(f"/api/v1/suggestions/{created['id']}").json["votes"] == 4


def test_votes_leave_the_text_alone(world, suggest, vote):
    created = suggest()
    vote(created["id"], world.user("A"))
    shown = world.get(f"/api/v1/suggestions/{created['id']}").json
    assert shown["updated_at"] == created["updated_at"]


def test_voting_on_a_missing_suggestion_is_404(world):
    assert_error(world.post("/api/v1/suggestions/424242/votes", world.user("A")), 404)
