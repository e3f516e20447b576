"""Ticket services: open, find, change and delete one ticket.

Every function takes the acting `Actor` and `now`; access is checked here, so
views stay flat and no route can forget it. The list is tickets/queries.py; what a change
does to each field is tickets/changes.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select, text
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from ticketapi import permissions as rules
from ticketapi.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from ticketapi.extensions import db
from ticketapi.people import services as people
from ticketapi.people.models import Team, User
from ticketapi.permissions import Actor
from ticketapi.settings import services as desk_settings
from ticketapi.tickets import events, history, holds, quotas
from ticketapi.tickets.changes import apply_changes, check_may_change, existing
from ticketapi.tickets.models import Message, Ticket
from ticketapi.tickets.queries import with_relations
from ticketapi.tickets.refs import new_ref
from ticketapi.tickets.rendering import body_html
from ticketapi.tickets.schemas import TicketOut
from ticketapi.tickets.status import Happening, Status, next_status

REF_ATTEMPTS = 5


def get_ticket(
    actor: Actor, ticket_id: int, rule=rules.can_view_ticket, *, for_update: bool = False
) -> Ticket:
    """Return the ticket if the actor may see it; 404 otherwise, so ids are not probed.

    `for_update` locks the row until commit (PostgreSQL; SQLite's writers are serialized
    already), so concurrent changes to one ticket queue up instead of overwriting.
    """
    if actor.is_anonymous:
        raise Unauthorized("Sign in to see tickets.")
    query = with_relations(select(Ticket).where(Ticket.id == ticket_id))
    if for_update:
        query = query.with_for_update(of=Ticket)
    ticket = db.session.scalar(query)
    if ticket is None or not rules.can_view_ticket(actor, ticket):
        raise NotFound(f"There is no ticket {ticket_id}.")
    if not rule(actor, ticket):
        raise Forbidden("You may see this ticket but not do that: ask an admin for the permission.")
    return ticket


def open_ticket(actor: Actor, values: dict[str, Any], *, now: datetime) -> Ticket:
    """Open a ticket: a public submission, a signed-in user's, or an agent's for a user."""
    if actor.is_agent:
        if not rules.can_create_ticket_for_user(actor):
            raise Forbidden("Opening tickets for users needs the tickets.edit permission.")
        user = _requester_for_agent(actor, values, now=now)
        source = values.get("source") or "agent"
        team_id = None  # the agent's own choice, among the changes below
    else:
        if not rules.can_submit_ticket(actor):
            raise Forbidden("Submitting tickets is not open to you: please contact us another way.")
        quotas.check_new_ticket(actor, now=now)
        quotas.check_cc_count(actor, len({e.lower() for e in values.get("cc", [])}), field="cc")
        user = _requester_for_portal(actor, values, now=now)
        source = "portal"
        team_id = desk_settings.default_team_id()  # so that someone is told of it
    subject = values["subject"].strip()
    if not subject or not values["message"].strip():
        blank = {f: "Must not be blank." for f in ("subject", "message") if not values[f].strip()}
        raise Invalid("Say what the ticket is about.", fields=blank)
    # Without signing in, nobody has shown the address is theirs: the ticket is held until
    # its owner confirms it (tickets/holds.py). Agents vouch for the tickets they open.
    held = actor.is_anonymous
    # One CC a person, however often (or in whatever case) their address was given.
    copied = list(dict.fromkeys(user_by_email(email, now=now) for email in values.get("cc", [])))
    ticket = insert_with_unique_ref(
        subject=subject,
        status=next_status(None, Happening.OPENED).value,
        source=source,
        urgency=values.get("urgency", 5),
        user_id=user.id,
        organization_id=user.organization_id,
        team_id=team_id,
        created_at=now,
        updated_at=now,
        status_changed_at=now,
        confirmed=not held,
    )
    ticket.cc = copied
    routed = {"team_id": team_id} if team_id is not None else {}
    unconfirmed = {"confirmed": False} if held else {}
    history.record(
        ticket, actor, "opened", now=now, status=ticket.status, source=source,
        **routed, **unconfirmed,
    )  # fmt: skip
    if held:
        holds.send_link(ticket, actor, now=now)
    # An agent may open the ticket with an internal note (what a phone call was about)
    # instead of the user's words; the requester never sees it.
    note = bool(actor.is_agent and values.get("note"))
    message = Message(
        ticket_id=ticket.id,
        body=values["message"],
        body_html=body_html(values["message"]),
        note=note,
        author_type="agent" if note else "user",
        author_agent_id=actor.id if note else None,
        author_user_id=None if note else user.id,
        author_name=actor.name if note else user.name,
        created_at=now,
    )
    db.session.add(message)
    if actor.is_agent:
        chosen = ("agent_id", "team_id", "labels", "status")
        changes = {k: values[k] for k in chosen if k in values}
        if changes:
            apply_changes(actor, ticket, changes, now=now)
    events.opened.publish(events.Change(actor, ticket, now, message=message))
    return ticket


# The columns a new ticket is inserted with; the others start empty (NULL, version 1).
NEW_TICKET_COLUMNS = [
    "ref",
    "subject",
    "status",
    "source",
    "urgency",
    "user_id",
    "organization_id",
    "team_id",
    "created_at",
    "updated_at",
    "status_changed_at",
    "confirmed",
]
# A reference already taken inserts nothing (no error, so no savepoint is needed) and
# returns no id. SQLite (3.35 and later) and PostgreSQL say it the same way. Written as
# text because SQLAlchemy does not cache the dialects' ON CONFLICT constructs: compiling
# one on every ticket cost more than the rest of the insert.
INSERT_TICKET = text(
    f"INSERT INTO tickets ({', '.join(NEW_TICKET_COLUMNS)}, version) "
    f"VALUES ({', '.join(':' + name for name in NEW_TICKET_COLUMNS)}, 1) "
    "ON CONFLICT (ref) DO NOTHING RETURNING id"
).bindparams(*(bindparam(name, type_=Ticket.__table__.c[name].type) for name in NEW_TICKET_COLUMNS))


def insert_with_unique_ref(**columns: Any) -> Ticket:
    """Insert the ticket under a new reference, drawn again if it is taken (about one draw
    in 10^7 at 100,000 tickets); return it as a Ticket of the session."""
    for _attempt in range(REF_ATTEMPTS):
        values = {**columns, "ref": new_ref()}
        ticket_id = db.session.scalar(INSERT_TICKET, values)
        if ticket_id is not None:
            break
    else:
        raise Conflict("Could not find a free ticket reference: try again.")
    ticket = Ticket(
        id=ticket_id,
        **values,
        agent_id=None,
        merged_into_id=None,
        first_agent_reply_at=None,
        resolved_at=None,
        version=1,
    )
    # The row as written, known to the session without reading it back; it has no CCs,
    # followers or labels yet (nor SLA clocks: slas/tracking.py knows a new ticket).
    make_transient_to_detached(ticket)
    db.session.add(ticket)
    for collection in ("cc", "followers", "label_rows"):
        set_committed_value(ticket, collection, [])
    return ticket


def _requester_for_portal(actor: Actor, values: dict, *, now: datetime) -> User:
    if actor.is_user:
        return db.session.get(User, actor.id)
    missing = {
        f: "Missing data for required field." for f in ("name", "email") if not values.get(f)
    }
    if missing:
        raise Invalid("Tell us your name and email so we can answer.", fields=missing)
    return people.user_for_address(values["email"], name=values["name"], now=now)


def _requester_for_agent(actor: Actor, values: dict, *, now: datetime) -> User:
    if values.get("user_id"):
        return existing(User, values["user_id"], "user_id")
    if not values.get("email"):
        raise Invalid(
            "Say whom the ticket is for: user_id, or email (and name).",
            fields={"user_id": "give user_id or email"},
        )
    return people.user_for_address(
        values["email"], name=values.get("name") or values["email"], now=now
    )


def user_by_email(email: str, *, now: datetime) -> User:
    return people.user_for_address(email, name=email, now=now)


def update_ticket(
    actor: Actor, ticket_id: int, changes: dict[str, Any], *, version: int, now: datetime
) -> Ticket:
    """Apply an agent's changes, unless someone else changed the ticket since `version`."""
    ticket = get_ticket(actor, ticket_id, for_update=True)
    check_may_change(actor, ticket, changes)
    if ticket.version != version:
        raise stale(ticket, version)
    before = events.Before.of(ticket)
    # One UPDATE for the whole change, so one change is one version.
    with db.session.no_autoflush:
        if apply_changes(actor, ticket, changes, now=now):
            events.changed.publish(events.Change(actor, ticket, now, before))
    return flush_or_conflict(ticket, version)


