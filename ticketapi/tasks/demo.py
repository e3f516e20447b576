"""Demo tasks for Tidewater: due tomorrow, overdue, done, one on a ticket."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from ticketapi.extensions import db
from ticketapi.people.models import Agent, Team
from ticketapi.tasks.models import Task
from ticketapi.tickets.models import Ticket

ADMIN_EMAIL = "admin@tidewater.example"
SAM_EMAIL = "sam@tidewater.example"
TEAM_NAME = "Support"

# "due": days from today (None: no date); "agent": "admin", "sam" or None; "team": Support's.
TASKS = [
    {
        "title": "Call the customer back about the cracked hull",
        "notes": "Ask for photos of the keel and the rental contract number first.",
        "due": 1,
        "agent": "sam",
        "on_ticket": True,
    },
    {
        "title": "Update the spray-skirt size chart in the FAQ",
        "notes": "The new neoprene skirts run one size small.",
        "due": -2,
        "team": True,
    },
    {"title": "Confirm guides for the June sea-kayak skills course", "due": 5, "agent": "admin"},
    {
        "title": "Send the new rental waiver to the print shop",
        "notes": "200 copies, double-sided.",
        "due": -3,
        "agent": "admin",
        "done": True,
    },
    {
        "title": "Check returned drysuits for leaks",
        "notes": "Log any failed seams on the repair sheet.",
        "agent": "sam",
        "team": True,
    },
]


def load(now: datetime) -> int:
    """Add the demo tasks that are missing; return how many were added."""
    agents = {"admin": _agent(ADMIN_EMAIL), "sam": _agent(SAM_EMAIL)}
    team = db.session.scalar(select(Team).where(Team.name == TEAM_NAME))
    ticket = db.session.scalar(select(Ticket).order_by(Ticket.id).limit(1))
    creator = agents["admin"] or agents["sam"]
    # Due times on the hour read like ones a person set.
    on_the_hour = now.replace(minute=0, second=0, microsecond=0)
    added = 0
    for spec in TASKS:
        agent = agents.get(spec.get("agent"))
        task_team = team if spec.get("team") else None
        if agent is None and task_team is None:
            continue
        title = spec["title"]
        if db.session.scalar(select(Task.id).where(Task.title == title).limit(1)) is not None:
            continue
        due, done = spec.get("due"), spec.get("done", False)
        db.session.add(
            Task(
                title=title,
                notes=spec.get("notes"),
                due_at=None if due is None else on_the_hour + timedelta(days=due),
                agent_id=agent.id if agent else None,
                team_id=task_team.id if task_team else None,
                ticket_id=ticket.id if spec.get("on_ticket") and ticket else None,
                done=done,
                done_at=now - timedelta(days=1) if done else None,
                created_by_id=creator.id if creator else None,
                created_at=now,
                updated_at=now,
            )
        )
        added += 1
    db.session.flush()
    return added


def _agent(email: str) -> Agent | None:
    return db.session.scalar(select(Agent).where(Agent.email == email))
