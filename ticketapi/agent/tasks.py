"""Tasks: the agent's lists (mine, my teams', due today, overdue, done) and their forms.

Every list is `tasks.services.tasks_query` (the visibility rule of permissions.py) with a
filter; "today" is the calendar day in the help desk's time zone (HELPDESK_TIMEZONE) at the
`now` the view passes in. Changing and deleting go through the services, and a task's
buttons show only when permissions.can_edit_task / can_delete_task allow them.

The ticket page creates a task for its ticket with `templates/agent/task_form.html` posted
to `create_for_ticket` (`POST /agent/tickets/<id>/tasks`); `form_context` gives that form
its choices.
"""

from __future__ import annotations

from datetime import date, datetime, time

from flask import Blueprint, current_app, redirect, request, url_for
from flask_login import current_user
from marshmallow import ValidationError
from sqlalchemy.orm import lazyload, selectinload

from ticketapi import permissions as rules
from ticketapi.agent.new_ticket import agent_choices, team_choices
from ticketapi.agent.shell import HOME, local_next, page, tell
from ticketapi.core.ids import MAX_ID
from ticketapi.core.transactions import commit
from ticketapi.errors import DomainError, Forbidden
from ticketapi.extensions import db
from ticketapi.pagination import paginate
from ticketapi.people import staff
from ticketapi.people.models import Agent, Team
from ticketapi.permissions import Actor
from ticketapi.tasks import services as tasks
from ticketapi.tasks.models import Task
from ticketapi.tasks.schemas import TaskPatch
from ticketapi.tickets import queries
from ticketapi.tickets import services as tickets
from ticketapi.tickets.models import Ticket
from ticketapi.timeutil import day_bounds, from_local, local_day, to_local, utcnow

bp = Blueprint("tasks", __name__)

PER_PAGE = 50
TABS = {
    "mine": "Mine",
    "teams": "My teams'",
    "today": "Due today",
    "overdue": "Overdue",
    "done": "Done",
}
FIELDS = ("title", "due_date", "due_time", "agent_id", "team_id", "ticket")
# A date without a time: due by the end of that day.
END_OF_DAY = time(23, 59)
SAY = {
    "title": "Give the task a title: one line, at most 200 characters.",
    "due_date": "Give the due date as a date, such as 2026-05-01.",
    "due_time": "Give the time as hours and minutes, such as 14:30, or leave it empty.",
    "agent_id": "Choose an agent from the list, or a team.",
    "team_id": "Choose a team from the list.",
    "ticket": "No ticket you can see has that reference.",
}
FORM_NAME = {"due_at": "due_date", "ticket_id": "ticket"}


def zone() -> str:
    return current_app.config.get("TIMEZONE", "UTC")


def tab_filters(actor: Actor, tab: str, now: datetime, time_zone: str) -> dict:
    """The tasks_query filters of a tab: mine and my teams' are what is open; due today,
    overdue and done are among the tasks given to me or my teams."""
    if tab == "mine":
        return {"agent_id": actor.id, "done": False}
    if tab == "teams":
        return {"team_ids": sorted(actor.team_ids), "done": False}
    if tab == "today":
        start, end = day_bounds(local_day(now, time_zone), time_zone)
        return {"mine": True, "done": False, "due_from": start, "due_before": end}
    if tab == "overdue":
        return {"mine": True, "done": False, "due_before": now}
    return {"mine": True, "done": True}


@bp.get("/tasks")
def index():
    return _list_page({name: "" for name in FIELDS}, {}, None)


@bp.post("/tasks")
def create():
    return _create(None)


@bp.post("/tickets/<int:ticket_id>/tasks")
def create_for_ticket(ticket_id: int):
    """The ticket page's small form: a task linked to this ticket, then back to that page."""
    actor = current_user.actor
    ticket = tickets.get_ticket(actor, ticket_id)  # 404 for a ticket the agent cannot see
    return _create(ticket)


@bp.get("/tasks/<int:task_id>/edit")
def edit(task_id: int):
    actor = current_user.actor
    task = _editable(actor, task_id)
    typed = form_values(task, zone())
    if task.ticket is not None and not _sees(actor, task.ticket):
        typed["ticket"] = ""  # a task of yours may belong to a ticket you cannot see
    return _edit_page(task, typed, {}, None)


