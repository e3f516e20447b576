"""Merging a duplicate ticket into the survivor."""

from __future__ import annotations


def open_ticket(world, who=None, **values) -> int:
    body = {"name": "Ann", "email": "ann@users.example", "subject": "Leak", "message": "Help"}
    body.update(values)
    response = (
        world.post("/api/v1/tickets", who, json=body)
        if who
        else world.post("/api/v1/tickets", json=body)
    )
    assert response.status_code == 201, response.json
    return response.json["id"]


def test_merge_moves_the_conversation_and_keeps_both_histories(world):
    admin = world.admin()
    survivor = open_ticket(world, message="First report")
    duplicate = open_ticket(
        world, email="bo@users.example", name="Bo", message="Same problem", cc=["cy@users.example"]
    )
    world.patch(f"/api/v1/tickets/{duplicate}", admin, json={"labels": ["hull"], "version": 1})

    response = world.post(f"/api/v1/tickets/{duplicate}/merge", admin, json={"into_id": survivor})

    assert response.status_code == 200, response.json
    merged = response.json
    assert merged["id"] == survivor
    assert merged["labels"] == ["hull"]
    assert len(merged["cc"]) == 2  # Bo (the duplicate's requester) and Cy
    bodies = [
        m["body"] for m in world.get(f"/api/v1/tickets/{survivor}/messages", admin).json["items"]
    ]
    assert bodies == ["First report", "Same problem"]
    old = world.get(f"/api/v1/tickets/{duplicate}", admin).json
    assert (old["merged_into_id"], old["status"]) == (survivor, "resolved")
    old_events = world.get(f"/api/v1/tickets/{duplicate}/history", admin).json["items"]
    new_events = world.get(f"/api/v1/tickets/{survivor}/history", admin).json["items"]
    # Both were sent without signing in: each mailed its address a link to confirm it.
    assert [e["kind"] for e in old_events] == [
        "opened",
        "confirmation_sent",
        "labels",
        "merged_into",
    ]
    assert [e["kind"] for e in new_events] == ["opened", "confirmation_sent", "merged_from"]


def test_merged_ticket_is_hidden_from_lists_and_refuses_replies(world):
    admin = world.admin()
    survivor, duplicate = open_ticket(world), open_ticket(world)
    world.post(f"/api/v1/tickets/{duplicate}/merge", admin, json={"into_id": survivor})
    listed = [t["id"] for t in world.get("/api/v1/tickets", admin).json["items"]]
    assert listed == [survivor]
    with_merged = world.get("/api/v1/tickets?include_merged=true", admin).json["items"]
    assert {t["id"] for t in with_merged} == {survivor, duplicate}
    reply = world.post(f"/api/v1/tickets/{duplicate}/messages", admin, json={"body": "Hi"})
    assert reply.status_code == 409
    assert reply.json["error"]["merged_into_id"] == survivor


def test_merge_refusals(world):
    admin = world.admin()
    first, second, third = open_ticket(world), open_ticket(world), open_ticket(world)
    itself = world.post(f"/api/v1/tickets/{first}/merge", admin, json={"into_id": first})
    assert itself.status_code == 422
    assert (
        world.post(f"/api/v1/tickets/{first}/merge", admin, json={"into_id": second}).status_code
        == 200
    )
    again = world.post(f"/api/v1/tickets/{first}/merge", admin, json={"into_id": third})
    assert again.status_code == 409
    into_merged = world.post(f"/api/v1/tickets/{third}/merge", admin, json={"into_id": first})
    assert into_merged.status_code == 409
    missing = world.post(f"/api/v1/tickets/{third}/merge", admin, json={"into_id": 999})
    assert missing.status_code == 404
