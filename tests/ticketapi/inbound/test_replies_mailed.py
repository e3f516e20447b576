"""Agents' public replies are mailed to the ticket's user and CCs, threaded, and the user's
answer to that mail comes back onto the ticket."""

from __future__ import annotations

from email.utils import getaddresses

from tests.support.mailbox import open_ticket
from tests.ticketapi.inbound.mails import ACCOUNT, mail, reply_to
from ticketapi.extensions import db
from ticketapi.inbound.models import EmailAccount, OutboundMail
from ticketapi.mail import message_ids
from ticketapi.tickets.models import Message


def addresses(message, header: str) -> list[str]:
    return [address for _name, address in getaddresses(message.get_all(header, []))]


def reply(world, who, ticket_id: int, body: str, **values):
    response = world.post(
        f"/api/v1/tickets/{ticket_id}/messages", who, json={"body": body, **values}
    )
    assert response.status_code == 201, response.json
    return response.json


def opened_by_mail(inbox, **values):
    row = inbox.receive(mail(headers={"Cc": "Bo <bo@acme.example>"}, **values))
    ticket = inbox.ticket(row)
    (ack,) = inbox.mails_to("ann@acme.example")
    inbox.sent.clear()
    return ticket, ack


def parts(message) -> dict[str, str]:
    return {
        part.get_content_type(): part.get_content().replace("\r\n", "\n")
        for part in message.walk()
        if not part.is_multipart()
    }


def test_an_agents_reply_is_mailed_threaded_and_the_answer_comes_back(world, desk, inbox):
    ticket, ack = opened_by_mail(inbox)
    assert ack["Auto-Submitted"] == "auto-replied"  # RFC 3834: an automatic answer
    reply(world, desk.sam, ticket.id, "Restart the agent.\n\n<script>x()</script>")
    inbox.sent.extend(inbox.mailbox.deliver())

    (sent,) = inbox.sent
    assert addresses(sent, "From") == [ACCOUNT]  # the account the ticket came in on
    assert addresses(sent, "To") == ["ann@acme.example"]
    assert addresses(sent, "Cc") == ["bo@acme.example"]
    assert sent["Subject"] == f"Re: [#{ticket.ref}] Backups paused"
    assert message_ids.signed_ref(sent["Message-ID"]) == ticket.ref
    assert sent["In-Reply-To"] == "<m1@acme.example>"  # the user's last mail
    assert message_ids.ids_in(sent["References"]) == ["<m1@acme.example>", ack["Message-ID"]]
    assert sent["Auto-Submitted"] is None  # a person wrote it: auto-responders may answer
    content = parts(sent)
    assert set(content) == {"text/plain", "text/html"}
    assert content["text/plain"].startswith("Restart the agent.\n")
    assert f"Ticket {ticket.ref}" in content["text/plain"]
    assert "<p>Restart the agent.</p>" in content["text/html"]  # as the ticket shows it
    assert "<script" not in content["text/html"] and "&lt;script&gt;" in content["text/html"]

    # Ann answers that mail, with a subject of her own: it threads by our Message-ID.
    answer = inbox.receive(reply_to(sent["Message-ID"], subject="thanks", text="Done, it works."))
    assert (answer.state, answer.ticket_id) == ("filed", ticket.id), answer.reason
    assert "our Message-ID" in answer.reason
    last = db.session.scalars(
        db.select(Message).where(Message.ticket_id == ticket.id).order_by(Message.id.desc())
    ).first()
    assert (last.body, last.author_name) == ("Done, it works.", "Ann Lee")

    # The next reply names the whole conversation.
    inbox.sent.clear()
    reply(world, desk.sam, ticket.id, "Glad to hear it.")
    (second,) = inbox.mailbox.deliver()
    assert second["In-Reply-To"] == "<reply-1@acme.example>"
    assert message_ids.ids_in(second["References"]) == [
        "<m1@acme.example>", ack["Message-ID"], sent["Message-ID"], "<reply-1@acme.example>",
    ]  # fmt: skip


def test_notes_are_never_mailed_and_our_addresses_never(world, desk, inbox):
    ticket, _ack = opened_by_mail(inbox)
    # One of our own addresses made a CC (by hand): never mailed, no loop.
    ours = world.user("Help", email=ACCOUNT)
    response = world.post(f"/api/v1/tickets/{ticket.id}/cc", desk.admin, json={"user_id": ours.id})
    assert response.status_code == 200, response.json
    reply(world, desk.sam, ticket.id, "Checking the quota.", note=True)
    assert inbox.mailbox.deliver() == []
    reply(world, desk.sam, ticket.id, "Your quota was full.")
    (sent,) = inbox.mailbox.deliver()
    assert ACCOUNT not in addresses(sent, "To") + addresses(sent, "Cc")
    assert addresses(sent, "Cc") == ["bo@acme.example"]


