"""The help desk's mail account, and a way to send it mail as a mail server would."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage

import pytest

from tests.ticketapi.inbound.listener import running_smtpd
from tests.ticketapi.inbound.mails import ACCOUNT
from ticketapi.extensions import db
from ticketapi.inbound.models import EmailAccount, InboundMessage
from ticketapi.inbound.store import store_raw
from ticketapi.tickets.models import Ticket
from ticketapi.timeutil import utcnow


@dataclass
class Inbox:
    account: EmailAccount
    mailbox: object
    sent: list[EmailMessage] = field(default_factory=list)

    def receive(self, raw: bytes, account: EmailAccount | None = ...) -> InboundMessage:
        """Store the mail, run the queue (its filing, the mail that sends); the row after."""
        chosen = self.account if account is ... else account
        row = store_raw(chosen, raw, now=utcnow(), source="ingest")
        self.sent.extend(self.mailbox.deliver())
        db.session.expire_all()
        return db.session.get(InboundMessage, row.id)

    def ticket(self, row: InboundMessage) -> Ticket:
        assert row.ticket_id is not None, (row.state, row.reason)
        return db.session.get(Ticket, row.ticket_id)

    def mails_to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.sent if address in str(m["To"])]


@pytest.fixture
def inbox(desk, mailbox) -> Inbox:
    account = EmailAccount(address=ACCOUNT, name="Tidewater Help", team_id=desk.support.id)
    db.session.add(account)
    db.session.commit()
    return Inbox(account, mailbox)


@pytest.fixture
def smtpd(app, inbox) -> Iterator[int]:
    """`helpdesk smtpd`'s listener for the inbox's account; its port."""
    with running_smtpd(app) as port:
        yield port
