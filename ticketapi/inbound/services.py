"""Inbound messages as the API shows them: listed and read by admins, retried when held."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from ticketapi import permissions
from ticketapi.core.access import require
from ticketapi.core.rows import find, get_or_404
from ticketapi.errors import Conflict, NotFound
from ticketapi.extensions import db
from ticketapi.inbound import store
from ticketapi.inbound.models import InboundMessage
from ticketapi.jobs.outbox import enqueue_after_commit
from ticketapi.permissions import Actor
from ticketapi.tickets.services import get_ticket

ADMINS_ONLY = "Only admins see the inbound mail as it arrived."


def inbound_query(
    actor: Actor, *, states: list[str] | None = None, account_id: int | None = None
) -> Select:
    """Every stored message, newest first, by state and account."""
    require(permissions.can_manage_email, actor, None, ADMINS_ONLY)
    query = select(InboundMessage).options(selectinload(InboundMessage.account))
    if states:
        query = query.where(InboundMessage.state.in_(states))
    if account_id is not None:
        query = query.where(InboundMessage.account_id == account_id)
    return query.order_by(InboundMessage.received_at.desc(), InboundMessage.id.desc())


def get_inbound(actor: Actor, inbound_id: int) -> InboundMessage:
    require(permissions.can_manage_email, actor, None, ADMINS_ONLY)
    return get_or_404(InboundMessage, inbound_id, "inbound message")


def raw_message(actor: Actor, inbound_id: int) -> tuple[InboundMessage, bytes]:
    """The message exactly as it arrived (admins)."""
    row = get_inbound(actor, inbound_id)
    try:
        return row, store.read_raw(row)
    except OSError:
        raise NotFound(f"The raw file of inbound message {inbound_id} is missing.") from None


def retry(actor: Actor, inbound_id: int, *, now: datetime) -> InboundMessage:
    """File a quarantined message again (after a fix: an account, an agent's permission)."""
    row = quarantined(actor, inbound_id, "retried")
    row.state, row.reason, row.handled_at = store.RECEIVED, None, None
    enqueue_after_commit(store.PARSE_JOB, row.id)
    return row


def quarantined(actor: Actor, inbound_id: int, doing: str) -> InboundMessage:
    """The message, locked, if it is quarantined (admins); else 409 saying what it is."""
    row = db.session.get(
        InboundMessage, get_inbound(actor, inbound_id).id, with_for_update=True,
        populate_existing=True,
    )  # fmt: skip
    if row.state != store.QUARANTINED:
        raise Conflict(
            f"Inbound message {inbound_id} is {row.state}: only a quarantined one is {doing}."
        )
    return row


def original(actor: Actor, inbound_id: int) -> InboundMessage:
    """The untrimmed text and HTML of a filed message: for whoever sees its ticket's notes
    (agents who see the ticket), and admins."""
    row = find(InboundMessage, inbound_id)
    if row is not None and permissions.can_manage_email(actor):
        return row
    if row is None or row.ticket_id is None:
        raise NotFound(f"There is no inbound message {inbound_id}.")
    ticket = get_ticket(actor, row.ticket_id)
    if not permissions.can_see_notes(actor, ticket):
        raise NotFound(f"There is no inbound message {inbound_id}.")
    return row