def test_a_ticket_without_mail_is_answered_from_its_teams_account(world, desk, inbox, mailbox):
    opened = open_ticket(world, desk, team_id=desk.support.id)
    ticket_id, ref = opened["id"], opened["ref"]
    mailbox.deliver()
    reply(world, desk.sam, ticket_id, "It is.")
    (sent,) = mailbox.deliver()
    assert addresses(sent, "From") == [ACCOUNT]  # Support's account: answers come back
    root = sent["In-Reply-To"]
    assert root == sent["References"] and message_ids.signed_ref(root) == ref
    assert ".thread." in root  # no mail of the user's yet: the thread's signed root

    # No account for the team: the help desk's default sender.
    db.session.delete(inbox.account)
    db.session.commit()
    reply(world, desk.sam, ticket_id, "Still full.")
    (again,) = mailbox.deliver()
    assert addresses(again, "From") == ["support@tidewater.example"]


def test_mail_from_an_agent_is_their_reply_mailed_on_to_whom_it_missed(world, desk, inbox):
    _ticket, ack = opened_by_mail(inbox)
    sam = desk.sam.row.email
    row = inbox.receive(
        reply_to(ack["Message-ID"], sender=sam, headers={"Cc": "bo@acme.example"}, text="On it.")
    )
    assert row.state == "filed" and row.reason.startswith("A reply by agent Sam"), row.reason
    (sent,) = inbox.sent  # Bo had it from Sam; Ann did not
    assert addresses(sent, "To") == ["ann@acme.example"] and sent["Cc"] is None
    assert "On it." in parts(sent)["text/plain"]


def test_an_account_may_file_agents_mail_as_notes(world, desk, inbox):
    _ticket, ack = opened_by_mail(inbox)
    response = world.patch(
        f"/api/v1/email-accounts/{inbox.account.id}", desk.admin, json={"agent_mail_as": "note"}
    )
    assert response.status_code == 200 and response.json["agent_mail_as"] == "note"
    row = inbox.receive(reply_to(ack["Message-ID"], sender=desk.sam.row.email, text="Vendor bug."))
    assert row.reason.startswith("An internal note by agent Sam"), row.reason
    message = db.session.get(Message, row.ticket_message_id)
    assert message.note and message.author_name == "Sam"
    assert inbox.sent == []  # a note is never mailed
    assert db.session.get(EmailAccount, inbox.account.id).agent_mail_as == "note"


def test_agent_mail_as_takes_reply_or_note_only(world, desk, inbox):
    response = world.patch(
        f"/api/v1/email-accounts/{inbox.account.id}", desk.admin, json={"agent_mail_as": "bcc"}
    )
    assert response.status_code == 422
    assert "agent_mail_as" in str(response.json)
    created = world.post(
        "/api/v1/email-accounts", desk.admin, json={"address": "sales@tidewater.example",
                                                     "name": "Sales"},
    )  # fmt: skip
    assert created.json["agent_mail_as"] == "reply"


def test_the_reply_reaches_a_real_smtp_server_with_every_recipient(world, desk, inbox, smtp_server):
    row = inbox.receive(mail(headers={"Cc": "Bo <bo@acme.example>"}))
    ticket = inbox.ticket(row)
    reply(world, desk.sam, ticket.id, "Fixed.")
    inbox.mailbox.deliver()
    # The agents' notifications come from the default sender; the account's mail:
    ack, sent = [r for r in smtp_server.received if r.mail_from == ACCOUNT]
    assert ack.message["Auto-Submitted"] == "auto-replied" and ack.rcpt_tos == ["ann@acme.example"]
    assert sorted(sent.rcpt_tos) == ["ann@acme.example", "bo@acme.example"]
    assert message_ids.signed_ref(sent.message["Message-ID"]) == ticket.ref
    assert sent.message["References"].split() == [
        "<m1@acme.example>", ack.message["Message-ID"]
    ]  # fmt: skip
    recorded = db.session.scalars(
        db.select(OutboundMail).where(OutboundMail.ticket_id == ticket.id).order_by(OutboundMail.id)
    ).all()
    assert [(r.kind, r.recipients) for r in recorded] == [
        ("acknowledgement", "ann@acme.example"),
        ("reply", "ann@acme.example, bo@acme.example"),
    ]
