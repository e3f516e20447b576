"""The text of a notification: plain text only, whatever a user sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from ticketapi import text as text_rules
from ticketapi.mail import message_ids
from ticketapi.mail.addresses import sender_address
from ticketapi.tickets.models import Message, Ticket

SETTINGS_ROUTE = "PATCH /api/v1/agents/me/notifications"
# A long reply is cut in the mail; the whole of it is on the ticket.
QUOTE_MAX = 20_000
SUBJECT_MAX = 120
SLA_TYPES = {
    "first_response": "first response",
    "resolution": "resolution",
    "waiting_time": "waiting time",
}


@dataclass(frozen=True)
class Notice:
    """What happened, as a subject line and the paragraphs that open the mail."""

    headline: str
    story: tuple[str, ...]


@dataclass(frozen=True)
class Mail:
    subject: str
    text: str


def one_line(text: str, limit: int = SUBJECT_MAX) -> str:
    """Whitespace and control characters collapsed, cut at `limit`: safe in a header.

    Names and subjects are stored without control characters; this also covers rows
    stored before that rule.
    """
    line = " ".join(text_rules.one_line(text).split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def subject_line(ticket: Ticket, headline: str) -> str:
    return f"[#{ticket.ref}] {one_line(headline, 60)}: {one_line(ticket.subject)}"


def summary(ticket: Ticket) -> str:
    user = ticket.user
    assigned = " / ".join(
        name
        for name in (ticket.agent and ticket.agent.name, ticket.team and ticket.team.name)
        if name
    )
    rows = [
        ("Ticket", f"{ticket.ref} (id {ticket.id})"),
        ("Subject", one_line(ticket.subject, 300)),
        ("Requester", f"{one_line(user.name, 200)} <{user.email}>"),
        ("Status", f"{ticket.status}, urgency {ticket.urgency}"),
        ("Assigned", assigned or "nobody yet"),
    ]
    if not ticket.confirmed:
        # Anyone may type anyone's address into the public form (tickets/holds.py).
        unconfirmed = "not yet: sent without signing in, so the address may not be the sender's"
        rows.insert(3, ("Confirmed", unconfirmed))
    return "\n".join(f"{label + ':':<11}{value}" for label, value in rows)


def compose(ticket: Ticket, notice: Notice, reason: str) -> Mail:
    """The whole mail for one agent: what happened, the ticket, and why they got it."""
    footer = (
        f"You get this because {reason}. Change your notification settings with {SETTINGS_ROUTE}."
    )
    text = "\n\n".join(
        [
            *notice.story,
            summary(ticket),
            f"The ticket: GET /api/v1/tickets/{ticket.id}",
            f"-- \n{footer}",  # the signature separator: mail programs grey out what follows
        ]
    )
    return Mail(subject_line(ticket, notice.headline), text + "\n")


def thread_id(ticket: Ticket) -> str:
    """The ticket's thread root, signed (mail/message_ids.py), in the sender's domain."""
    domain = sender_address(current_app.config["MAIL_FROM"]).domain
    return message_ids.thread_id(ticket.ref, domain)


def headers(ticket: Ticket) -> dict[str, str]:
    """Machine-made (no auto-replies to it), and threaded with every mail about the ticket."""
    thread = thread_id(ticket)
    return {"Auto-Submitted": "auto-generated", "In-Reply-To": thread, "References": thread}


# The events, each a Notice.


def ticket_for_team(
    ticket: Ticket, team_name: str, by: str, *, opened: bool, submitted: bool = False
) -> Notice:
    if submitted:
        requester = one_line(ticket.user.name, 200)
        return Notice(
            f"New ticket for {team_name}",
            (
                f"{requester} submitted ticket {ticket.ref} ({ticket.source}). New tickets "
                f"from the portal and the API go to {team_name}.",
            ),
        )
    if opened:
        return Notice(
            f"New ticket for {team_name}", (f"{by} opened ticket {ticket.ref} for {team_name}.",)
        )
    return Notice(f"Moved to {team_name}", (f"{by} moved ticket {ticket.ref} to {team_name}.",))


def assigned(ticket: Ticket, by: str, *, opened: bool) -> Notice:
    story = (
        f"{by} opened ticket {ticket.ref} and assigned it to you."
        if opened
        else f"{by} assigned ticket {ticket.ref} to you."
    )
    return Notice("Assigned to you", (story,))


def user_replied(ticket: Ticket, message: Message) -> Notice:
    author = one_line(message.author_name, 200)
    body = message.body.strip()
    if len(body) > QUOTE_MAX:
        body = body[:QUOTE_MAX].rstrip() + "\n[…] The rest is on the ticket."
    quoted = "\n".join(f"> {line}" if line else ">" for line in body.splitlines())
    return Notice(f"{author} replied", (f"{author} replied on ticket {ticket.ref}:", quoted))


def sla_crossed(
    ticket: Ticket,
    sla_name: str,
    sla_type: str,
    target_minutes: int,
    state: str,
    due_at: datetime | None,
) -> Notice:
    target = f"{SLA_TYPES.get(sla_type, sla_type)} within {duration(target_minutes)}"
    due = f", due {due_at:%Y-%m-%d %H:%M} UTC" if due_at else ""
    name = one_line(sla_name, 200)
    if state == "warning":
        return Notice(
            f"SLA warning: {name}",
            (f"Ticket {ticket.ref} is close to missing the SLA {name} ({target}{due}).",),
        )
    return Notice(
        f"SLA missed: {name}", (f"Ticket {ticket.ref} has missed the SLA {name} ({target}{due}).",)
    )


def duration(minutes: int) -> str:
    """60 -> "1 hour", 90 -> "1 h 30 min", 2880 -> "2 days"."""
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if not rest and days:
        return f"{days} day{'s' * (days != 1)}"
    if not mins and not days:
        return f"{hours} hour{'s' * (hours != 1)}"
    parts = [
        f"{days} d" if days else "",
        f"{hours} h" if hours else "",
        f"{mins} min" if mins else "",
    ]
    return " ".join(part for part in parts if part) or "0 min"
