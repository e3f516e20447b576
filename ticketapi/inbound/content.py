"""What a mail shows on its ticket: its text and HTML (trimmed and whole), and its files.

Files go through the attachment service (tickets/attachments.py `store_file`): stored once
by hash, named safely (`../../etc/passwd` is `passwd`), served only as downloads of the
allow-listed types. One larger than the attachment limit, or empty, is not attached; the
message says so, and the file is still in the raw mail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from flask import current_app

from ticketapi.errors import Invalid
from ticketapi.inbound.html_mail import html_to_text, sanitize_mail_html
from ticketapi.inbound.parsing import ParsedMail
from ticketapi.inbound.quotes import trim_html, trim_text
from ticketapi.tickets.attachments import TooLarge, safe_filename, store_file
from ticketapi.tickets.models import Attachment

# What a ticket shows of one mail; the rest stays in the original.
SHOWN_MAX = 100_000
FULL_MAX = 2_000_000
NO_TEXT = "(The mail has no text.)"
MB = 1024 * 1024


@dataclass
class Content:
    text: str
    html: str | None
    full_text: str
    full_html: str | None
    attachments: list[Attachment] = field(default_factory=list)


def store_files(
    mail: ParsedMail, uploader: tuple[str, int], *, now: datetime
) -> tuple[list[Attachment], dict[str, int], list[str]]:
    """The mail's files stored as the author's uploads; inline ids; what was left out."""
    config = current_app.config
    root = Path(config["INSTANCE_DIR"]) / "attachments"
    stored, inline, left_out = [], {}, []
    for file in mail.files:
        try:
            attachment = store_file(
                uploader,
                file.data,
                filename=file.filename,
                content_type=file.content_type,
                root=root,
                max_bytes=config["MAX_ATTACHMENT_BYTES"],
                now=now,
            )
        except TooLarge:
            limit = config["MAX_ATTACHMENT_BYTES"] // MB
            left_out.append(
                f"{safe_filename(file.filename)} ({len(file.data) / MB:.1f} MB) is larger than "
                f"the limit of {limit} MB"
            )
            continue
        except Invalid:
            left_out.append(f"{safe_filename(file.filename)} is empty")
            continue
        stored.append(attachment)
        if file.content_id:
            inline[file.content_id] = attachment.id
    return stored, inline, left_out


def content_of(mail: ParsedMail, inline: dict[str, int], left_out: list[str]) -> Content:
    raw_html = "\n".join(mail.html_parts) or None
    text = "\n\n".join(part.strip() for part in mail.text_parts if part.strip())
    if not text and raw_html:
        text = html_to_text(raw_html)
    shown = _cut(trim_text(text), SHOWN_MAX) if text.strip() else NO_TEXT
    shown_html = sanitize_mail_html(trim_html(raw_html), inline) if raw_html else None
    if left_out:
        note = "Not attached (it is in the original mail): " + "; ".join(left_out) + "."
        shown = f"{shown}\n\n[{note}]"
        if shown_html is not None:
            shown_html += f"<p><em>[{_escape(note)}]</em></p>"
    if shown_html is not None and len(shown_html) > SHOWN_MAX:
        shown_html = None  # the text stands in; the whole HTML is in the original
    full_html = sanitize_mail_html(raw_html, inline) if raw_html else None
    return Content(
        text=shown,
        html=shown_html,
        full_text=_cut(text, FULL_MAX),
        # Never cut (half a document): past the limit, the raw mail is the original.
        full_html=full_html if full_html is not None and len(full_html) <= FULL_MAX else None,
    )


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rstrip() + "\n[…] The rest is in the original mail."


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
