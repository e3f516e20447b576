"""Messages on a ticket: public replies and internal notes, with their attachments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from ticketapi import permissions as rules
from ticketapi.errors import Conflict, Forbidden, Invalid
from ticketapi.extensions import db
from ticketapi.permissions import Actor
from ticketapi.tickets import events, history
from ticketapi.tickets.changes import set_status
from ticketapi.tickets.models import Attachment, Message, Ticket
from ticketapi.tickets.rendering import body_html
from ticketapi.tickets.services import get_ticket
from ticketapi.tickets.status import Happening, Status


def messages_query(actor: Actor, ticket_id: int) -> Select:
    """The ticket's messages, oldest first; users never see internal notes."""
    return messages_of(actor, get_ticket(actor, ticket_id))


def messages_of(actor: Actor, ticket: Ticket) -> Select:
    """messages_query for a ticket the actor was already let see (get_ticket), unread again."""
    query = (
        select(Message)
        .where(Message.ticket_id == ticket.id)
        .options(selectinload(Message.attachments))
        .order_by(Message.created_at, Message.id)
    )
    if not rules.can_see_notes(actor):
        query = query.where(Message.note.is_(False))
    return query


def post_message(
    actor: Actor,
    ticket_id: int,
    *,
    body: str,
    now: datetime,
    note: bool = False,
    html: str | None = None,
    status: str | None = None,
    attachment_ids: list[int] | None = None,
    by_email: bool = False,
) -> Message:
    """Add a reply or a note and move the ticket's status by the rules (`by_email`: it
    arrived as a mail, which the announcement says)."""
    ticket = get_ticket(actor, ticket_id, for_update=True)
    if ticket.merged_into_id is not None:
        raise Conflict(
            f"Ticket {ticket.ref} was merged into ticket {ticket.merged_into_id}: reply there.",
            extra={"merged_into_id": ticket.merged_into_id},
        )
    _check_may_post(actor, ticket, note=note, status=status)
    before = events.Before.of(ticket)
    message = Message(
        ticket_id=ticket.id,
        body=body,
        body_html=body_html(body, html),
        note=note,
        author_type="agent" if actor.is_agent else "user",
        author_agent_id=actor.id if actor.is_agent else None,
        author_user_id=actor.id if actor.is_user else None,
        author_name=actor.name,
        created_at=now,
    )
    db.session.add(message)
    db.session.flush()
    attached = _own_uploads(actor, attachment_ids or [])
    for attachment in attached:
        attachment.message_id = message.id
    history.record(
        ticket,
        actor,
        "note" if note else "reply",
        now=now,
        message_id=message.id,
        attachments=distinct_files(attached),
    )
    happening = (
        Happening.NOTE_ADDED
        if note
        else Happening.AGENT_REPLIED
        if actor.is_agent
        else Happening.USER_REPLIED
    )
    set_status(actor, ticket, happening, _status(status), now=now)
    if happening is Happening.AGENT_REPLIED and ticket.first_agent_reply_at is None:
        ticket.first_agent_reply_at = now
    ticket.updated_at = now
    events.message_posted.publish(
        events.Change(actor, ticket, now, before, message, by_email=by_email)
    )
    return message


def _check_may_post(actor: Actor, ticket: Ticket, *, note: bool, status: str | None) -> None:
    if note and not rules.can_add_note(actor, ticket):
        raise Forbidden("Internal notes are for agents with the tickets.reply permission.")
    if not note and not rules.can_reply(actor, ticket):
        raise Forbidden("Replying needs the tickets.reply permission.")
    if status is not None and (note or not actor.is_agent):
        raise Invalid(
            "Only an agent's public reply can set a status.", fields={"status": "not allowed here"}
        )
    if (
        status is not None
        and status != Status.AWAITING_USER
        and not rules.can_edit_ticket(actor, ticket)
    ):
        raise Forbidden("Setting that status needs the tickets.edit permission.")


def _status(value: str | None) -> Status | None:
    return None if value is None else Status(value)


def distinct_files(attachments: list[Attachment]) -> int:
    """How many files a message carries: an id sent twice, or the same file (name and
    content) uploaded twice, is one file."""
    return len({(a.filename, a.sha256) for a in attachments})


def _own_uploads(actor: Actor, attachment_ids: list[int]) -> list[Attachment]:
    """The actor's own uploads not yet sent: nobody can attach another person's file."""
    wanted = list(dict.fromkeys(attachment_ids))
    if not wanted:
        return []
    # Locked: an upload being removed as unsent at this moment is either removed first (and
    # missing here) or attached first (and kept by the removal).
    found = list(
        db.session.scalars(
            select(Attachment)
            .where(
                Attachment.id.in_(wanted),
                Attachment.message_id.is_(None),
                Attachment.uploader_type == actor.kind,
                Attachment.uploader_id == actor.id,
            )
            .with_for_update()
        )
    )
    missing = sorted(set(wanted) - {a.id for a in found})
    if missing:
        raise Invalid(
            f"Upload {', '.join(map(str, missing))} is not yours to attach, was sent already, "
            "or was removed (uploads not sent within a day are): upload the file again.",
            fields={"attachment_ids": f"unknown: {', '.join(map(str, missing))}"},
        )
    return found
