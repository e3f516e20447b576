"""Mail the inbound tests send: well-formed ones built with the email package, odd ones by
hand as bytes (what a mail program should never write, and some do)."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

ACCOUNT = "help@tidewater.example"
DATE = format_datetime(datetime(2026, 12, 3, 9, 30, tzinfo=UTC))


def mail(
    *,
    sender: str = "Ann Lee <ann@acme.example>",
    to: str = ACCOUNT,
    subject: str = "Backups paused",
    text: str | None = "Our backups stopped last night.",
    html: str | None = None,
    message_id: str | None = "<m1@acme.example>",
    headers: dict[str, str] | None = None,
    files: list[tuple[str, str, bytes]] = (),
    inline: list[tuple[str, str, bytes]] = (),
) -> bytes:
    """A well-formed message; `files` as (name, type, data), `inline` as (cid, type, data)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = DATE
    if message_id:
        message["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        message[name] = value
    if text is not None:
        message.set_content(text)
    if html is not None:
        if text is None:
            message.set_content(html, subtype="html")
        else:
            message.add_alternative(html, subtype="html")
        for cid, content_type, data in inline:
            maintype, subtype = content_type.split("/")
            body = message.get_body(("html",))
            body.add_related(data, maintype, subtype, cid=f"<{cid}>")
    for name, content_type, data in files:
        maintype, subtype = content_type.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


def raw(text: str | bytes) -> bytes:
    """A message written by hand: LF line ends made CRLF as on the wire."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def reply_to(parent: str, **values) -> bytes:
    """An answer to the mail with the Message-ID `parent` (In-Reply-To and References)."""
    headers = {"In-Reply-To": parent, "References": parent, **values.pop("headers", {})}
    values.setdefault("message_id", "<reply-1@acme.example>")
    return mail(headers=headers, **values)
