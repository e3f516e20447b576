"""Merging duplicate suggestions: votes move without double counting; chains are refused."""

from __future__ import annotations

import pytest

from tests.support.community import assert_error


def merge(world, who, source: dict, target_id: int):
    return world.post(f"/api/v1/suggestions/{source['id']}/merge", who, json={"into_id": target_id})


def test_merging_moves_votes_without_counting_anyone_twice(world, suggest, vote, moderator):
    source, target = suggest("SMS reminder"), suggest("Text me the day before")
    only_source, both, only_target = world.user("S"), world.user("Both"), world.user("T")
    vote(source["id"], only_source, both)
    vote(target["id"], both, only_target)

    response = merge(world, moderator, source, target["id"])

    assert response.status_code == 200
    assert response.json["id"] == target["id"]
    assert response.json["votes"] == 3
    duplicate = world.get(f"/api/v1/suggestions/{source['id']}").json
    assert duplicate["status"] == "duplicate"
    assert duplicate["duplicate_of_id"] == target["id"]
    assert duplicate["votes"] == 0
    voters = world.get(f"/api/v1/suggestions/{target['id']}/votes", moderator).json["voter_ids"]
    assert sorted(voters) == sorted([only_source.id, both.id, only_target.id])
    assert world.get(f"/api/v1/suggestions/{target['id']}", only_source).json["voted"] is True


def test_comments_stay_on_the_duplicate(world, suggest, moderator, author):
    source, target = suggest("A"), suggest("B")
    world.post(f"/api/v1/suggestions/{source['id']}/comments", author, json={"body": "Mine"})
    merge(world, moderator, source, target["id"])
    kept = world.get(f"/api/v1/suggestions/{source['id']}/comments").json["items"]
    assert [c["body"] for c in kept] == ["Mine"]


def test_both_sides_record_the_merge(world, suggest, vote, moderator):
    source, target = suggest("A"), suggest("B")
    vote(source["id"], world.user("V"))
    merge(world, moderator, source, target["id"])
    source_events = world.get(f"/api/v1/suggestions/{source['id']}/history", moderator).json
    target_events = world.get(f"/api/v1/suggestions/{target['id']}/history", moderator).json
    assert source_events["items"][-1]["kind"] == "merged_into"
    assert source_events["items"][-1]["data"] == {
        "suggestion_id": target["id"], "old_status": "new", "votes": 1,
    }  # fmt: skip
    assert target_events["items"][-1]["kind"] == "merged_from"
    assert target_events["items"][-1]["data"] == {"suggestion_id": source["id"], "votes_moved": 1}


def test_duplicates_are_listed_only_when_asked_for(world, suggest, moderator):
    source, target = suggest("A"), suggest("B")
    merge(world, moderator, source, target["id"])
    assert [s["title"] for s in world.get("/api/v1/suggestions").json["items"]] == ["B"]
    asked = world.get("/api/v1/suggestions?status=duplicate").json["items"]
    assert [s["title"] for s in asked] == ["A"]


@pytest.mark.parametrize(
    "action",
    [
        ("POST", "votes", None),
        ("DELETE", "votes", None),
        ("POST", "comments", {"body": "Also this"}),
    ],
)
def test_a_duplicate_sends_voters_and_commenters_to_the_survivor(world, suggest, moderator, action):
    method, route, body = action
    source, target = suggest("A"), suggest("B")
    merge(world, moderator, source, target["id"])
    response = world.call(
        method, f"/api/v1/suggestions/{source['id']}/{route}", world.user("Late"), json=body
    )
    error = assert_error(response, 409)
    assert error["duplicate_of_id"] == target["id"]
    assert f"suggestion {target['id']}" in error["message"]


def test_a_duplicate_keeps_its_status(world, suggest, moderator):
    source, target = suggest("A"), suggest("B")
    merge(world, moderator, source, target["id"])
    refused = world.patch(
        f"/api/v1/suggestions/{source['id']}", moderator, json={"status": "planned"}
    )
    assert assert_error(refused, 409)["duplicate_of_id"] == target["id"]


def test_refuses_merging_into_itself(world, suggest, moderator):
    one = suggest()
    assert_error(merge(world, moderator, one, one["id"]), 422, "into_id")


def test_refuses_merging_into_a_duplicate_and_names_the_survivor(world, suggest, moderator):
    a, b, c = suggest("A"), suggest("B"), suggest("C")
    merge(world, moderator, b, c["id"])
    error = assert_error(merge(world, moderator, a, b["id"]), 409, "into_id")
    assert f"merge into {c['id']}" in error["message"]
    assert world.get(f"/api/v1/suggestions/{a['id']}").json["status"] == "new"


def test_refuses_merging_a_duplicate_again(world, suggest, moderator):
    a, b, c = suggest("A"), suggest("B"), suggest("C")
    merge(world, moderator, a, b["id"])
    error = assert_error(merge(world, moderator, a, c["id"]), 409)
    assert error["duplicate_of_id"] == b["id"]


def test_refuses_making_a_chain(world, suggest, moderator):
    a, b, c = suggest("A"), suggest("B"), suggest("C")
    merge(world, moderator, a, b["id"])
    error = assert_error(merge(world, moderator, b, c["id"]), 409)
    assert error["duplicate_ids"] == [a["id"]]
    assert f"merge suggestion {c['id']} into {b['id']}" in error["message"]
    # The way the message suggests works.
    assert merge(world, moderator, c, b["id"]).status_code == 200


def test_refuses_a_cycle(world, suggest, moderator):
    a, b = suggest("A"), suggest("B")
    merge(world, moderator, a, b["id"])
    assert_error(merge(world, moderator, b, a["id"]), 409)


def test_merging_into_a_missing_suggestion_names_the_field(world, suggest, moderator):
    one = suggest()
    assert_error(merge(world, moderator, one, 999999), 422, "into_id")
    assert_error(merge(world, moderator, {"id": 999999}, one["id"]), 404)


def test_a_suggestion_with_duplicates_is_not_deleted(world, suggest, moderator):
    a, b = suggest("A"), suggest("B")
    merge(world, moderator, a, b["id"])
    error = assert_error(world.delete(f"/api/v1/suggestions/{b['id']}", moderator), 409)
    assert error["duplicate_ids"] == [a["id"]]
    assert world.delete(f"/api/v1/suggestions/{a['id']}", moderator).status_code == 204
    assert world.delete(f"/api/v1/suggestions/{b['id']}", moderator).status_code == 204
