"""Uploads never sent with a message are removed after a day: their rows, and their files
when no other attachment shares them (storage is by content).

Race-safe twice over. An upload being attached at this moment: the attaching message locks
its uploads (`conversation._own_uploads`), and the removal deletes only rows still unsent,
so each upload is either attached or removed, never attached to a file that is gone. Two
uploads of the same content: an upload puts its file in place and records it under
`lock_content(sha)`, and the removal decides under the same lock that no row uses a file;
it moves the file aside before its commit and deletes it after, or puts it back if the
commit fails.
"""

from __future__ import annotations

import logging
import os
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from huey import crontab
from sqlalchemy import delete, select

from ticketapi.core.transactions import commit
from ticketapi.extensions import db
from ticketapi.jobs.queue import job
from ticketapi.tickets.attachments import lock_content, storage_path
from ticketapi.tickets.models import Attachment
from ticketapi.timeutil import utcnow

log = logging.getLogger(__name__)

KEPT_FOR = timedelta(days=1)
BATCH = 500


@dataclass
class Removed:
    uploads: int = 0
    files: int = 0
    bytes: int = 0


def attachments_root() -> Path:
    return Path(current_app.config["INSTANCE_DIR"]) / "attachments"


@job("tickets.remove_unsent_uploads", retries=0, periodic=crontab(minute="23"))
def remove_unsent_uploads(now: str | None = None) -> int:
    """The hourly job: remove the uploads older than a day that no message carries."""
    removed = remove_unsent(
        attachments_root(), now=datetime.fromisoformat(now) if now else utcnow()
    )
    if removed.uploads:
        log.info(
            "Removed %d unsent uploads older than a day (%d files, %d bytes freed)",
            removed.uploads,
            removed.files,
            removed.bytes,
        )
    return removed.uploads


def remove_unsent(root: Path, *, now: datetime, batch: int = BATCH) -> Removed:
    """Remove every upload created before `now` - 1 day and never sent; one batch a
    transaction."""
    removed = Removed()
    cutoff = now - KEPT_FOR
    while True:
        ids = list(
            db.session.scalars(
                select(Attachment.id)
                .where(Attachment.message_id.is_(None), Attachment.created_at < cutoff)
                .order_by(Attachment.id)
                .limit(batch)
            )
        )
        if not ids:
            commit()
            return removed
        _remove_batch(root, ids, cutoff, removed)
        if len(ids) < batch:
            return removed


def _remove_batch(root: Path, ids: list[int], cutoff: datetime, removed: Removed) -> None:
    # Deleted only if still unsent: an upload attached meanwhile is kept (on PostgreSQL the
    # DELETE waits for the attaching transaction and then sees its message).
    rows = db.session.execute(
        delete(Attachment)
        .where(
            Attachment.id.in_(ids),
            Attachment.message_id.is_(None),
            Attachment.created_at < cutoff,
        )
        .returning(Attachment.sha256, Attachment.size)
        .execution_options(synchronize_session=False)
    ).all()
    contents = sorted({sha for sha, _size in rows})
    for sha in contents:  # in one order, so two removals cannot wait for each other
        lock_content(sha)
    used = set(db.session.scalars(select(Attachment.sha256).where(Attachment.sha256.in_(contents))))
    aside: list[tuple[Path, Path]] = []
    for sha in contents:
        if sha in used:
            continue
        target = storage_path(root, sha)
        moved = target.with_name(f".removing-{sha}-{uuid.uuid4().hex}")
        try:
            os.replace(target, moved)
        except FileNotFoundError:
            continue  # gone already (a removal that failed after deleting its files)
        aside.append((target, moved))
    try:
        commit()
    except BaseException:
        db.session.rollback()
        for target, moved in aside:
            os.replace(moved, target)  # the rows stay: so do their files
        raise
    for _target, moved in aside:
        removed.bytes += moved.stat().st_size
        moved.unlink()
    removed.uploads += len(rows)
    removed.files += len(aside)
