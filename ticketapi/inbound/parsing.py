"""A raw message into what filing needs: who, to whom, threading ids, bodies and files.

The standard library's parser with its modern policy reads the structure; the text is
decoded here (inbound/decoding.py), never by the parser's own strict or lossy defaults.
Headers are read as the raw values the parser kept, so a malformed header is text to
decode rather than an exception. Nothing here touches the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser, BytesParser
from email.utils import getaddresses

from ticketapi.inbound.decoding import (
    decode_bytes,
    decode_header,
    one_line,
    storable,
    undo_surrogates,
)
from ticketapi.inbound.models import MESSAGE_ID_MAX
from ticketapi.mail import message_ids
from ticketapi.mail.addresses import plain_address

# Deeper than any mail program nests; a message built to exhaust the parser stops here.
MAX_DEPTH = 30
MAX_PARTS = 1000
# A Message-ID we keep: printable ASCII between angle brackets (safe to send back).
VALID_ID = re.compile(rf"<[\x21-\x3b\x3d\x3f-\x7e]{{1,{MESSAGE_ID_MAX - 2}}}>")
CONTENT_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*")
UTF8_BOM = b"\xef\xbb\xbf"
HEADER_ID = re.compile(r"^message-id:\s*(<[^<>\r\n]+>)", re.IGNORECASE | re.MULTILINE)


class Unreadable(ValueError):
    """The message cannot be read as mail at all (the reason says why)."""


@dataclass
class MailFile:
    filename: str
    content_type: str
    data: bytes
    content_id: str | None = None


@dataclass
class ParsedMail:
    message_id: str | None
    in_reply_to: list[str]
    references: list[str]
    sender: str | None  # a plain address, or None when there is none we can use
    sender_name: str
    sender_problem: str | None
    to: list[str]
    cc: list[str]
    subject: str
    headers: dict[str, list[str]]  # lower-cased name -> decoded values
    text_parts: list[str] = field(default_factory=list)
    html_parts: list[str] = field(default_factory=list)
    files: list[MailFile] = field(default_factory=list)
    # Set by a multipart/report or message/delivery-status part (a bounce).
    delivery_status: str | None = None
    # The Message-IDs of messages enclosed in it (a bounce's or a forward's original).
    enclosed_ids: list[str] = field(default_factory=list)
    content_types: set[str] = field(default_factory=set)
    defects: list[str] = field(default_factory=list)

    def header(self, name: str) -> str | None:
        values = self.headers.get(name.lower())
        return values[0] if values else None

    @property
    def thread_ids(self) -> list[str]:
        """In-Reply-To first, then References from the newest back."""
        return list(dict.fromkeys([*self.in_reply_to, *reversed(self.references)]))


def message_id_of(value: str | None) -> str | None:
    """The Message-ID of a header value, if it is one we can keep and send back."""
    found = message_ids.ids_in(undo_surrogates(value or ""))
    if found and VALID_ID.fullmatch(found[0]):
        return found[0]
    return None


@dataclass(frozen=True)
class Peek:
    message_id: str | None
    sender: str | None
    sender_name: str
    subject: str
    recipients: tuple[str, ...] = ()


def peek(raw: bytes) -> Peek:
    """The few headers a stored row shows, read without parsing the body; never raises."""
    try:
        headers = BytesHeaderParser(policy=policy.default).parsebytes(raw)
        address, name, _problem = _sender(decode_header(_raw(headers, "from")))
        recipients = [
            decode_header(value)
            for key, value in headers.raw_items()
            if key.lower() in ("delivered-to", "x-original-to", "to", "cc")
        ]
        return Peek(
            message_id_of(_raw(headers, "message-id")),
            address,
            name,
            decode_header(_raw(headers, "subject")),
            tuple(_addresses(recipients)),
        )
    except Exception:  # the row is stored whatever the headers hold
        return Peek(None, None, "", "")


def parse(raw: bytes) -> ParsedMail:
    """Read the whole message; Unreadable when it is not mail at all."""
    if not raw.strip():
        raise Unreadable("the message is empty")
    try:
        # A byte-order mark some Windows tools write before the headers is no header.
        message = BytesParser(policy=policy.default).parsebytes(raw.removeprefix(UTF8_BOM))
    except RecursionError:
        raise Unreadable(f"its parts are nested deeper than {MAX_DEPTH} levels") from None
    headers: dict[str, list[str]] = {}
    for name, value in message.raw_items():
        headers.setdefault(name.lower(), []).append(decode_header(value))
    if not headers:
        raise Unreadable("it has no headers")
    first = {name: values[0] for name, values in headers.items()}
    sender, sender_name, problem = _sender(first.get("from", ""))
    if sender is None and first.get("sender"):
        sender, sender_name, _ = _sender(first["sender"])
    mail = ParsedMail(
        message_id=message_id_of(_raw(message, "message-id")),
        in_reply_to=_ids(message, "in-reply-to"),
        references=_ids(message, "references"),
        sender=sender,
        sender_name=sender_name,
        sender_problem=problem,
        to=_addresses(headers.get("to", [])),
        cc=_addresses(headers.get("cc", [])),
        subject=first.get("subject", ""),
        headers=headers,
    )
    _walk(message, mail, depth=0, counter=[0])
    mail.defects = [type(defect).__name__ for defect in message.defects]
    return mail


def _raw(message: EmailMessage, name: str) -> str | None:
    for key, value in message.raw_items():
        if key.lower() == name:
            return value
    return None


def _ids(message: EmailMessage, name: str) -> list[str]:
    values = [value for key, value in message.raw_items() if key.lower() == name]
    found = message_ids.ids_in(" ".join(undo_surrogates(value) for value in values))
    return [value for value in found if VALID_ID.fullmatch(value)]


def _sender(value: str) -> tuple[str | None, str, str | None]:
    """The address, the display name, and what is wrong when there is no usable address."""
    pairs = [pair for pair in getaddresses([value]) if pair[1]]
    if not pairs:
        return None, "", "it names no sender address (From)"
    name, address = pairs[0]
    try:
        return plain_address(address, "sender").lower(), one_line(name), None
    except ValueError as exc:
        return None, one_line(name), str(exc)


def _addresses(values: list[str]) -> list[str]:
    found = []
    for _name, address in getaddresses(values):
        try:
            found.append(plain_address(address).lower())
        except ValueError:
            continue  # a recipient we cannot write to is no CC
    return list(dict.fromkeys(found))


def _walk(part: EmailMessage, mail: ParsedMail, *, depth: int, counter: list[int]) -> None:
    counter[0] += 1
    if depth > MAX_DEPTH:
        raise Unreadable(f"its parts are nested deeper than {MAX_DEPTH} levels")
    if counter[0] > MAX_PARTS:
        raise Unreadable(f"it has more than {MAX_PARTS} parts")
    content_type = part.get_content_type()
    if not CONTENT_TYPE.fullmatch(content_type):
        content_type = "text/plain"  # RFC 2045: what a malformed Content-Type means
    mail.content_types.add(content_type)
    if content_type == "multipart/report" and part.get_param("report-type") == "delivery-status":
        mail.delivery_status = mail.delivery_status or ""
    if content_type in ("message/delivery-status", "message/global-delivery-status"):
        mail.delivery_status = _payload_text(part)
        return
    if content_type in ("message/rfc822", "message/global", "text/rfc822-headers"):
        enclosed = _payload_text(part)
        if found := HEADER_ID.search(enclosed):
            mail.enclosed_ids.append(found.group(1).strip())
        if content_type != "text/rfc822-headers":
            name = _filename(part) or "message.eml"
            mail.files.append(MailFile(name, "message/rfc822", _payload_bytes(part)))
        return
    if part.is_multipart():
        for sub in part.get_payload():
            if isinstance(sub, EmailMessage):
                _walk(sub, mail, depth=depth + 1, counter=counter)
        return
    filename = _filename(part)
    disposition = _disposition(part)
    if filename is None and disposition != "attachment":
        if content_type == "text/plain":
            mail.text_parts.append(_payload_text(part))
            return
        if content_type == "text/html":
            mail.html_parts.append(_payload_text(part))
            return
    data = _payload_bytes(part)
    content_id = message_id_of(part.get("Content-ID", "")) if part.get("Content-ID") else None
    mail.files.append(
        MailFile(
            filename or _unnamed(content_type),
            content_type,
            data,
            content_id[1:-1] if content_id else None,
        )
    )


def _disposition(part: EmailMessage) -> str | None:
    try:
        return part.get_content_disposition()
    except Exception:  # a malformed header is no disposition
        return None


def _filename(part: EmailMessage) -> str | None:
    try:
        name = part.get_filename()
    except Exception:  # a malformed parameter is no name
        return None
    return decode_header(name) or None if name else None


def _unnamed(content_type: str) -> str:
    maintype, _, subtype = content_type.partition("/")
    return f"{maintype or 'part'}.{re.sub(r'[^a-z0-9]+', '', subtype)[:10] or 'bin'}"


def _payload_bytes(part: EmailMessage) -> bytes:
    """The decoded bytes of a part (base64 and quoted-printable undone, leniently)."""
    try:
        if part.is_multipart() or part.get_content_maintype() == "message":
            return _body_bytes(part)
        data = part.get_payload(decode=True)
    except Exception:  # a part we cannot decode is kept as it came
        data = None
    if data is None:
        raw = part.get_payload()
        data = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""
    return data


def _body_bytes(part: EmailMessage) -> bytes:
    payload = part.get_payload()
    if isinstance(payload, list):
        return b"".join(_message_bytes(sub) for sub in payload)
    return payload.encode("utf-8", "surrogateescape") if isinstance(payload, str) else b""


def _message_bytes(message: EmailMessage) -> bytes:
    try:
        return message.as_bytes(policy=policy.compat32)
    except Exception:  # kept as text when it cannot be written back
        return str(message).encode("utf-8", "surrogateescape")


def _payload_text(part: EmailMessage) -> str:
    charset = None
    try:
        charset = part.get_content_charset()
    except Exception:  # a malformed parameter is no charset
        charset = None
    return storable(decode_bytes(_payload_bytes(part), charset))
