"""Attachment files: stored once by content hash, served only as downloads."""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import unicodedata
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import text

from ticketapi import permissions as rules
from ticketapi.core.transactions import commit
from ticketapi.errors import DomainError, Invalid, NotFound, Unauthorized
from ticketapi.extensions import db
from ticketapi.permissions import Actor
from ticketapi.tickets import quotas
from ticketapi.tickets.models import Attachment, Message
from ticketapi.tickets.services import get_ticket

CHUNK = 1024 * 1024
# The types a download keeps (still as a download, with nosniff and a sandbox): pictures a
# browser only ever draws (never SVG, which runs scripts), PDF, plain text. Everything else,
# known or not, is opaque bytes: a list of what is dangerous is never complete (it missed
# text/ecmascript, text/xsl, application/rdf+xml and more), a list of what is safe is.
SERVED_AS_THEMSELVES = frozenset(
    {
        "image/png", "image/jpeg", "image/gif", "image/webp", "image/avif", "image/bmp",
        "application/pdf", "text/plain",
    }
)  # fmt: skip
# Other names clients send for the same types.
ALIASES = {
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "image/x-png": "image/png",
    "image/x-ms-bmp": "image/bmp",
    "image/x-bmp": "image/bmp",
}
SAFE_FALLBACK = "application/octet-stream"


class TooLarge(DomainError):
    status_code = 413


def storage_path(root: Path, sha256: str) -> Path:
    return root / sha256[:2] / sha256[2:4] / sha256


def safe_filename(name: str) -> str:
    """Keep a readable name without paths, control characters or leading dots."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    return name[:200] or "attachment"


def served_type(content_type: str) -> str:
    """The type a file is served as: its own if on the allow-list, else octet-stream."""
    base = content_type.split(";", 1)[0].strip(" \t").lower()
    base = ALIASES.get(base, base)
    return base if base in SERVED_AS_THEMSELVES else SAFE_FALLBACK


def lock_content(sha256: str) -> None:
    """Hold the stored file of this content until the transaction ends.

    An upload takes it before it puts its file in place and records it; removing unsent
    uploads takes it before it decides a file is no longer used. On PostgreSQL it is an
    advisory lock; on SQLite the write transaction, which every writer waits its turn for.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        key = int.from_bytes(bytes.fromhex(sha256[:16]), "big", signed=True)
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
    else:
        # The first statement begins the write transaction, and SQLite's one-writer lock.
        db.session.execute(text("SELECT 1"))


def store_upload(
    actor: Actor,
    stream: BinaryIO,
    *,
    filename: str,
    content_type: str,
    root: Path,
    max_bytes: int,
    now: datetime,
) -> Attachment:
    """Write the file under its SHA-256 (once), then record who uploaded it."""
    if actor.is_anonymous:
        raise Unauthorized("Sign in to upload files.")
    quotas.check_upload(actor, now=now)  # before reading a byte
    commit()  # no transaction (no SQLite write lock) while the file arrives
    temporary, sha, size = _receive(stream, root, max_bytes)

    def check_quota() -> None:  # again: another upload may be done
        quotas.check_upload(actor, now=now, size=size)

    return _keep(
        temporary, sha, size, root=root, check=check_quota,
        uploader=(actor.kind, actor.id), filename=filename, content_type=content_type, now=now,
    )  # fmt: skip


def store_file(
    uploader: tuple[str, int],
    data: bytes,
    *,
    filename: str,
    content_type: str,
    root: Path,
    max_bytes: int,
    now: datetime,
) -> Attachment:
    """Store a file that is in memory already (a mail's attachment) as an upload of
    `uploader` (kind and id), inside the caller's transaction: the size limit applies, the
    per-user quotas do not (mail is bounded by the server's size limit)."""
    temporary, sha, size = _receive(io.BytesIO(data), root, max_bytes)
    return _keep(
        temporary, sha, size, root=root, check=lambda: None,
        uploader=uploader, filename=filename, content_type=content_type, now=now,
    )  # fmt: skip


def _receive(stream: BinaryIO, root: Path, max_bytes: int) -> tuple[str, str, int]:
    """Copy the stream into a temporary file beside the store: its path, SHA-256 and size."""
    root.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with tempfile.NamedTemporaryFile(dir=root, delete=False, prefix=".upload-") as temporary:
        try:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise TooLarge(
                        f"The file is larger than {max_bytes // (1024 * 1024)} MB: "
                        "send a smaller one or a link to it.",
                        fields={"file": "too large"},
                    )
                digest.update(chunk)
                temporary.write(chunk)
        except BaseException:
            temporary.close()
            os.unlink(temporary.name)
            raise
    return temporary.name, digest.hexdigest(), size


def _keep(
    temporary: str,
    sha: str,
    size: int,
    *,
    root: Path,
    check: Callable[[], None],
    uploader: tuple[str, int],
    filename: str,
    content_type: str,
    now: datetime,
) -> Attachment:
    """Put the temporary file in place under its hash and record it."""
    try:
        if size == 0:
            raise Invalid("The file is empty.", fields={"file": "empty"})
        lock_content(sha)
        check()
        target = storage_path(root, sha)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    attachment = Attachment(
        uploader_type=uploader[0],
        uploader_id=uploader[1],
        filename=safe_filename(filename),
        content_type=served_type(content_type),
        size=size,
        sha256=sha,
        created_at=now,
    )
    db.session.add(attachment)
    db.session.flush()
    return attachment


def get_attachment(actor: Actor, attachment_id: int) -> Attachment:
    """The attachment, if the actor may see the message it was sent with (or uploaded it)."""
    if actor.is_anonymous:
        raise Unauthorized("Sign in to see attachments.")
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound(f"There is no attachment {attachment_id}.")
    if attachment.message_id is None:
        if attachment.uploader_type == actor.kind and attachment.uploader_id == actor.id:
            return attachment
        raise NotFound(f"There is no attachment {attachment_id}.")
    message: Message = attachment.message
    try:
        get_ticket(actor, message.ticket_id)
    except NotFound:
        raise NotFound(f"There is no attachment {attachment_id}.") from None
    if message.note and not rules.can_see_notes(actor):
        raise NotFound(f"There is no attachment {attachment_id}.")
    return attachment
