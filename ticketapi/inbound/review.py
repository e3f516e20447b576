"""What the admin page shows of a stored message, and filing a quarantined one by hand.

The page never shows the mail as it came: the headers it lists are decoded to one line and
cut, the body is the stored (sanitized) original of a filed message, or for one that was
never filed the same sanitizing run on its raw now (remote images as data-src, no cid
images: nothing was stored for them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ticketapi.errors import Invalid
from ticketapi.extensions import db
from ticketapi.inbound import filing, store
from ticketapi.inbound.content import content_of
from ticketapi.inbound.decoding import one_line
from ticketapi.inbound.models import InboundMessage
from ticketapi.inbound.parsing import Unreadable, parse
from ticketapi.inbound.services import get_inbound, quarantined
from ticketapi.inbound.threads import Thread, ticket_by_ref
from ticketapi.permissions import Actor

SHOWN_HEADERS = (
    "from", "sender", "reply-to", "to", "cc", "delivered-to", "subject", "date", "message-id",
    "in-reply-to", "references", "auto-submitted", "precedence", "x-loop", "return-path",
    "content-type",
)  # fmt: skip
HEADER_MAX = 1000
VALUES_MAX = 5
REF_MAX = 20


@dataclass
class Shown:
    headers: list[tuple[str, str]] = field(default_factory=list)
    text: str | None = None
    html: str | None = None
    problem: str | None = None


def shown(actor: Actor, inbound_id: int) -> tuple[InboundMessage, Shown]:
    """The message (admins) and what its page shows of it."""
    row = get_inbound(actor, inbound_id)
    try:
        mail = parse(store.read_raw(row))
    except OSError as exc:
        return row, Shown(text=row.full_text, html=row.full_html, problem=_missing(exc))
    except Unreadable as exc:
        return row, Shown(text=row.full_text, html=row.full_html, problem=f"Unreadable: {exc}")
    headers = [
        (name.title().replace("-Id", "-ID"), _cut(one_line(value)))
        for name in SHOWN_HEADERS
        for value in mail.headers.get(name, [])[:VALUES_MAX]
    ]
    if row.full_text is not None or row.full_html is not None:
        return row, Shown(headers, row.full_text, row.full_html)
    content = content_of(mail, {}, [])
    return row, Shown(headers, content.full_text, content.full_html)


def file_by_hand(
    actor: Actor, inbound_id: int, *, ticket_ref: str | None, now: datetime
) -> InboundMessage:
    """File a quarantined message onto ticket `ticket_ref`, or as a new ticket (None).

    Filed at once, as the job files (its own savepoint and commit): what fails leaves it
    quarantined again with the new reason.
    """
    row = quarantined(actor, inbound_id, "filed by hand")
    thread = Thread(how="an admin's choice")
    if ticket_ref is not None:
        ref = ticket_ref.strip().lstrip("#").upper()
        ticket = ticket_by_ref(ref) if 0 < len(ref) <= REF_MAX else None
        if ticket is None:
            raise Invalid(
                f"No ticket has the reference {ticket_ref.strip()[:REF_MAX]!r}.",
                fields={"ticket": "no ticket has that reference"},
            )
        thread = Thread(ticket, "an admin's choice")
    row.state, row.reason, row.handled_at = store.RECEIVED, None, None
    db.session.flush()
    filing.file_stored(row.id, now=now, by_hand=thread, by=actor.name)
    return db.session.get(InboundMessage, row.id, populate_existing=True)


def _cut(value: str) -> str:
    return value if len(value) <= HEADER_MAX else value[: HEADER_MAX - 1] + "…"


def _missing(exc: OSError) -> str:
    return f"Its raw file cannot be read: {exc.strerror or exc}."
