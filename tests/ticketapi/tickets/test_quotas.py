"""Quotas of a signed-in portal user: uploads an hour, bytes a day, tickets an hour, CCs a
ticket. Agents are exempt; anonymous submitters have the CC limit (issue #12, item 9)."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ticketapi.extensions import db
from ticketapi.tickets.models import Attachment, Ticket


def upload(world, who, content: bytes):
    return world.post(
        "/api/v1/uploads",
        who,
        data={"file": (io.BytesIO(content), "f.txt", "text/plain")},
        content_type="multipart/form-data",
    )


def uploads() -> int:
    return db.session.scalar(select(func.count()).select_from(Attachment))


def age(model, ids, by: timedelta) -> None:
    """Move rows back in time, as if made `by` ago."""
    for row in db.session.scalars(select(model).where(model.id.in_(ids))):
        row.created_at -= by
    db.session.commit()


def assert_refused(response, *, quota: str, limit_words: str, seconds: int) -> None:
    assert response.status_code == 429, response.json
    error = response.json["error"]
    assert error["code"] == "rate_limited"
    assert error["quota"] == quota
    assert limit_words in error["message"]
    retry_after = int(response.headers["Retry-After"])
    assert error["retry_after"] == retry_after
    assert seconds - 5 <= retry_after <= seconds, retry_after
    assert re.search(r"Try again in \d+ (seconds|minutes|hours)\.$", error["message"])


@pytest.fixture
def quotas(app, monkeypatch):
    values = {"UPLOADS_PER_HOUR": 3, "UPLOAD_BYTES_PER_DAY": 1000, "TICKETS_PER_HOUR": 2}
    for name, value in values.items():
        monkeypatch.setitem(app.config, name, value)
    monkeypatch.setitem(app.config, "CC_PER_TICKET", 2)
    return values


def test_uploads_an_hour(app, world, quotas):
    ann = world.user("Ann")
    ids = [upload(world, ann, f"file {n}".encode()).json["id"] for n in range(3)]
    stored = sorted(Path(app.config["INSTANCE_DIR"], "attachments").rglob("*"))
    refused = upload(world, ann, b"one too many")
    assert_refused(
        refused, quota="uploads_per_hour", limit_words="the limit is 3 an hour", seconds=3600
    )
    assert "uploaded 3 files in the last hour" in refused.json["error"]["message"]
    assert uploads() == 3  # nothing recorded, nothing left on disk
    assert sorted(Path(app.config["INSTANCE_DIR"], "attachments").rglob("*")) == stored
    # An hour after the first upload there is room for one more, and the wait says so.
    age(Attachment, ids[:1], timedelta(minutes=61))
    assert upload(world, ann, b"now it fits").status_code == 201
    age(Attachment, ids[1:], timedelta(minutes=50))
    assert_refused(
        upload(world, ann, b"again"),
        quota="uploads_per_hour",
        limit_words="3 an hour",
        seconds=600,
    )


def test_bytes_a_day(world, quotas):
    ann = world.user("Ann")
    first = upload(world, ann, b"x" * 600)
    assert first.status_code == 201
    refused = upload(world, ann, b"y" * 500)
    assert_refused(
        refused,
        quota="upload_bytes_per_day",
        limit_words="the limit is 1 KB a day",
        seconds=24 * 3600,
    )
    assert upload(world, ann, b"z" * 400).status_code == 201  # what fits still goes
    age(Attachment, [first.json["id"]], timedelta(hours=23))
    # Room for 500 more bytes comes when the first upload is a day old: in an hour.
    assert_refused(
        upload(world, ann, b"y" * 500),
        quota="upload_bytes_per_day",
        limit_words="1 KB a day",
        seconds=3600,
    )


def test_a_file_larger_than_a_day_s_bytes_is_refused_naming_the_file(world, quotas):
    ann = world.user("Ann")
    response = upload(world, ann, b"x" * 1001)
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {"file": "larger than the daily upload limit"}


def test_agents_have_no_upload_quota(world, quotas):
    sam = world.agent("Sam")
    codes = [upload(world, sam, b"x" * 600 + bytes([n])).status_code for n in range(5)]
    assert codes == [201] * 5


def test_tickets_an_hour_count_what_the_user_opened(world, quotas):
    ann = world.user("Ann", email="ann@users.example")
    agent = world.agent("Sam", permissions=["tickets.edit"])
    body = {"subject": "Help", "message": "Please"}
    opened = [world.post("/api/v1/tickets", ann, json=body) for _ in range(2)]
    assert [r.status_code for r in opened] == [201, 201]
    # Tickets in Ann's name that she did not open do not count against her.
    for_ann = world.post("/api/v1/tickets", agent, json={**body, "user_id": ann.id})
    anonymous = world.post(
        "/api/v1/tickets", json={**body, "name": "Ann?", "email": "ann@users.example"}
    )
    assert (for_ann.status_code, anonymous.status_code) == (201, 201)
    refused = world.post("/api/v1/tickets", ann, json=body)
    assert_refused(
        refused, quota="tickets_per_hour", limit_words="the limit is 2 an hour", seconds=3600
    )
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == 4
    age(Ticket, [opened[0].json["id"]], timedelta(minutes=61))
    assert world.post("/api/v1/tickets", ann, json=body).status_code == 201


def test_ccs_a_ticket(world, quotas):
    ann = world.user("Ann")
    agent = world.agent("Sam", permissions=["tickets.edit"])
    ticket = world.post("/api/v1/tickets", ann, json={"subject": "S", "message": "M"}).json
    cc = f"/api/v1/tickets/{ticket['id']}/cc"
    codes = [
        world.post(cc, ann, json={"email": f"c{n}@users.example"}).status_code for n in range(2)
    ]
    assert codes == [200, 200]
    refused = world.post(cc, ann, json={"email": "c3@users.example"})
    assert refused.status_code == 422
    assert refused.json["error"]["fields"] == {"email": "at most 2 CCs a ticket"}
    assert "at most 2 people" in refused.json["error"]["message"]
    assert world.get(f"/api/v1/tickets/{ticket['id']}", ann).json["cc"].__len__() == 2
    # An agent may add more; CC'ing someone already there again is no new CC.
    assert world.post(cc, agent, json={"email": "c3@users.example"}).status_code == 200
    assert world.post(cc, ann, json={"email": "c0@users.example"}).status_code == 200


def test_a_submission_with_too_many_ccs_is_refused_naming_the_field(world, quotas):
    body = {"name": "Bo", "email": "bo@users.example", "subject": "S", "message": "M"}
    three = [f"c{n}@users.example" for n in range(3)]
    refused = world.post("/api/v1/tickets", json={**body, "cc": three})
    assert refused.status_code == 422
    assert refused.json["error"]["fields"] == {"cc": "at most 2 CCs a ticket"}
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == 0
    # The same address twice is one CC (it was a 500 before: the same row twice).
    twice = world.post("/api/v1/tickets", json={**body, "cc": [*three[:2], three[0].upper()]})
    assert twice.status_code == 201, twice.json
    assert len(world.get(f"/api/v1/tickets/{twice.json['id']}", world.agent("Sam")).json["cc"]) == 2
