"""Which ticket a mail lands on: our signed ids, stored ids, then [#REF] from people on it."""

from __future__ import annotations

from tests.ticketapi.inbound.mails import mail, reply_to
from ticketapi.extensions import db
from ticketapi.mail import message_ids
from ticketapi.tickets.models import Message, TicketEvent


def opened(inbox, **values):
    row = inbox.receive(mail(**values))
    ticket = inbox.ticket(row)
    (ack,) = inbox.mails_to(row.from_address)
    inbox.sent.clear()
    return ticket, ack


def messages(ticket) -> list[Message]:
    query = db.select(Message).where(Message.ticket_id == ticket.id).order_by(Message.id)
    return list(db.session.scalars(query))


def test_an_answer_to_our_acknowledgement_threads_onto_the_ticket(inbox):
    ticket, ack = opened(inbox)
    row = inbox.receive(reply_to(ack["Message-ID"], subject="Re: something else", text="More"))
    assert (row.state, row.ticket_id) == ("filed", ticket.id)
    assert "our Message-ID" in row.reason
    assert [m.body for m in messages(ticket)][-1] == "More"
    assert inbox.mails_to("ann@acme.example") == []  # a reply is never acknowledged


def test_a_forged_message_id_of_ours_opens_a_new_ticket(inbox):
    ticket, ack = opened(inbox)
    signed = ack["Message-ID"]
    forged = signed.replace(signed.split(".")[3][:4], "aaaa")
    unsigned = f"<hd.{ticket.ref}.thread.aaaaaaaaaaaaaaaa@tidewater.example>"
    for number, fake in enumerate((forged, unsigned, f"<ticket-{ticket.ref}@tidewater.example>")):
        row = inbox.receive(
            reply_to(fake, sender="mallory@evil.example", message_id=f"<f{number}@evil.example>")
        )
        assert row.state == "filed" and row.ticket_id != ticket.id, row.reason


def test_an_answer_to_a_stored_message_threads_by_its_message_id(inbox):
    ticket, _ack = opened(inbox, message_id="<first@acme.example>")
    row = inbox.receive(reply_to("<first@acme.example>", sender="bo@acme.example"))
    assert row.ticket_id == ticket.id, row.reason
    # Bo answered mail of the ticket's: part of the conversation now.
    assert [user.email for user in inbox.ticket(row).cc] == ["bo@acme.example"]


def test_the_subject_ref_threads_for_the_requester(inbox):
    ticket, _ack = opened(inbox)
    row = inbox.receive(mail(subject=f"Re: [#{ticket.ref}] Backups", message_id="<r@acme.example>"))
    assert row.ticket_id == ticket.id, row.reason
    assert "in the subject" in row.reason


def test_a_strangers_mail_with_a_valid_ref_is_a_new_ticket_that_says_so(inbox):
    ticket, _ack = opened(inbox)
    row = inbox.receive(
        mail(
            sender="mallory@evil.example",
            subject=f"Re: [#{ticket.ref}] Backups",
            message_id="<s@evil.example>",
        )
    )
    assert row.state == "filed"
    assert row.ticket_id != ticket.id
    assert f"names ticket [#{ticket.ref}]" in row.reason
    new = inbox.ticket(row)
    assert new.user.email == "mallory@evil.example"
    opened_event = db.session.scalar(
        db.select(TicketEvent).where(TicketEvent.ticket_id == new.id, TicketEvent.kind == "opened")
    )
    assert opened_event.data["names_ticket"] == ticket.ref
    assert len(messages(ticket)) == 1  # nothing landed on Ann's ticket


def test_a_reply_from_a_cc_is_filed_as_that_cc(inbox):
    ticket, _ack = opened(inbox, headers={"Cc": "bo@acme.example"})
    row = inbox.receive(
        mail(sender="Bo <bo@acme.example>", subject=f"[#{ticket.ref}] me too", message_id="<b@x>")
    )
    assert row.ticket_id == ticket.id, row.reason
    last = messages(ticket)[-1]
    assert (last.author_type, last.author_name) == ("user", "bo@acme.example")


def test_a_mail_from_an_agent_is_that_agents_reply(inbox, desk):
    ticket, _ack = opened(inbox)
    row = inbox.receive(
        mail(
            sender=f"Sam <{desk.sam.row.email}>",
            subject=f"Re: [#{ticket.ref}] Backups paused",
            text="Restarted them.\n\nOn Tue, Ann wrote:\n> Our backups stopped",
            message_id="<sam@agents.example>",
        )
    )
    assert row.ticket_id == ticket.id, row.reason
    last = messages(ticket)[-1]
    assert (last.author_type, last.author_agent_id, last.body) == (
        "agent", desk.sam.id, "Restarted them.",
    )  # fmt: skip
    assert inbox.ticket(row).status == "awaiting_user"


def test_an_agent_without_the_reply_permission_is_quarantined_with_the_reason(inbox, world):
    watcher = world.agent("Watcher", permissions=["tickets.view_all"])
    ticket, _ack = opened(inbox)
    row = inbox.receive(
        mail(sender=watcher.row.email, subject=f"[#{ticket.ref}] hi", message_id="<w@x>")
    )
    assert row.state == "quarantined"
    assert "tickets.reply" in row.reason
    assert len(messages(ticket)) == 1


def test_a_reply_to_a_merged_ticket_lands_on_the_ticket_it_was_merged_into(inbox, world, desk):
    first, ack = opened(inbox)
    second, _ = opened(inbox, message_id="<m2@acme.example>", subject="Other")
    response = world.post(
        f"/api/v1/tickets/{first.id}/merge", desk.admin, json={"into_id": second.id}
    )
    assert response.status_code in (200, 201), response.json
    row = inbox.receive(reply_to(ack["Message-ID"], message_id="<late@acme.example>"))
    assert row.ticket_id == second.id, row.reason


def test_our_signed_ids_name_their_ticket_and_nothing_else():
    signed = message_ids.new_message_id("K7QF-M2XP", "x.example")
    assert message_ids.signed_ref(signed) == "K7QF-M2XP"
    assert message_ids.signed_ref(signed.upper()) == "K7QF-M2XP"  # case may change in transit
    assert message_ids.signed_ref(signed.replace("K7QF", "K7QG")) is None
    assert message_ids.signed_ref("<something@else>") is None
