"""Held submissions: a ticket sent without signing in waits for its address to confirm it.

Anyone can type anyone's address into the public form. Such a ticket is filed as the user
with that address, as always, but held: `confirmed` is false, so only agents and the
requester see it (permissions.py), and a link that confirms it is mailed to the address
(`auth/links.py`: 256 random bits, stored hashed, once, for LINK_TTL). Every public
submission is held and mailed alike, whether the address is new, an account's or a verified
colleague's, so nothing a submitter sees tells which addresses have accounts.
Confirming is in tickets/confirmation.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from ticketapi.auth import links
from ticketapi.extensions import db
from ticketapi.mail.outbound import queue_mail
from ticketapi.permissions import Actor
from ticketapi.text import one_line
from ticketapi.tickets import history
from ticketapi.tickets.models import Ticket, TicketConfirmation

LINK_TTL = timedelta(days=7)
#: The page a link opens (ticketapi/portal/confirmation.py).
PAGE = "/portal/tickets/confirm"
#: At most this many links go to one address in LIMIT_WINDOW, however many submissions name
#: it from however many machines: nobody fills someone's inbox through the public form.
#: Tickets past the limit are held all the same; their requester confirms them signed in,
#: or an agent mails a new link.
LINKS_PER_ADDRESS = 5
LIMIT_WINDOW = timedelta(hours=1)


def send_link(ticket: Ticket, actor: Actor, *, now: datetime, resent: bool = False) -> bool:
    """Mail the requester a link that confirms this ticket; whether one went.

    An earlier link of the ticket ends (only the newest works). A submission past the
    per-address limit gets no link (`resent`, an agent's request, always does); the history
    says which happened, for the agents.
    """
    user = ticket.user
    if not resent and _recent_links(user.email, now) >= LINKS_PER_ADDRESS:
        history.record(
            ticket, actor, "confirmation_not_sent", now=now, reason="address_limit",
            limit=f"{LINKS_PER_ADDRESS} per {_hours(LIMIT_WINDOW)}",
        )  # fmt: skip
        return False
    end_links(ticket, now=now)
    plain, token_hash = links.new_secret()
    db.session.add(
        TicketConfirmation(
            token_hash=token_hash,
            ticket_id=ticket.id,
            email=user.email,
            created_at=now,
            expires_at=now + LINK_TTL,
        )
    )
    queue_mail(
        to=[user.email],
        subject=f"[#{ticket.ref}] Please confirm your ticket: {_short(ticket.subject, 80)}",
        text=mail_text(ticket, links.site_link(PAGE, plain), resent=resent),
        headers={"Auto-Submitted": "auto-generated"},
    )
    history.record(
        ticket, actor, "confirmation_sent", now=now, to=user.email,
        expires_at=(now + LINK_TTL).isoformat(),
    )  # fmt: skip
    return True


def end_links(ticket: Ticket, *, now: datetime) -> None:
    """End the ticket's unused links (a newer one was sent, or the ticket is confirmed)."""
    db.session.execute(
        update(TicketConfirmation)
        .where(
            TicketConfirmation.ticket_id == ticket.id,
            TicketConfirmation.used_at.is_(None),
            TicketConfirmation.expires_at > now,
        )
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )


def _recent_links(email: str, now: datetime) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(TicketConfirmation)
        .where(
            TicketConfirmation.email == email,
            TicketConfirmation.created_at > now - LIMIT_WINDOW,
        )
    )


def _short(text: str, limit: int) -> str:
    """One line (subjects stored before the rule may hold line breaks), cut at `limit`."""
    line = " ".join(one_line(text).split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def _hours(span: timedelta) -> str:
    hours = int(span.total_seconds() // 3600)
    return f"{hours} hour{'s' * (hours != 1)}"


def mail_text(ticket: Ticket, address: str, *, resent: bool) -> str:
    """The mail: which ticket, why we ask, the link, and what happens if it was not them.

    Only the reference and the subject (one line, cut) of what was typed appear: the page
    the link opens shows the message, to the address's owner alone.
    """
    days = LINK_TTL.days
    why = (
        "Our support team sent you a new link to confirm a ticket"
        if resent
        else "A ticket was just submitted on our help centre with your email address"
    )
    return (
        "Hello,\n"
        "\n"
        f"{why}:\n"
        "\n"
        f"  Ticket:  {ticket.ref}\n"
        f"  Subject: {_short(ticket.subject, 200)}\n"
        "\n"
        "If you sent it, please confirm it here (the link works once, for "
        f"{days} day{'s' * (days != 1)}):\n"
        "\n"
        f"{address}\n"
        "\n"
        "Until it is confirmed, only our support team sees it (and you, signed in): nobody\n"
        "copied on it and nobody in your organization does. Our team may still answer it\n"
        "at this address.\n"
        "\n"
        "If you did not send it, ignore this mail: someone else typed your address, and the\n"
        "ticket stays unconfirmed. Nobody else can use the link.\n"
    )