# The helpdesk's own rules (the SLA check's actions) change tickets through these three.


def lock_for_rule(ticket_id: int) -> Ticket | None:
    """The ticket, its row locked until commit, for a rule to act on; None if it is gone."""
    return db.session.scalar(
        select(Ticket).where(Ticket.id == ticket_id).with_for_update(of=Ticket)
    )


def record_by_rule(actor: Actor, ticket: Ticket, kind: str, *, now: datetime, **data: Any) -> None:
    """Note in the ticket's history what a rule saw (an SLA crossing), changed or not."""
    history.record(ticket, actor, kind, now=now, **data)


def change_by_rule(actor: Actor, ticket: Ticket, changes: dict[str, Any], *, now: datetime):
    """The helpdesk's own change by a rule (an SLA action) to a ticket locked for update."""
    before = events.Before.of(ticket)
    with db.session.no_autoflush:
        if apply_changes(actor, ticket, changes, now=now):
            events.changed.publish(events.Change(actor, ticket, now, before))


def stale(ticket: Ticket, version: int) -> Conflict:
    return Conflict(
        f"Ticket {ticket.ref} changed since version {version}: it is now at version "
        f"{ticket.version}. Look at the current state, then send your change again.",
        extra={"current": TicketOut().dump(ticket)},
        headers={"ETag": ticket.etag},
    )


def flush_or_conflict(ticket: Ticket, version: int) -> Ticket:
    """Write the change; if another request won the race, answer 409 with its state."""
    ticket_id = ticket.id
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        fresh = db.session.scalar(with_relations(select(Ticket).where(Ticket.id == ticket_id)))
        raise stale(fresh, version) from None
    return ticket


def delete_ticket(actor: Actor, ticket_id: int) -> None:
    ticket = get_ticket(actor, ticket_id, rules.can_delete_ticket)
    events.deleted.publish(ticket.id)
    db.session.delete(ticket)


def refuse_deleting_team_with_open_tickets(team: Team) -> None:
    """Subscribed to people's team_deleting: its open tickets must move to another team first."""
    open_tickets = db.session.scalar(
        select(func.count())
        .select_from(Ticket)
        .where(Ticket.team_id == team.id, Ticket.status != Status.RESOLVED.value)
    )
    if open_tickets:
        raise Conflict(
            f"{team.name} still has {open_tickets} open ticket(s): move them to another team "
            f"first (GET /api/v1/tickets?team_id={team.id}&status=awaiting_agent,"
            "awaiting_user,pending).",
            extra={"open_tickets": open_tickets},
        )
