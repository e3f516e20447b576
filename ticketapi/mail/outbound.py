"""Outbound mail: queue_mail() in a request or job, the `send_mail` job that delivers it."""

from __future__ import annotations

from datetime import UTC
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from flask import current_app

from ticketapi.jobs.outbox import enqueue_after_commit
from ticketapi.jobs.queue import job
from ticketapi.mail import message_ids
from ticketapi.mail.addresses import (
    check_extra_headers,
    check_header_value,
    plain_address,
    sender_address,
)
from ticketapi.mail.transport import transport_for
from ticketapi.timeutil import utcnow

# policy.SMTP (CRLF line ends, headers folded at 78 characters), with bodies in 7-bit
# encodings (quoted-printable or base64 for non-ASCII text) for servers without 8BITMIME,
# and the ASCII headers we fold ourselves (see build_message) written as they are.
MAIL_POLICY = policy.SMTP.clone(cte_type="7bit", refold_source="none")


def queue_mail(
    *,
    to: list[str],
    subject: str,
    text: str,
    html: str | None = None,
    headers: dict[str, str] | None = None,
    reply_to: str | None = None,
    ticket_ref: str | None = None,
    sender: str | None = None,
    cc: list[str] | None = None,
) -> str | None:
    """Send a message once the current transaction commits; return its Message-ID.

    Nothing talks to SMTP here: the `send_mail` job does, in a worker, after the commit (a
    rollback sends nothing). Bad addresses and header injection raise ValueError at once.
    A mail about a ticket (`ticket_ref`) gets our signed Message-ID (mail/message_ids.py),
    which threads the answers to it; `sender` replaces MAIL_FROM (a ticket email account);
    `cc` are copied (the Cc header), never twice and never someone in `to`.
    """
    if isinstance(to, str) or not to or isinstance(cc, str):
        raise ValueError("`to` must be a non-empty list of addresses (and `cc` a list).")
    recipients = list(dict.fromkeys(plain_address(address, "recipient") for address in to))
    copied = [
        address
        for address in dict.fromkeys(plain_address(address, "recipient") for address in cc or [])
        if address not in recipients
    ]
    check_header_value("Subject", subject)
    extra = check_extra_headers(headers or {})
    reply_address = plain_address(reply_to, "Reply-To address") if reply_to else None
    if not isinstance(text, str) or not (html is None or isinstance(html, str)):
        raise ValueError("The text (and html) of a message must be strings.")
    from_address = str(sender_address(sender or current_app.config["MAIL_FROM"]))
    domain = sender_address(from_address).domain
    # Made once, here: every retry of the job sends the same Message-ID and Date, so a
    # copy that did arrive is recognisably the same message.
    if ticket_ref:
        message_id = message_ids.new_message_id(ticket_ref, domain)
    else:
        message_id = make_msgid(domain=domain)
    enqueue_after_commit(
        send_mail,
        message_id=message_id,
        date=format_datetime(utcnow().replace(tzinfo=UTC)),
        to=recipients,
        subject=subject,
        text=text,
        html=html,
        headers=extra,
        reply_to=reply_address,
        # Only when given: jobs queued before these arguments existed run as they were.
        **({"sender": from_address} if sender else {}),
        **({"cc": copied} if copied else {}),
    )
    return message_id


def build_message(
    *,
    sender: str,
    message_id: str,
    date: str,
    to: list[str],
    subject: str,
    text: str,
    html: str | None = None,
    headers: dict[str, str] | None = None,
    reply_to: str | None = None,
    cc: list[str] | None = None,
) -> EmailMessage:
    """The message as it is sent: headers, a text part, and the HTML as an alternative."""
    message = EmailMessage(policy=MAIL_POLICY)
    message["From"] = sender
    message["To"] = ", ".join(to)
    if cc:
        message["Cc"] = ", ".join(cc)
    message["Subject"] = subject
    message["Date"] = date
    # On its own line whatever its length: folded, it would start with a space that some
    # mail programs keep, and then match no In-Reply-To.
    message.set_raw("Message-ID", check_header_value("Message-ID", message_id))
    if reply_to:
        message["Reply-To"] = reply_to
    # Checked again: set_raw() below bypasses the email package's own line-break check.
    for name, value in check_extra_headers(headers or {}).items():
        if value.isascii():
            # Kept as given, folded between words: the email package would turn a word
            # longer than a line (a long Message-ID in References) into an RFC 2047 encoded
            # word, which no mail program reads as a Message-ID.
            message.set_raw(name, _fold(name, value))
        else:
            message[name] = value
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message


def _fold(name: str, value: str, width: int = 78) -> str:
    lines: list[str] = []
    line = ""
    used = len(name) + 2
    for word in value.split():
        if line and used + len(line) + 1 + len(word) > width:
            lines.append(line)
            line, used = word, 1
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n ".join(lines)


@job("mail.send_mail", once=True)
def send_mail(
    *,
    message_id: str,
    date: str,
    to: list[str],
    subject: str,
    text: str,
    html: str | None = None,
    headers: dict[str, str] | None = None,
    reply_to: str | None = None,
    sender: str | None = None,
    cc: list[str] | None = None,
) -> None:
    """Build the message and hand it to the SMTP server, or write it to `<instance>/mail/`."""
    config = current_app.config
    from_address = sender_address(sender or config["MAIL_FROM"])
    message = build_message(
        sender=str(from_address),
        message_id=message_id,
        date=date,
        to=to,
        subject=subject,
        text=text,
        html=html,
        headers=headers,
        reply_to=reply_to,
        cc=cc,
    )
    transport = transport_for(config, helo=from_address.domain)
    transport.send(message, sender=from_address.addr_spec, recipients=[*to, *(cc or [])])
