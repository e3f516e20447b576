"""Uploads never sent are removed after a day, with their files unless shared (item 9)."""

from __future__ import annotations

import io
import os
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.support.database import wait_until_blocked_or_done
from ticketapi.extensions import db
from ticketapi.jobs.queue import JOB_MODULES, JOBS
from ticketapi.people.services import agent_actor, user_actor
from ticketapi.tickets import attachments, conversation, unsent_uploads
from ticketapi.tickets.models import Attachment, Ticket
from ticketapi.tickets.unsent_uploads import remove_unsent
from ticketapi.timeutil import utcnow

DAY = timedelta(days=1)


@pytest.fixture
def root(app) -> Path:
    return Path(app.config["INSTANCE_DIR"]) / "attachments"


@pytest.fixture
def ann(world):
    return world.user("Ann")


def store(actor, content: bytes, root: Path, *, at) -> Attachment:
    row = store_uncommitted(actor, content, root, at)
    db.session.commit()
    return row


def file_of(row_or_sha, root: Path) -> Path:
    sha = row_or_sha if isinstance(row_or_sha, str) else row_or_sha.sha256
    return attachments.storage_path(root, sha)


def ids() -> list[int]:
    return list(db.session.scalars(select(Attachment.id).order_by(Attachment.id)))


def send(actor, ticket_id: int, upload_ids: list[int], now) -> None:
    conversation.post_message(actor, ticket_id, body="Here", attachment_ids=upload_ids, now=now)


@pytest.fixture
def ticket_id(world, ann) -> int:
    return world.post("/api/v1/tickets", ann, json={"subject": "S", "message": "M"}).json["id"]


def test_the_job_is_declared_periodic_and_loaded_by_every_worker():
    assert "ticketapi.tickets.unsent_uploads" in JOB_MODULES
    declared = JOBS["tickets.remove_unsent_uploads"]
    assert declared.periodic is not None
    assert declared.function is unsent_uploads.remove_unsent_uploads


def test_old_unsent_uploads_go_and_their_files_with_them_unless_shared(app, ann, root, ticket_id):
    now = utcnow()
    actor = user_actor(ann.row)
    old_alone = store(actor, b"only mine", root, at=now - DAY - timedelta(minutes=1))
    recent = store(actor, b"just uploaded", root, at=now - DAY + timedelta(minutes=1))
    sent = store(actor, b"shared bytes", root, at=now - 2 * DAY)
    send(actor, ticket_id, [sent.id], now - 2 * DAY)
    db.session.commit()
    old_shared = store(actor, b"shared bytes", root, at=now - 2 * DAY)
    twins = [store(actor, b"twin", root, at=now - 3 * DAY) for _ in range(2)]

    removed = remove_unsent(root, now=now)

    assert ids() == [recent.id, sent.id]
    assert (removed.uploads, removed.files) == (4, 2)
    assert removed.bytes == len(b"only mine") + len(b"twin")
    assert not file_of(old_alone, root).exists()
    assert not file_of(twins[0], root).exists()
    assert file_of(recent, root).read_bytes() == b"just uploaded"
    assert file_of(old_shared, root).read_bytes() == b"shared bytes"  # the sent one's file
    assert not [p for p in root.rglob(".*") if p.is_file()]  # nothing left aside
    assert remove_unsent(root, now=now).uploads == 0  # nothing more to do


def test_the_job_takes_now_and_removes_in_batches(app, ann, root):
    actor = user_actor(ann.row)
    now = utcnow()
    for n in range(5):
        store(actor, f"file {n}".encode(), root, at=now - DAY - timedelta(seconds=n + 1))
    assert remove_unsent(root, now=now, batch=2).uploads == 5
    assert ids() == []
    store(actor, b"later", root, at=now)
    assert unsent_uploads.remove_unsent_uploads((now + DAY).isoformat()) == 0
    assert unsent_uploads.remove_unsent_uploads((now + DAY + timedelta(seconds=1)).isoformat()) == 1


def test_an_upload_attached_after_it_was_picked_is_kept(app, ann, root, ticket_id):
    """The removal picked the old upload; it is attached before the removal deletes."""
    now = utcnow()
    actor = user_actor(ann.row)
    old = store(actor, b"late but sent", root, at=now - 2 * DAY)
    picked = ids()
    send(actor, ticket_id, [old.id], now)
    db.session.commit()
    removed = unsent_uploads.Removed()
    unsent_uploads._remove_batch(root, picked, now - DAY, removed)
    assert removed.uploads == 0
    assert db.session.get(Attachment, old.id).message_id is not None
    assert file_of(old, root).read_bytes() == b"late but sent"