@bp.post("/tasks/<int:task_id>")
def save(task_id: int):
    actor = current_user.actor
    task = _editable(actor, task_id)
    typed = {name: request.form.get(name, "") for name in FIELDS}
    values, errors = checked(actor, typed, zone(), editing=True)
    if errors:
        return _edit_page(task, typed, errors, None, status=422)
    if not typed["ticket"].strip() and task.ticket is not None and not _sees(actor, task.ticket):
        values.pop("ticket_id", None)  # its form showed no ticket it could not see: keep it
    try:
        tasks.update_task(actor, task_id, values, now=utcnow())
    except Forbidden:
        db.session.rollback()
        raise
    except DomainError as error:
        db.session.rollback()
        return _edit_page(_editable(actor, task_id), typed, _named(error), error.message, 422)
    commit()
    tell("The task is saved.")
    return redirect(_back(), 303)


@bp.post("/tasks/<int:task_id>/done")
def mark(task_id: int):
    done = request.form.get("done") == "1"
    tasks.update_task(current_user.actor, task_id, {"done": done}, now=utcnow())
    commit()
    return redirect(_back(), 303)


@bp.post("/tasks/<int:task_id>/delete")
def delete(task_id: int):
    tasks.delete_task(current_user.actor, task_id)
    commit()
    tell("The task is deleted.")
    return redirect(_back(), 303)


def _create(ticket: Ticket | None):
    actor = current_user.actor
    typed = {name: request.form.get(name, "") for name in FIELDS}
    if ticket is not None:
        typed["ticket"] = ticket.ref
    values, errors = checked(actor, typed, zone(), editing=False)
    if not errors:
        try:
            tasks.create_task(actor, values, now=utcnow())
        except DomainError as error:
            db.session.rollback()
            if isinstance(error, Forbidden):
                raise
            problem, errors = error.message, _named(error)
        else:
            commit()
            tell("The task is added.")
            if ticket is not None and not request.form.get("back"):
                return redirect(f"{HOME}tickets/{ticket.id}", 303)
            return redirect(_back(), 303)
    else:
        problem = None
    return _list_page(typed, errors, problem, status=422)


def checked(actor: Actor, typed: dict[str, str], time_zone: str, *, editing: bool):
    """The service's values from the form, and a message for each field that is not right.
    The API's schema checks what it knows (the title); the rest is read here."""
    errors: dict[str, str] = {}
    payload: dict = {"title": typed["title"].strip()}
    due_at = None
    if typed["due_date"].strip():
        try:
            day = date.fromisoformat(typed["due_date"].strip())
        except ValueError:
            errors["due_date"] = SAY["due_date"]
        else:
            at = END_OF_DAY
            if typed["due_time"].strip():
                try:
                    at = time.fromisoformat(typed["due_time"].strip())
                except ValueError:
                    errors["due_time"] = SAY["due_time"]
            if 1970 < day.year < 9999:
                due_at = from_local(datetime.combine(day, at), time_zone).replace(microsecond=0)
            else:
                errors["due_date"] = SAY["due_date"]
    elif typed["due_time"].strip():
        errors["due_date"] = "Give a date for that time."
    if editing or due_at is not None:
        payload["due_at"] = due_at
    for name in ("agent_id", "team_id"):
        text = typed[name].strip()
        if text:
            if text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID:
                payload[name] = int(text)
            else:
                errors[name] = SAY[name]
        elif editing:
            payload[name] = None
    ref = typed["ticket"].strip().upper()
    if ref:
        ticket_id = _visible_ref(actor, ref)
        if ticket_id is None:
            errors["ticket"] = SAY["ticket"]
        payload["ticket_id"] = ticket_id
    elif editing:
        payload["ticket_id"] = None
    try:
        values = TaskPatch().load({k: v for k, v in payload.items() if k != "due_at"})
    except ValidationError as error:
        values = {}
        for name in error.normalized_messages():
            errors.setdefault(FORM_NAME.get(name, name), SAY.get(FORM_NAME.get(name, name), ""))
    if "due_at" in payload:
        values["due_at"] = payload["due_at"]
    if not payload["title"]:
        errors["title"] = SAY["title"]
    return values, errors


def _visible_ref(actor: Actor, ref: str) -> int | None:
    if len(ref) > 20:
        return None
    query = queries.tickets_query(actor, {"include_merged": True}).where(Ticket.ref == ref)
    return db.session.scalar(query.with_only_columns(Ticket.id).order_by(None))


def form_values(task: Task, time_zone: str) -> dict[str, str]:
    """A task as its edit form shows it: the due time in the help desk's time zone."""
    due = to_local(task.due_at, time_zone) if task.due_at else None
    return {
        "title": task.title,
        "due_date": due.date().isoformat() if due else "",
        "due_time": due.strftime("%H:%M") if due and due.time() != END_OF_DAY else "",
        "agent_id": str(task.agent_id or ""),
        "team_id": str(task.team_id or ""),
        "ticket": task.ticket.ref if task.ticket else "",
    }


