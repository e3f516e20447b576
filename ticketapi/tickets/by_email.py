"""Tickets and replies that arrive by email (inbound/ decides which ticket, and who wrote).

The sender of a mail has shown nothing but an address, so these take the person found
for it and act as them: a new ticket for its requester (source `email`, the account's
team, no portal quotas or hold), a reply through the same `post_message` as the API (the
same permissions and status rules), CCs the mail named, and what a mail tells a ticket
without being a message (a bounce, an auto-reply) recorded in its history.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ticketapi.errors import Conflict
from ticketapi.extensions import db
from ticketapi.people.models import User
from ticketapi.permissions import Actor
from ticketapi.tickets import events, history, quotas
from ticketapi.tickets.conversation import post_message
from ticketapi.tickets.models import Attachment, Message, Ticket
from ticketapi.tickets.rendering import body_html
from ticketapi.tickets.services import insert_with_unique_ref
from ticketapi.tickets.status import Happening, next_status

# Who the history names for what the mail itself did (CCs it added, a bounce it recorded).
EMAIL = Actor.system("Email")
SUBJECT_MAX = 300


def open_by_email(
    requester: Actor,
    user: User,
    *,
    subject: str,
    body: str,
    html: str | None,
    team_id: int | None,
    attachments: list[Attachment],
    now: datetime,
    **opened: Any,
) -> tuple[Ticket, Message]:
    """Open a ticket for the sender (`requester` is their actor); `opened` goes in the
    history with the opening (the inbound message, a ref the mail named)."""
    ticket = insert_with_unique_ref(
        subject=(" ".join(subject.split()) or "(no subject)")[:SUBJECT_MAX],
        status=next_status(None, Happening.OPENED).value,
        source="email",
        urgency=5,
        user_id=user.id,
        organization_id=user.organization_id,
        team_id=team_id,
        created_at=now,
        updated_at=now,
        status_changed_at=now,
        confirmed=True,
    )
    routed = {"team_id": team_id} if team_id is not None else {}
    history.record(
        ticket, requester, "opened", now=now, status=ticket.status, source="email",
        **routed, **opened,
    )  # fmt: skip
    message = Message(
        ticket_id=ticket.id,
        body=body,
        body_html=body_html(body, html),
        note=False,
        author_type="user",
        author_user_id=user.id,
        author_name=user.name,
        created_at=now,
    )
    db.session.add(message)
    db.session.flush()
    for attachment in attachments:
        attachment.message_id = message.id
    events.opened.publish(events.Change(requester, ticket, now, message=message))
    return ticket, message


def reply_by_email(
    author: Actor,
    ticket: Ticket,
    *,
    body: str,
    html: str | None,
    attachments: list[Attachment],
    now: datetime,
    note: bool = False,
) -> Message:
    """The mail as the author's reply (or an agent's note): their permissions apply."""
    return post_message(
        author,
        ticket.id,
        body=body,
        html=html,
        note=note,
        attachment_ids=[attachment.id for attachment in attachments],
        now=now,
        by_email=True,
    )


def add_ccs_by_email(ticket: Ticket, users: list[User], *, now: datetime) -> list[User]:
    """CC the people a mail was also sent to, up to the CC limit; return those added."""
    added = []
    limit = quotas.current().cc_per_ticket
    for user in users:
        if user.id == ticket.user_id or user in ticket.cc or len(ticket.cc) >= limit:
            continue
        history.record(ticket, EMAIL, "cc_added", now=now, user_id=user.id)
        ticket.cc.append(user)
        added.append(user)
    if added:
        ticket.updated_at = now
    return added


def record_by_email(ticket: Ticket, kind: str, *, now: datetime, **data: Any) -> None:
    """Note in the ticket's history what a mail told it (a bounce, an auto-reply)."""
    history.record(ticket, EMAIL, kind, now=now, **data)


def followed(ticket: Ticket) -> Ticket:
    """The ticket a merge left this one in (the end of the chain), locked for update."""
    seen = set()
    while ticket.merged_into_id is not None and ticket.id not in seen:
        seen.add(ticket.id)
        following = db.session.get(Ticket, ticket.merged_into_id, with_for_update=True)
        if following is None:
            raise Conflict(f"Ticket {ticket.ref} was merged into a ticket that is gone.")
        ticket = following
    return ticket
