"""Community fixtures: a moderator, an author, and helpers that post through the API."""

from __future__ import annotations

import pytest


@pytest.fixture
def moderator(world):
    return world.agent("Moderator", permissions=["community.moderate"])


@pytest.fixture
def author(world):
    return world.user("Author")


@pytest.fixture
def suggest(world, author):
    """Post a suggestion through the API (as the author by default); return its JSON."""

    def post(title: str = "Online rebooking", who=None, **values) -> dict:
        response = world.post("/api/v1/suggestions", who or author, json={"title": title, **values})
        assert response.status_code == 201, response.json
        return response.json

    return post


@pytest.fixture
def vote(world):
    def cast(suggestion_id: int, *voters) -> None:
        for voter in voters:
            response = world.post(f"/api/v1/suggestions/{suggestion_id}/votes", voter)
            assert response.status_code == 200, response.json

    return cast
