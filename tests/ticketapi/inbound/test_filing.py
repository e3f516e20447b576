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


def test_a_mail_without_the_accounts_team_leaves_the_ticket_unassigned(inbox):
    inbox.account.team_id = None
    row = inbox.receive(mail())
    assert inbox.ticket(row).team_id is None


def test_a_new_sender_becomes_an_unverified_user_with_their_name(inbox):
    row = inbox.receive(mail(sender="=?utf-8?q?J=C3=BCrgen_M=C3=BCller?= <J.Muller@Example.org>"))
    user = inbox.ticket(row).user
    assert (user.email, user.name, user.verified) == (
        "j.muller@example.org",
        "Jürgen Müller",
        False,
    )


def test_the_other_recipients_become_ccs_but_never_us_or_agents(inbox, desk):
    to = f"{ACCOUNT}, Bo <bo@acme.example>, support@tidewater.example, {desk.sam.row.email}"
    row = inbox.receive(mail(to=to, headers={"Cc": "cy@acme.example, ann@acme.example"}))
    ticket = inbox.ticket(row)
    assert sorted(user.email for user in ticket.cc) == ["bo@acme.example", "cy@acme.example"]


def test_the_account_can_leave_the_recipients_out(inbox):
    inbox.account.add_cc_recipients = False
    row = inbox.receive(mail(headers={"Cc": "cy@acme.example"}))
    assert inbox.ticket(row).cc == []


def test_an_account_without_acknowledgements_sends_none(inbox):
    inbox.account.auto_acknowledge = False
    row = inbox.receive(mail())
    assert row.state == "filed"
    assert inbox.mails_to("ann@acme.example") == []
    assert "sends none" in row.reason