def test_a_failed_commit_leaves_rows_and_files_as_they_were(app, ann, root, monkeypatch):
    now = utcnow()
    actor = user_actor(ann.row)
    old = store(actor, b"keep me if it fails", root, at=now - 2 * DAY)

    def fail():
        raise RuntimeError("the database went away")

    monkeypatch.setattr(db.session, "commit", fail)
    with pytest.raises(RuntimeError):
        remove_unsent(root, now=now)
    monkeypatch.undo()
    db.session.rollback()
    assert ids() == [old.id]
    assert file_of(old, root).read_bytes() == b"keep me if it fails"
    assert not [p for p in root.rglob(".*") if p.is_file()]


def run_held(app, work, hold: threading.Event, held: threading.Event, outcome: dict) -> None:
    """Run `work` in a request's own session, holding it uncommitted until `hold` is set."""
    with app.app_context():
        try:
            outcome["value"] = work()
            held.set()
            hold.wait(timeout=30)
            db.session.commit()
        except Exception as error:  # reported to the test, which fails on it
            db.session.rollback()
            outcome["error"] = error
        finally:
            held.set()
            db.session.remove()


class PausingOs:
    """`os` for attachments.py, whose replace() (the file put in place) then waits."""

    def __init__(self, placed: threading.Event, go_on: threading.Event) -> None:
        self.placed, self.go_on = placed, go_on

    def replace(self, source, target) -> None:
        os.replace(source, target)
        self.placed.set()
        self.go_on.wait(timeout=30)

    def __getattr__(self, name):
        return getattr(os, name)


@pytest.mark.parametrize("uploader", ["user", "agent"])
def test_an_upload_of_the_same_content_during_the_removal_keeps_the_file(
    app, world, ann, root, uploader, monkeypatch
):
    """An upload of the old upload's bytes has put its file in place and not yet recorded
    it when the removal starts: the removal waits for it, sees it, and keeps the file. (An
    agent's upload has no quota to check, so nothing else takes the lock before the file.)"""
    now = utcnow()
    actor = user_actor(ann.row)
    again = actor if uploader == "user" else agent_actor(world.agent("Sam").row)
    old = store(actor, b"same bytes", root, at=now - 2 * DAY)
    stored = file_of(old, root)
    db.session.commit()
    placed, go_on = threading.Event(), threading.Event()
    monkeypatch.setattr(attachments, "os", PausingOs(placed, go_on))
    ready, uploaded, cleaned = threading.Event(), {}, {}
    ready.set()  # neither holds its commit: the upload waits inside os.replace instead

    def upload_again():
        return store_uncommitted(again, b"same bytes", root, now).id

    def remove():
        return remove_unsent(root, now=now).uploads

    uploader_thread = threading.Thread(
        target=run_held, args=(app, upload_again, ready, threading.Event(), uploaded)
    )
    uploader_thread.start()
    assert placed.wait(timeout=30)
    remover = threading.Thread(
        target=run_held, args=(app, remove, ready, threading.Event(), cleaned)
    )
    remover.start()
    wait_until_blocked_or_done(remover)
    go_on.set()
    uploader_thread.join(timeout=60)
    remover.join(timeout=60)

    assert "error" not in uploaded and "error" not in cleaned, (uploaded, cleaned)
    db.session.expire_all()
    assert ids() == [uploaded["value"]]
    assert cleaned["value"] == 1
    assert stored.read_bytes() == b"same bytes"


def store_uncommitted(actor, content: bytes, root: Path, now) -> Attachment:
    return attachments.store_upload(
        actor,
        io.BytesIO(content),
        filename="f.txt",
        content_type="text/plain",
        root=root,
        max_bytes=10_000,
        now=now,
    )


def test_a_ticket_s_attachments_are_not_unsent_uploads(app, world, ann, root, ticket_id):
    now = utcnow()
    actor = user_actor(ann.row)
    sent = store(actor, b"sent long ago", root, at=now - 30 * DAY)
    send(actor, ticket_id, [sent.id], now - 30 * DAY)
    db.session.commit()
    assert remove_unsent(root, now=now).uploads == 0
    assert db.session.get(Ticket, ticket_id) is not None
    assert file_of(sent, root).exists()
