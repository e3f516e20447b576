"""Merging a duplicate ticket into the ticket that survives."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from ticketapi import permissions as rules
from ticketapi.errors import Conflict, Invalid
from ticketapi.extensions import db
from ticketapi.permissions import Actor
from ticketapi.tickets import events, history
from ticketapi.tickets.models import Message, Ticket, TicketLabel
from ticketapi.tickets.services import get_ticket
from ticketapi.tickets.status import Status


def merge_tickets(actor: Actor, source_id: int, target_id: int, *, now: datetime) -> Ticket:
    """Move the source's conversation into the target and point the source at it.

    Both histories stay where they are; the source is resolved and keeps
    `merged_into_id`, so old links and email threads find the survivor.
    """
    if source_id == target_id:
        raise Invalid("A ticket cannot be merged into itself.", fields={"into_id": "same ticket"})
    # Locked in id order, so two merges of the same pair cannot deadlock.
    first, second = sorted((source_id, target_id))
    locked = {
        ticket_id: get_ticket(actor, ticket_id, rules.can_merge, for_update=True)
        for ticket_id in (first, second)
    }
    source, target = locked[source_id], locked[target_id]
    before = {ticket.id: events.Before.of(ticket) for ticket in (source, target)}
    for ticket in (source, target):
        if ticket.merged_into_id is not None:
            raise Conflict(
                f"Ticket {ticket.ref} was already merged into ticket {ticket.merged_into_id}."
            )
    if target.confirmed and not source.confirmed:
        # Its messages would show wherever the target is seen (CCs, the organization) as the
        # requester's, which nobody has confirmed.
        raise Conflict(
            f"Ticket {source.ref} is not confirmed by its requester yet: merged into "
            f"{target.ref}, its messages would show to everyone who sees {target.ref}. "
            f"Merge {target.ref} into {source.ref} instead, or wait until it is confirmed."
        )
    db.session.execute(
        update(Message).where(Message.ticket_id == source.id).values(ticket_id=target.id)
    )
    people_to_copy = [source.user, *source.cc] if source.user_id != target.user_id else source.cc
    for user in people_to_copy:
        if user.id != target.user_id and user not in target.cc:
            target.cc.append(user)
    for agent in source.followers:
        if agent not in target.followers:
            target.followers.append(agent)
    for name in source.labels:
        if name not in target.labels:
            target.label_rows.append(TicketLabel(name=name))
    history.record(
        source, actor, "merged_into", now=now, ticket_id=target.id, ref=target.ref,
        old_status=source.status,
    )  # fmt: skip
    history.record(target, actor, "merged_from", now=now, ticket_id=source.id, ref=source.ref)
    source.merged_into_id = target.id
    source.status = Status.RESOLVED.value
    source.resolved_at = source.status_changed_at = source.updated_at = now
    target.updated_at = now
    for ticket in (source, target):
        events.changed.publish(events.Change(actor, ticket, now, before[ticket.id]))
        events.messages_moved.publish(ticket)  # the survivor's search finds them, the source's not
    db.session.flush()
    db.session.expire(target)
    return target
