"""Mail to the help desk becomes tickets and replies, each stored raw first."""

from __future__ import annotations

from tests.ticketapi.inbound.mails import ACCOUNT, mail
from ticketapi.mail import message_ids


def test_a_new_mail_becomes_a_ticket_for_the_accounts_team_and_is_acknowledged(inbox, desk):
    row = inbox.receive(mail())
    assert row.state == "filed", row.reason
    ticket = inbox.ticket(row)
    assert (ticket.subject, ticket.source, ticket.team_id) == (
        "Backups paused", "email", desk.support.id,
    )  # fmt: skip
    assert ticket.user_id == desk.ann.id
    (ack,) = inbox.mails_to("ann@acme.example")
    assert ack["Subject"] == f"[#{ticket.ref}] Backups paused"
    assert ack["Auto-Submitted"] == "auto-replied"
    assert ack["In-Reply-To"] == "<m1@acme.example>"
    assert ACCOUNT in ack["From"]
    assert message_ids.signed_ref(ack["Message-ID"]) == ticket.ref
    assert ticket.ref in ack.get_body(("plain",)).get_content()