def form_context(actor: Actor) -> dict:
    """What task_form.html needs besides the values: the agents and teams to choose from."""
    return {
        "task_agents": agent_choices(actor, "Me, or only the team"),
        "task_teams": team_choices(actor, "No team"),
    }


def _named(error: DomainError) -> dict[str, str]:
    named = {FORM_NAME.get(name, name) for name in error.fields}
    return {name: SAY.get(name, error.message) for name in named}


def _editable(actor: Actor, task_id: int) -> Task:
    task = tasks.get_task(actor, task_id)  # 404 for a task the agent may not see
    if not rules.can_edit_task(actor, task):
        raise Forbidden(
            "Only its creator, its assignees or an agent with tasks.manage can change a task."
        )
    return task


def _back() -> str:
    back = request.form.get("back")
    return local_next(back) if back else url_for("agent.tasks.index")


def _tab() -> str:
    tab = request.args.get("tab", "mine")
    return tab if tab in TABS else "mine"


def _list_page(typed, errors, problem, *, status: int = 200):
    actor = current_user.actor
    tab, now, time_zone = _tab(), utcnow(), zone()
    listed = paginate(
        tasks.tasks_query(actor, tab_filters(actor, tab, now, time_zone)).options(
            # Whether the agent may see each ticket asks for its followers: loaded for the
            # whole page at once, not ticket by ticket.
            selectinload(Task.ticket)
            .selectinload(Ticket.followers)
            .load_only(Agent.id)
            .options(lazyload(Agent.teams))
        ),
        _page_number(),
        PER_PAGE,
    )
    body = page(
        "agent/tasks.html",
        status,
        tab=tab,
        tabs=TABS,
        listed=listed,
        shown=shown_tasks(actor, listed.items, now, time_zone),
        typed=typed,
        errors=errors,
        problem=problem,
        today=local_day(now, time_zone),
        time_zone=time_zone,
        **form_context(actor),
    )
    commit()  # reads only
    return body


def _edit_page(task, typed, errors, problem, status: int = 200):
    actor = current_user.actor
    body = page(
        "agent/task_edit.html",
        status,
        task=task,
        typed=typed,
        errors=errors,
        problem=problem,
        time_zone=zone(),
        **form_context(actor),
    )
    commit()
    return body


def _page_number() -> int:
    value = request.args.get("page", "")
    return int(value) if value.isascii() and value.isdigit() and 0 < int(value) <= 10_000 else 1


def shown_tasks(actor: Actor, found: list[Task], now: datetime, time_zone: str) -> list[dict]:
    """What each row shows: names instead of ids, the due time in the help desk's zone, and
    which buttons the agent may use."""
    agent_ids = {t.agent_id for t in found} | {t.created_by_id for t in found}
    agents = dict(
        db.session.execute(
            staff.agents_query(actor)
            .where(Agent.id.in_(agent_ids - {None}))
            .with_only_columns(Agent.id, Agent.name)
        ).all()
    )
    team_ids = {t.team_id for t in found} - {None}
    teams = dict(
        db.session.execute(
            staff.teams_query(actor)
            .where(Team.id.in_(team_ids))
            .with_only_columns(Team.id, Team.name)
        ).all()
    )
    today = local_day(now, time_zone)
    rows = []
    for task in found:
        due = to_local(task.due_at, time_zone) if task.due_at else None
        rows.append(
            {
                "task": task,
                "agent": agents.get(task.agent_id),
                "team": teams.get(task.team_id),
                "creator": agents.get(task.created_by_id),
                "due": _due_text(due, today) if due else None,
                "due_iso": task.due_at.isoformat() + "Z" if task.due_at else None,
                "overdue": bool(task.due_at and not task.done and task.due_at < now),
                "ticket": task.ticket
                if task.ticket and rules.can_view_ticket(actor, task.ticket)
                else None,
                "may_edit": rules.can_edit_task(actor, task),
                "may_delete": rules.can_delete_task(actor, task),
            }
        )
    return rows


def _sees(actor: Actor, ticket: Ticket) -> bool:
    return rules.can_view_ticket(actor, ticket)


def _due_text(due: datetime, today: date) -> str:
    day = due.date()
    when = "" if due.time().replace(second=0) == END_OF_DAY else f" {due:%H:%M}"
    if day == today:
        return f"today{when}"
    return f"{day:%a %-d %b %Y}{when}"
