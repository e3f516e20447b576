"""Bulk actions on the tickets an agent ticked in a list: assign, status, labels, follow, merge.

Each ticket goes through the same service a single change would (update_ticket, add_follower,
merge_tickets), so each is checked by permissions.py on its own, and each is its own unit of
work: committed when it worked, rolled back when it did not, so nothing is half-applied to a
ticket and one refusal does not undo the others. The list sent each ticket's version: a
ticket changed since the list was drawn is reported, not overwritten.

An action the agent may not take at all is neither offered nor accepted (`available`).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, request
from flask_login import current_user

from ticketapi import permissions as rules
from ticketapi.agent.shell import local_next, page
from ticketapi.core.transactions import commit
from ticketapi.errors import DomainError, Forbidden, Invalid
from ticketapi.extensions import db
from ticketapi.permissions import Actor
from ticketapi.tickets import merge, participants
from ticketapi.tickets import services as tickets
from ticketapi.tickets.status import STATUSES
from ticketapi.timeutil import utcnow

bp = Blueprint("bulk", __name__)

MAX_TICKETS = 100
LABEL_MAX = 50
# Who may take each action at all; each ticket's own check is the service's.
ACTIONS = {
    "assign": rules.has("tickets.assign"),
    "status": rules.has("tickets.edit"),
    "add_label": rules.has("tickets.edit"),
    "remove_label": rules.has("tickets.edit"),
    "follow": rules.is_agent,
    "merge": rules.has("tickets.merge"),
}


@dataclass(frozen=True)
class Outcome:
    ticket_id: int
    done: bool
    message: str


def available(actor: Actor) -> list[str]:
    return [name for name, rule in ACTIONS.items() if rule(actor)]


@bp.post("/bulk")
def apply():
    actor = current_user.actor
    action = request.form.get("action", "")
    if action not in ACTIONS:
        raise Invalid("Choose an action for the selected tickets.")
    if not ACTIONS[action](actor):
        raise Forbidden("You may not do that: ask an admin for the permission.")
    ids = _ticket_ids()
    change = _change(action)  # checked once, before any ticket is touched
    now = utcnow()
    outcomes = []
    for ticket_id in ids:
        try:
            change(actor, ticket_id, _version(ticket_id), now)
            commit()
            outcomes.append(Outcome(ticket_id, True, "Done."))
        except DomainError as problem:
            db.session.rollback()
            outcomes.append(Outcome(ticket_id, False, problem.message))
    return page(
        "agent/bulk_result.html",
        outcomes=outcomes,
        back=local_next(request.form.get("back")),
        failed=sum(not o.done for o in outcomes),
    )


def _ticket_ids() -> list[int]:
    values = request.form.getlist("ticket")
    if not values or not all(_is_id(v) for v in values):
        raise Invalid("Select one or more tickets in the list first.")
    ids = list(dict.fromkeys(int(v) for v in values))
    if len(ids) > MAX_TICKETS:
        raise Invalid(f"Select at most {MAX_TICKETS} tickets at a time.")
    return ids


def _version(ticket_id: int) -> int | None:
    value = request.form.get(f"version-{ticket_id}", "")
    return int(value) if _is_id(value) else None


def _change(action: str):
    """The function that applies the action to one ticket, from the form's other fields."""
    form = request.form
    if action == "assign":
        to = form.get("assign_to", "")
        kind, _, number = to.partition("-")
        if kind not in ("agent", "team") or not (_is_id(number) or number == "none"):
            raise Invalid("Choose whom to assign the tickets to.")
        changes = {f"{kind}_id": None if number == "none" else int(number)}
        return _update(lambda _ticket: changes)
    if action == "status":
        status = form.get("status", "")
        if status not in STATUSES:
            raise Invalid("Choose a status for the tickets.")
        return _update(lambda _ticket: {"status": status})
    if action in ("add_label", "remove_label"):
        label = form.get("label", "").strip().lower()
        if not label or len(label) > LABEL_MAX or "," in label or not label.isprintable():
            raise Invalid(f"Type a label of at most {LABEL_MAX} characters, without commas.")
        if action == "add_label":
            return _update(lambda ticket: {"labels": [*ticket.labels, label]})
        return _update(lambda ticket: {"labels": [n for n in ticket.labels if n != label]})
    if action == "follow":
        return lambda actor, ticket_id, _version, now: participants.add_follower(
            actor, ticket_id, actor.id, now=now
        )
    into = form.get("into", "").strip().lstrip("#")
    if not _is_id(into):
        raise Invalid("Give the number of the ticket to merge the selected ones into.")
    return lambda actor, ticket_id, _version, now: merge.merge_tickets(
        actor, ticket_id, int(into), now=now
    )


def _update(changes_for):
    def change(actor: Actor, ticket_id: int, version: int | None, now) -> None:
        if version is None:
            raise Invalid("The list did not say which version of this ticket you saw: reload it.")
        ticket = tickets.get_ticket(actor, ticket_id)
        tickets.update_ticket(actor, ticket_id, changes_for(ticket), version=version, now=now)

    return change


def _is_id(value: str) -> bool:
    return value.isascii() and value.isdigit() and 0 < int(value) <= 2**31 - 1
