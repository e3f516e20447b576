"""Attachment files: stored once by content hash, served only as downloads."""

from __future__ import annotations

import hashlib
import os
import tempfile
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from ticketapi import permissions as rules
from ticketapi.errors import DomainError, Invalid, NotFound, Unauthorized
from ticketapi.extensions import db
from ticketapi.permissions import Actor
from ticketapi.tickets.models import Attachment, Message
from ticketapi.tickets.services import get_ticket

CHUNK = 1024 * 1024
# Types a browser would run or render as a page: always served as opaque bytes.
ACTIVE_TYPES = {
    "text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml",
    "text/javascript", "application/javascript", "application/x-javascript", "text/css",
    "application/pdf", "multipart/x-mixed-replace",
}  # fmt: skip
SAFE_FALLBACK = "application/octet-stream"
CONTENT_TYPE_MAX = 100  # the column's width; longer declared types are not real ones


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
    base = content_type.split(";", 1)[0].strip().lower()
    if not base or base in ACTIVE_TYPES or "/" not in base or len(base) > CONTENT_TYPE_MAX:
        return SAFE_FALLBACK
    return base


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
    if size == 0:
        os.unlink(temporary.name)
        raise Invalid("The file is empty.", fields={"file": "empty"})
    sha = digest.hexdigest()
    target = storage_path(root, sha)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(temporary.name, target)
    attachment = Attachment(
        uploader_type=actor.kind,
        uploader_id=actor.id,
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
