"""POST and GET /api/v1/search/deflections: "this answered my question", counted per page."""

from __future__ import annotations

import pytest

from ticketapi.extensions import limiter

from .documents import RESTORE, SAML

DEFLECTIONS = "/api/v1/search/deflections"


def deflect(world, url, query="restore", **kwargs):
    return world.post(DEFLECTIONS, json={"url": url, "query": query}, **kwargs)


def test_deflections_are_counted_per_page_with_their_queries(world, indexed):
    for query in ("restore", "restore", "  get   my files\tback ", ""):
        assert deflect(world, RESTORE, query).status_code == 204
    assert deflect(world, "/contact/", "support hours").status_code == 204
    report = world.get(DEFLECTIONS, world.admin()).json
    assert report["total"] == 2
    first, second = report["items"]
    assert first["url"] == RESTORE and first["count"] == 4
    assert first["title"] == "Restore files from a snapshot"
    assert first["queries"] == [
        {"query": "restore", "count": 2},
        {"query": "get my files back", "count": 1},
    ]
    assert second == {**second, "url": "/contact/", "count": 1}
    assert first["last_at"].endswith("Z")


def test_only_pages_in_the_index_are_counted(world, indexed):
    for url in ("/kb/nowhere/", "https://spam.example/", "", "x" * 500):
        response = deflect(world, url)
        assert response.status_code == 422, (url, response.json)
        assert "url" in response.json["error"]["fields"]
    assert world.get(DEFLECTIONS, world.admin()).json["total"] == 0


def test_a_restricted_page_counts_only_for_those_who_may_read_it(world, indexed):
    assert deflect(world, SAML).status_code == 422, "the public cannot tell it exists"
    member = world.user("Mia", usergroups=[world.usergroup("Administrators")])
    assert deflect(world, SAML, who=member).status_code == 204


def test_the_query_kept_is_trimmed(world, indexed):
    assert deflect(world, RESTORE, "restore " * 100).status_code == 204
    kept = world.get(DEFLECTIONS, world.admin()).json["items"][0]["queries"][0]["query"]
    assert len(kept) <= 200 and kept.startswith("restore restore")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "url"),
        ({"url": RESTORE, "query": "x" * 10_000}, "query"),
        ({"url": RESTORE + "\x00"}, "url"),
        ({"url": RESTORE, "query": "a\x00b"}, "query"),
        ({"url": 7}, "url"),
        ({"url": RESTORE, "extra": 1}, "extra"),
    ],
)
def test_bad_input_is_refused_naming_the_field(world, indexed, body, field):
    response = world.post(DEFLECTIONS, json=body)
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]


def test_only_json_is_read(world, indexed):
    """A cross-site form cannot post one: the body must be JSON (no cookie is read either)."""
    response = world.post(DEFLECTIONS, data={"url": RESTORE, "query": "restore"})
    assert 400 <= response.status_code < 500
    assert world.get(DEFLECTIONS, world.admin()).json["total"] == 0


def test_deflections_are_rate_limited_per_client(app, world, indexed, monkeypatch):
    monkeypatch.setitem(app.config, "DEFLECTION_RATE_LIMIT", "2 per minute")
    limiter.reset()
    try:
        codes = [deflect(world, RESTORE).status_code for _ in range(3)]
        assert codes == [204, 204, 429]
    finally:
        limiter.reset()


def test_the_report_needs_reports_view(world, indexed):
    assert world.get(DEFLECTIONS).status_code == 401
    assert world.get(DEFLECTIONS, world.user("Ann")).status_code == 403
    assert world.get(DEFLECTIONS, world.agent("Sam")).status_code == 403
    viewer = world.agent("Rita", permissions=["reports.view"])
    assert world.get(DEFLECTIONS, viewer).status_code == 200


def test_the_report_covers_the_days_asked_for(world, indexed):
    from datetime import timedelta

    from ticketapi.extensions import db
    from ticketapi.search.models import Deflection

    db.session.add(Deflection(url=RESTORE, query="old", created_at=world.now - timedelta(days=40)))
    db.session.commit()
    admin = world.admin()
    assert world.get(DEFLECTIONS, admin).json["total"] == 0
    assert world.get(f"{DEFLECTIONS}?days=60", admin).json["items"][0]["count"] == 1
    assert world.get(f"{DEFLECTIONS}?days=0", admin).status_code == 422
