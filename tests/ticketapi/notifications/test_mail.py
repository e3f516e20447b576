"""Notifications through the real mail path: one job per event, then mail that threads."""

from __future__ import annotations

import re

from tests.support.jobs import relay
from tests.support.mailbox import MAIL_FROM, change, open_ticket, text_of
from tests.support.smtp import running_smtp_server
from ticketapi.extensions import db
from ticketapi.mail import message_ids
from ticketapi.tickets.models import Ticket


def test_the_request_only_queues_one_job_per_event(world, desk, mailbox):
    ticket = open_ticket(world, desk, team_id=desk.support.id)
    relay(mailbox.queue)
    (task,) = mailbox.queue.huey.pending()
    assert task.name == "notifications.routed"
    assert task.args == (ticket["id"],)
    # Plain values, so a failed job can be sent again as it was.
    assert task.kwargs == {
        "agent_id": None,
        "team_id": desk.support.id,
        "by_agent_id": desk.admin.id,
        "by_name": "Ada",
        "opened": True,
    }


def test_mails_about_one_ticket_thread_together(world, desk, mailbox):
    ticket = open_ticket(world, desk, team_id=desk.support.id)
    change(world, desk.admin, ticket, agent_id=desk.sam.id)
    world.post(f"/api/v1/tickets/{ticket['id']}/messages", desk.ann, json={"body": "Any news?"})
    mails = [m for m in mailbox.deliver() if m["To"] == desk.sam.row.email]
    assert sorted(m["Subject"] for m in mails) == [
        f"[#{ticket['ref']}] Ann Lee replied: Backups paused",
        f"[#{ticket['ref']}] Assigned to you: Backups paused",
        f"[#{ticket['ref']}] New ticket for Support: Backups paused",
    ]
    thread = message_ids.thread_id(ticket["ref"], "tidewater.example")
    for mail in mails:
        assert mail["From"] == MAIL_FROM
        assert mail["Auto-Submitted"] == "auto-generated"
        assert mail["References"] == thread
        assert mail["In-Reply-To"] == thread
        assert re.fullmatch(r"<[^<>@\s]+@tidewater\.example>", mail["Message-ID"])
        # Signed: an answer to it threads onto the ticket, and nobody can forge one.
        assert message_ids.signed_ref(mail["Message-ID"]) == ticket["ref"]
        assert message_ids.signed_ref(thread) == ticket["ref"]
    assert len({m["Message-ID"] for m in mails}) == 3


def test_the_mail_tells_what_happened_and_why(world, desk, mailbox):
    ticket = open_ticket(world, desk, team_id=desk.support.id, urgency=8)
    mail = next(m for m in mailbox.deliver() if m["To"] == desk.kim.row.email)
    assert text_of(mail) == (
        f"Ada opened ticket {ticket['ref']} for Support.\n"
        "\n"
        f"Ticket:    {ticket['ref']} (id {ticket['id']})\n"
        "Subject:   Backups paused\n"
        "Requester: Ann Lee <ann@acme.example>\n"
        "Status:    awaiting_agent, urgency 8\n"
        "Assigned:  Support\n"
        "\n"
        f"The ticket: GET /api/v1/tickets/{ticket['id']}\n"
        "\n"
        "-- \n"
        "You get this because you are a member of the team Support. Change your notification "
        "settings with PATCH /api/v1/agents/me/notifications.\n"
    )


def test_a_subject_with_line_breaks_is_refused_naming_it(world, desk, mailbox):
    body = {"user_id": desk.ann.id, "message": "Quota?", "team_id": desk.support.id}
    for subject in ("Help\r\nBcc: victim@example.com", "Help\x1b[2J", "Help\u202egnp.exe"):
        response = world.post("/api/v1/tickets", desk.admin, json={**body, "subject": subject})
        assert response.status_code == 422
        assert "subject" in response.json["error"]["fields"]
    assert mailbox.deliver() == []


def test_a_subject_stored_with_line_breaks_stays_one_header(world, desk, mailbox):
    # A row from before subjects were checked, or written by a tool that does not check.
    ticket = open_ticket(world, desk)
    row = db.session.get(Ticket, ticket["id"])
    row.subject = "Help\r\nBcc: victim@example.com\x1b[2J\u202e"
    db.session.commit()
    change(world, desk.admin, ticket, agent_id=desk.sam.id)
    (mail,) = [m for m in mailbox.deliver() if m["To"] == desk.sam.row.email]
    assert mail["Bcc"] is None
    assert (
        mail["Subject"] == f"[#{ticket['ref']}] Assigned to you: Help Bcc: victim@example.com [2J"
    )


def test_through_an_smtp_server(world, desk, mailbox, monkeypatch):
    with running_smtp_server() as server:
        monkeypatch.setitem(world.client.application.config, "SMTP_URL", server.url())
        ticket = open_ticket(world, desk, agent_id=desk.sam.id)
        mailbox.deliver()
    (received,) = server.received
    assert received.rcpt_tos == [desk.sam.row.email]
    assert received.mail_from == "support@tidewater.example"
    assert received.message["Subject"] == f"[#{ticket['ref']}] Assigned to you: Backups paused"
    assert received.message["Auto-Submitted"] == "auto-generated"
