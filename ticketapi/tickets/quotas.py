"""What one portal user may do in an hour or a day: uploads, stored bytes, tickets, CCs.

Rate limits (rate_limits/) count requests per client address; quotas count what a signed-in
user has made, from the rows themselves, so they hold across processes and restarts and
cannot be dodged by changing address. Agents are exempt: they are staff, each one known,
and their work (a ticket for a caller, an outage notice CC'd to many) must not stop at a
customer's limit. Anonymous submitters have the submission rate limit per address and the
CC limit per ticket; there is no per-email count for them, since anyone can type anyone's
address and would use up that person's tickets.

A quota reached is a `RateLimited` 429 (when its window lets the next one in); the CC limit,
which no time resets, is a 422 naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from ticketapi.errors import Invalid
from ticketapi.extensions import db
from ticketapi.people.models import User
from ticketapi.permissions import Actor
from ticketapi.rate_limits import RateLimited
from ticketapi.tickets.models import Attachment, Ticket, TicketEvent

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
MB = 1024 * 1024


@dataclass(frozen=True)
class Quotas:
    uploads_per_hour: int
    upload_bytes_per_day: int
    tickets_per_hour: int
    cc_per_ticket: int

    @classmethod
    def from_config(cls, config: Mapping) -> Quotas:
        return cls(
            uploads_per_hour=config["UPLOADS_PER_HOUR"],
            upload_bytes_per_day=config["UPLOAD_BYTES_PER_DAY"],
            tickets_per_hour=config["TICKETS_PER_HOUR"],
            cc_per_ticket=config["CC_PER_TICKET"],
        )


def current() -> Quotas:
    return Quotas.from_config(current_app.config)


def _lock(actor: Actor) -> None:
    # Two requests of one user at once count one after the other (PostgreSQL; SQLite's
    # writers are one at a time already), so both cannot take the last place.
    db.session.execute(select(User.id).where(User.id == actor.id).with_for_update())


def _mb(size: int) -> str:
    return f"{size / MB:.0f} MB" if size >= MB else f"{size / 1024:.0f} KB"


def check_upload(actor: Actor, *, now: datetime, size: int = 0) -> None:
    """Refuse a user's upload past their hourly count or daily bytes (size: this file's)."""
    if not actor.is_user:
        return
    quotas = current()
    _lock(actor)
    mine = (Attachment.uploader_type == actor.kind, Attachment.uploader_id == actor.id)
    hour = list(
        db.session.scalars(
            select(Attachment.created_at)
            .where(*mine, Attachment.created_at > now - HOUR)
            .order_by(Attachment.created_at)
        )
    )
    if len(hour) >= quotas.uploads_per_hour:
        # The oldest upload of the hour leaving it makes room for one more.
        frees_at = hour[len(hour) - quotas.uploads_per_hour] + HOUR
        raise RateLimited(
            f"You have uploaded {len(hour)} files in the last hour, and the limit is "
            f"{quotas.uploads_per_hour} an hour.",
            retry_after=(frees_at - now).total_seconds(),
            extra={"quota": "uploads_per_hour"},
        )
    if size > quotas.upload_bytes_per_day:
        raise Invalid(
            f"The file ({_mb(size)}) is larger than the {_mb(quotas.upload_bytes_per_day)} "
            "you may upload in a day: send a smaller one or a link to it.",
            fields={"file": "larger than the daily upload limit"},
        )
    day = db.session.execute(
        select(Attachment.created_at, Attachment.size)
        .where(*mine, Attachment.created_at > now - DAY)
        .order_by(Attachment.created_at)
    ).all()
    used = sum(row.size for row in day)
    if used + max(size, 1) <= quotas.upload_bytes_per_day:
        return
    # Room comes back as the day's uploads leave the window, oldest first.
    freed, frees_at = 0, now
    for created_at, stored in day:
        freed += stored
        frees_at = created_at + DAY
        if used - freed + max(size, 1) <= quotas.upload_bytes_per_day:
            break
    raise RateLimited(
        f"You have uploaded {_mb(used)} in the last 24 hours, and the limit is "
        f"{_mb(quotas.upload_bytes_per_day)} a day"
        + (f"; this file is {_mb(size)}." if size else "."),
        retry_after=(frees_at - now).total_seconds(),
        extra={"quota": "upload_bytes_per_day"},
    )


def check_new_ticket(actor: Actor, *, now: datetime) -> None:
    """Refuse a user's ticket past their hourly count (tickets they opened themselves)."""
    if not actor.is_user:
        return
    quotas = current()
    _lock(actor)
    # Opened by the user, signed in: not a ticket an agent or an anonymous form opened in
    # their name (the index on tickets (user_id, created_at) finds them).
    opened = list(
        db.session.scalars(
            select(Ticket.created_at)
            .join(TicketEvent, TicketEvent.ticket_id == Ticket.id)
            .where(
                Ticket.user_id == actor.id,
                Ticket.created_at > now - HOUR,
                TicketEvent.kind == "opened",
                TicketEvent.actor_type == "user",
                TicketEvent.actor_id == actor.id,
            )
            .order_by(Ticket.created_at)
        )
    )
    if len(opened) >= quotas.tickets_per_hour:
        frees_at = opened[len(opened) - quotas.tickets_per_hour] + HOUR
        raise RateLimited(
            f"You have opened {len(opened)} tickets in the last hour, and the limit is "
            f"{quotas.tickets_per_hour} an hour: add to one of them, or wait.",
            retry_after=(frees_at - now).total_seconds(),
            extra={"quota": "tickets_per_hour"},
        )


def check_cc_count(actor: Actor, count: int, *, field: str) -> None:
    """Refuse more than the CC limit on one ticket, unless an agent adds them."""
    if actor.is_agent:
        return
    limit = current().cc_per_ticket
    if count > limit:
        raise Invalid(
            f"A ticket may CC at most {limit} people: remove someone first, or ask us to add more.",
            fields={field: f"at most {limit} CCs a ticket"},
            extra={"quota": "cc_per_ticket"},
        )
