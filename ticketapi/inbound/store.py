"""Every inbound message kept as it arrived, before anything parses it.

`store_raw` is what every way in calls (SMTP, IMAP, `helpdesk ingest`): it writes the raw
bytes to `<instance>/inbound/<yyyy>/<mm>/<sha256>.eml` (a temporary file made durable, then
renamed), then the row, with the parse job queued in the same transaction, and commits. When
it returns the message cannot be lost: SMTP may answer 250, IMAP may mark it seen. A crash
before the commit leaves at most a file without a row, and the sender (who got no answer)
sends again; a crash after it leaves a row `received` whose job runs after the restart.

Only a header peek happens before the row is written (inbound/parsing.py `peek`, which never
raises): enough to deduplicate. A message whose Message-ID we have stored already (or, with
none, whose raw bytes we have) is stored too, as `duplicate` of the first, and never parsed.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from ticketapi.core.transactions import commit
from ticketapi.extensions import db
from ticketapi.inbound.decoding import one_line
from ticketapi.inbound.models import EmailAccount, InboundMessage
from ticketapi.inbound.parsing import peek
from ticketapi.jobs.outbox import enqueue_after_commit

FOLDER = "inbound"
SOURCES = ("smtp", "imap", "ingest")
RECEIVED, FILED, QUARANTINED, DUPLICATE, IGNORED = (
    "received", "filed", "quarantined", "duplicate", "ignored",
)  # fmt: skip
STATES = (RECEIVED, FILED, QUARANTINED, DUPLICATE, IGNORED)
# Declared by inbound/filing.py, which reads the rows this module writes.
PARSE_JOB = "inbound.parse_message"


def instance_dir() -> Path:
    return Path(current_app.config["INSTANCE_DIR"])


def store_raw(
    account: EmailAccount | None, raw: bytes, *, now: datetime, source: str = "smtp"
) -> InboundMessage:
    """Keep the message (file, then row) and queue its parsing; committed when it returns."""
    if source not in SOURCES:
        raise ValueError(f"source must be one of {', '.join(SOURCES)}")
    sha = hashlib.sha256(raw).hexdigest()
    path = _write_raw(raw, sha, now)
    seen = peek(raw)
    row = InboundMessage(
        account_id=account.id if account is not None else None,
        source=source,
        message_id=seen.message_id,
        raw_sha256=sha,
        raw_size=len(raw),
        raw_path=path.relative_to(instance_dir()).as_posix(),
        from_address=seen.sender,
        from_name=one_line(seen.sender_name)[:200] or None,
        subject=one_line(seen.subject)[:300] or None,
        received_at=now,
        state=RECEIVED,
    )
    original = first_copy(seen.message_id, sha)
    if original is not None:
        mark_duplicate(row, original, now=now)
    db.session.add(row)
    db.session.flush()
    if original is None:
        enqueue_after_commit(PARSE_JOB, row.id)
    return commit(row)


def first_copy(
    message_id: str | None, sha: str, *, before: int | None = None
) -> InboundMessage | None:
    """The first stored copy of this message (by Message-ID, else by the raw's hash)."""
    query = select(InboundMessage).where(InboundMessage.state != DUPLICATE)
    if message_id is not None:
        query = query.where(InboundMessage.message_id == message_id)
    else:
        query = query.where(InboundMessage.message_id.is_(None), InboundMessage.raw_sha256 == sha)
    if before is not None:
        query = query.where(InboundMessage.id < before)
    return db.session.scalar(query.order_by(InboundMessage.id).limit(1))


def mark_duplicate(row: InboundMessage, original: InboundMessage, *, now: datetime) -> None:
    how = "Message-ID" if row.message_id else "content (it has no Message-ID)"
    row.state = DUPLICATE
    row.duplicate_of_id = original.id
    row.ticket_id = original.ticket_id
    row.reason = f"The same {how} as inbound message {original.id}: not filed twice."
    row.handled_at = now


def _write_raw(raw: bytes, sha: str, now: datetime) -> Path:
    folder = instance_dir() / FOLDER / f"{now:%Y}" / f"{now:%m}"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = folder / f"{sha}.eml"
    if target.exists() and target.stat().st_size == len(raw):
        return target  # the same bytes arrived before (named by their hash)
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(raw)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    directory = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself survives a power cut
    finally:
        os.close(directory)
    return target


def failure_text(exc: BaseException) -> str:
    """One line for a log or a summary: why storing (or reaching the database) failed."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0] if text else 'no details'}"


def read_raw(row: InboundMessage) -> bytes:
    return (instance_dir() / row.raw_path).read_bytes()
