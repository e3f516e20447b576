"""Open a ticket on a user's behalf: find the user (or name a new one), then the ticket.

The form is checked with the API's own schema (tickets/schemas.TicketIn) and opened through
`tickets.services.open_ticket` with the agent as the actor, so the page and
`POST /api/v1/tickets` obey one set of rules: `tickets.edit` to open a ticket for a user
(a new address registers its user, as the API does), `tickets.assign` to choose an agent or
a team. Anything refused undoes everything: no user, CC or ticket is left half-made.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, request
from flask_login import current_user
from marshmallow import ValidationError

from ticketapi import permissions as rules
from ticketapi.agent.shell import HOME, page, tell
from ticketapi.agent.widgets import status_label
from ticketapi.core.access import require
from ticketapi.core.ids import MAX_ID
from ticketapi.core.transactions import commit
from ticketapi.errors import DomainError, Forbidden
from ticketapi.extensions import db
from ticketapi.people import services as people_service
from ticketapi.people import staff
from ticketapi.people.models import Agent, User
from ticketapi.tickets import services as tickets
from ticketapi.tickets.schemas import SUBJECT_MAX, TicketIn
from ticketapi.tickets.status import Status
from ticketapi.timeutil import utcnow

bp = Blueprint("new_ticket", __name__, url_prefix="/tickets")

NOT_ALLOWED = "Opening tickets for users needs the tickets.edit permission."
FOUND_MAX = 10
FIELDS = (
    "find", "requester", "email", "name", "cc", "subject", "message", "entry",
    "agent_id", "team_id", "status", "urgency", "labels",
)  # fmt: skip
# What each field's problem is, said for people (the schema's messages are for programs).
SAY = {
    "requester": "Choose the user the ticket is for, or a new user.",
    "email": "Enter the new user's email address, such as you@example.com.",
    "name": "Write the name on one line, at most 200 characters.",
    "cc": "Give CCs as email addresses separated by commas, at most 50.",
    "subject": f"Say in a few words what it is about: one line, at most {SUBJECT_MAX} characters.",
    "message": "Write the first message (or note).",
    "agent_id": "Choose an agent from the list.",
    "team_id": "Choose a team from the list.",
    "status": "Choose a status from the list.",
    "urgency": "Choose an urgency from 1 to 10.",
    "labels": "Give labels separated by commas, each at most 50 characters.",
}
# The service's field names, as this form calls them.
FORM_NAME = {"user_id": "requester"}


@bp.get("/new")
def form():
    actor = current_user.actor
    require(rules.can_create_ticket_for_user, actor, None, NOT_ALLOWED)
    typed = {name: request.args.get(name, "") for name in FIELDS}
    return _page(typed, {}, None)


@bp.get("/new/people")
def people():
    """The users matching what is typed in the search field, for its script (JSON)."""
    actor = current_user.actor
    require(rules.can_create_ticket_for_user, actor, None, NOT_ALLOWED)
    found = people_service.search_users(actor, request.args.get("find", ""), limit=FOUND_MAX)
    answer = [{"id": user.id, "name": user.name, "email": user.email} for user in found]
    commit()  # reads only
    return jsonify(answer)


@bp.post("/new")
def create():
    actor = current_user.actor
    require(rules.can_create_ticket_for_user, actor, None, NOT_ALLOWED)
    typed = {name: request.form.get(name, "") for name in FIELDS}
    values, errors = _checked(typed)
    if errors:
        return _page(typed, errors, None, status=422)
    try:
        ticket = tickets.open_ticket(actor, values, now=utcnow())
        db.session.flush()
    except Forbidden:
        db.session.rollback()
        raise
    except DomainError as error:
        db.session.rollback()  # nothing half-written: no new user, CC or ticket
        named = {FORM_NAME.get(name, name) for name in error.fields}
        fields = {name: SAY.get(name, "Check this field.") for name in named}
        return _page(typed, fields, error.message, status=error.status_code)
    ref, ticket_id = ticket.ref, ticket.id
    commit()
    tell(f"Ticket {ref} is open.")
    # The ticket's page (agent/ticket*.py); linked by its path.
    return redirect(f"{HOME}tickets/{ticket_id}", 303)


def _checked(typed: dict[str, str]) -> tuple[dict, dict[str, str]]:
    """The values for open_ticket, and a message for each field that is not right."""
    errors: dict[str, str] = {}
    payload: dict = {
        "subject": typed["subject"].strip(),
        "message": typed["message"],
        "source": "agent",
    }
    requester = typed["requester"].strip()
    if requester == "new" or (not requester and typed["email"].strip()):
        payload["email"] = typed["email"].strip()
        if typed["name"].strip():
            payload["name"] = typed["name"].strip()
        if not payload["email"]:
            errors["email"] = SAY["email"]
    elif (user_id := _whole(requester, 1, MAX_ID)) is not None:
        payload["user_id"] = user_id
    else:
        errors["requester"] = SAY["requester"]
    if cc := _listed(typed["cc"]):
        payload["cc"] = cc
    if labels := _listed(typed["labels"]):
        payload["labels"] = labels
    for name, low, high in (("agent_id", 1, MAX_ID), ("team_id", 1, MAX_ID), ("urgency", 1, 10)):
        if typed[name].strip():
            number = _whole(typed[name].strip(), low, high)
            if number is None:
                errors[name] = SAY[name]
            else:
                payload[name] = number
    try:
        values = TicketIn().load(payload)
    except ValidationError as error:
        values = {}
        for name in error.normalized_messages():
            name = FORM_NAME.get(name, name)
            errors.setdefault(name, SAY.get(name, "Check this field."))
    if not typed["message"].strip():
        errors["message"] = SAY["message"]
    if status := typed["status"].strip():
        if status not in {s.value for s in Status}:
            errors["status"] = SAY["status"]
        values["status"] = status
    values["note"] = typed["entry"] == "note"
    return values, errors


def _whole(text: str, low: int, high: int) -> int | None:
    if text.isascii() and text.isdigit() and low <= int(text) <= high:
        return int(text)
    return None


def _listed(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]


def _page(typed: dict[str, str], errors: dict[str, str], problem: str | None, *, status=200):
    actor = current_user.actor
    found = (
        people_service.search_users(actor, typed["find"], limit=FOUND_MAX) if typed["find"] else []
    )
    chosen = _whole(typed["requester"].strip(), 1, MAX_ID)
    if chosen is not None and chosen not in {user.id for user in found}:
        # The user chosen before a form came back with errors: still offered.
        kept = db.session.get(User, chosen)
        found = ([kept] if kept is not None else []) + found
    assigns = rules.can_assign_new_ticket(actor)
    body = page(
        "agent/new_ticket.html",
        status,
        typed=typed,
        errors=errors,
        problem=problem,
        found=found,
        searched=bool(typed["find"].strip()),
        assigns=assigns,
        agent_choices=agent_choices(actor, "Nobody") if assigns else [],
        team_choices=team_choices(actor, "None") if assigns else [],
        status_choices=[("", "As the rules say")] + [(s.value, status_label(s)) for s in Status],
        urgency_choices=[("", "Normal (5)")] + [(str(n), str(n)) for n in range(1, 11)],
    )
    commit()  # reads only
    return body


def agent_choices(actor, blank: str) -> list[tuple[str, str]]:
    """The active agents for a select, after a blank choice (the tasks' form uses it too)."""
    query = staff.agents_query(actor).where(Agent.active.is_(True)).order_by(None)
    agents = db.session.scalars(query.order_by(Agent.name, Agent.id))
    return [("", blank)] + [(str(agent.id), agent.name) for agent in agents]


def team_choices(actor, blank: str) -> list[tuple[str, str]]:
    teams = db.session.scalars(staff.teams_query(actor))
    return [("", blank)] + [(str(team.id), team.name) for team in teams]
