"""A corpus of hostile and odd mail: each message is filed correctly or held with a reason,
its raw bytes are kept, nothing it carries can run in a page, and no exception escapes."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from tests.ticketapi.inbound.corpus import CASES, Case
from ticketapi.extensions import db
from ticketapi.inbound.store import read_raw
from ticketapi.tickets.models import Attachment, Message, Ticket

# What must never reach a page from a mail: elements that run or submit, handlers, script
# URLs, and images loaded from elsewhere.
DANGEROUS = re.compile(
    r"<(script|iframe|form|input|object|embed|style|base|meta|svg|math)\b"
    r"|\son\w+\s*=|javascript:|<img\b[^>]*\ssrc=\"(?!/api/v1/attachments/)",
    re.IGNORECASE,
)


@dataclass
class Shown:
    """What a filed mail became: its message as the ticket shows it."""

    ticket: Ticket
    body: str
    body_html: str
    attachments: list[Attachment]


def test_the_corpus_is_large_and_named_once():
    assert len(CASES) >= 60
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_each_message_is_filed_or_held_with_a_reason_and_nothing_is_lost(inbox, case: Case):
    row = inbox.receive(case.data)
    assert read_raw(row) == case.data, "the raw message is kept byte for byte"
    assert row.handled_at is not None
    assert row.reason, "every outcome says why"
    assert row.state == case.state, row.reason
    if row.state != "filed":
        return
    ticket = db.session.get(Ticket, row.ticket_id)
    message = db.session.get(Message, row.ticket_message_id) if row.ticket_message_id else None
    if message is None:  # recorded in the ticket's history (an auto-reply on a ticket)
        return
    assert not DANGEROUS.search(message.body_html), message.body_html
    assert not DANGEROUS.search(row.full_html or ""), row.full_html
    if case.check is not None:
        shown = Shown(ticket, message.body, message.body_html, list(message.attachments))
        # A check asserts, or (a one-line lambda) answers whether it holds.
        assert case.check(shown) is not False, case.name
