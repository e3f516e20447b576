"""Attachments: stored once by content, attached only by their uploader, served as downloads."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from tests.support.world import ANONYMOUS


def upload(world, who, content: bytes, filename: str, content_type: str = "text/plain"):
    return world.post(
        "/api/v1/uploads",
        who,
        data={"file": (io.BytesIO(content), filename, content_type)},
        content_type="multipart/form-data",
    )


@pytest.fixture
def ticket(world):
    ann = world.user("Ann", email="ann@users.example")
    response = world.post("/api/v1/tickets", ann, json={"subject": "Photo", "message": "See"})
    return ann, response.json["id"]


def test_upload_attach_and_download(app, world, ticket):
    ann, ticket_id = ticket
    uploaded = upload(world, ann, b"stern crack photo", "crack.jpg", "image/jpeg")
    assert uploaded.status_code == 201, uploaded.json
    assert uploaded.json["sha256"] == hashlib.sha256(b"stern crack photo").hexdigest()
    message = world.post(
        f"/api/v1/tickets/{ticket_id}/messages",
        ann,
        json={"body": "Here it is", "attachment_ids": [uploaded.json["id"]]},
    )
    assert message.status_code == 201, message.json
    assert [a["filename"] for a in message.json["attachments"]] == ["crack.jpg"]

    download = world.get(f"/api/v1/attachments/{uploaded.json['id']}/download", ann)
    assert download.status_code == 200
    assert download.data == b"stern crack photo"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Type"] == "image/jpeg"


def test_same_content_is_stored_once(app, world, ticket):
    ann, _ticket_id = ticket
    first = upload(world, ann, b"same bytes", "a.txt").json
    second = upload(world, ann, b"same bytes", "b.txt").json
    assert first["sha256"] == second["sha256"] and first["id"] != second["id"]
    root = Path(app.config["INSTANCE_DIR"]) / "attachments"
    stored = [p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")]
    assert [p.name for p in stored].count(first["sha256"]) == 1


@pytest.mark.parametrize(
    ("filename", "content_type"),
    [
        ("page.html", "text/html"),
        ("logo.svg", "image/svg+xml"),
        ("x.xhtml", "application/xhtml+xml; charset=utf-8"),
        ("script.js", "text/javascript"),
    ],
)
def test_active_content_is_never_served_as_itself(world, ticket, filename, content_type):
    ann, _ticket_id = ticket
    uploaded = upload(world, ann, b"<script>alert(1)</script>", filename, content_type).json
    download = world.get(f"/api/v1/attachments/{uploaded['id']}/download", ann)
    assert download.headers["Content-Type"] == "application/octet-stream"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in download.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("../../etc/passwd", "passwd"),
        ("/home/ann/report.pdf", "report.pdf"),
        # A right-to-left override would show "exe.txt" for a program.
        ("invoice\u202etxt.exe", "invoicetxt.exe"),
        ("...", "attachment"),
        ("naïve café.txt", "naïve café.txt"),
    ],
)
def test_filenames_are_made_safe(world, ticket, sent, stored):
    ann, _ticket_id = ticket
    uploaded = upload(world, ann, b"x", sent)
    assert uploaded.status_code == 201, uploaded.json
    assert uploaded.json["filename"] == stored


def test_files_over_the_limit_are_refused(app, world, ticket):
    ann, _ticket_id = ticket
    limit = app.config["MAX_ATTACHMENT_BYTES"]
    app.config["MAX_ATTACHMENT_BYTES"] = 1000
    try:
        response = upload(world, ann, b"x" * 1001, "big.bin")
    finally:
        app.config["MAX_ATTACHMENT_BYTES"] = limit
    assert response.status_code == 413
    assert "larger than" in response.json["error"]["message"]
    root = Path(app.config["INSTANCE_DIR"]) / "attachments"
    assert not any(p.name.startswith(".upload-") for p in root.rglob("*"))


def test_requests_over_the_body_limit_get_a_json_413(app, world, ticket):
    ann, _ticket_id = ticket
    too_big = app.config["MAX_CONTENT_LENGTH"] + 1
    # A hand-made body: the test client would spool a large one to a file it never closes.
    body = (
        b'--B\r\nContent-Disposition: form-data; name="file"; filename="huge.bin"\r\n\r\n'
        + b"x" * too_big
        + b"\r\n--B--\r\n"
    )
    response = world.post(
        "/api/v1/uploads", ann, data=body, content_type="multipart/form-data; boundary=B"
    )
    assert response.status_code == 413
    assert response.json["error"]["code"] == "too_large"


def test_empty_file_and_missing_file_are_refused(world, ticket):
    ann, _ticket_id = ticket
    assert upload(world, ann, b"", "empty.txt").status_code == 422
    missing = world.post("/api/v1/uploads", ann, data={}, content_type="multipart/form-data")
    assert missing.status_code == 422
    assert "file" in missing.json["error"]["fields"]


def test_nobody_attaches_or_reads_someone_elses_upload(world, ticket):
    ann, ticket_id = ticket
    bo = world.user("Bo")
    bos_upload = upload(world, bo, b"bo's file", "bo.txt").json
    stolen = world.post(
        f"/api/v1/tickets/{ticket_id}/messages",
        ann,
        json={"body": "Look", "attachment_ids": [bos_upload["id"]]},
    )
    assert stolen.status_code == 422
    assert "attachment_ids" in stolen.json["error"]["fields"]
    assert world.get(f"/api/v1/attachments/{bos_upload['id']}", ann).status_code == 404
    assert world.get(f"/api/v1/attachments/{bos_upload['id']}", bo).status_code == 200


def test_an_attachment_is_sent_once(world, ticket):
    ann, ticket_id = ticket
    uploaded = upload(world, ann, b"x", "x.txt").json
    url = f"/api/v1/tickets/{ticket_id}/messages"
    assert (
        world.post(url, ann, json={"body": "1", "attachment_ids": [uploaded["id"]]}).status_code
        == 201
    )
    again = world.post(url, ann, json={"body": "2", "attachment_ids": [uploaded["id"]]})
    assert again.status_code == 422


def test_note_attachments_stay_with_agents(world, ticket):
    ann, ticket_id = ticket
    admin = world.admin()
    uploaded = upload(world, admin, b"internal", "internal.txt").json
    world.post(
        f"/api/v1/tickets/{ticket_id}/messages",
        admin,
        json={"body": "Supplier invoice", "note": True, "attachment_ids": [uploaded["id"]]},
    )
    assert world.get(f"/api/v1/attachments/{uploaded['id']}/download", ann).status_code == 404
    assert world.get(f"/api/v1/attachments/{uploaded['id']}/download", admin).status_code == 200
    messages = world.get(f"/api/v1/tickets/{ticket_id}/messages", ann).json["items"]
    assert all(not m["note"] for m in messages)


def test_anonymous_cannot_upload(world):
    response = upload(world, ANONYMOUS, b"x", "x.txt")
    assert response.status_code == 401


def reply_event(world, ticket_id: int) -> dict:
    events = world.get(f"/api/v1/tickets/{ticket_id}/history", world.admin()).json["items"]
    return next(e for e in reversed(events) if e["kind"] == "reply")


def test_the_history_counts_distinct_files(world, ticket):
    ann, ticket_id = ticket
    photo = upload(world, ann, b"stern crack photo", "crack.jpg", "image/jpeg").json["id"]
    again = upload(world, ann, b"stern crack photo", "crack.jpg", "image/jpeg").json["id"]
    other_name = upload(world, ann, b"stern crack photo", "crack-2.jpg", "image/jpeg").json["id"]
    response = world.post(
        f"/api/v1/tickets/{ticket_id}/messages",
        ann,
        # The same id twice, the same file uploaded twice, the same bytes under another name.
        json={"body": "Photos", "attachment_ids": [photo, photo, again, other_name]},
    )
    assert response.status_code == 201, response.json
    assert reply_event(world, ticket_id)["data"]["attachments"] == 2
