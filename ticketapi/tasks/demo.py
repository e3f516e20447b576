"""Demo tasks for Tidewater: due tomorrow, overdue, done, some on the demo tickets."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from ticketapi.extensions import db
from ticketapi.people.models import Agent, Team
from ticketapi.tasks.models import Task
from ticketapi.tickets.models import Ticket

ADMIN_EMAIL = "admin@tidewater.example"
SAM_EMAIL = "sam@tidewater.example"

# "due": days from today (None: no date); "agent": "admin", "sam" or None; "team": a team's
# name; "ticket": the subject of the demo ticket the task belongs to. A task whose agent and
# team are both missing is skipped; one whose ticket is missing is added without it.
TASKS: list[dict[str, Any]] = [
    {
        "title": "Call Ben back about upgrading to Business",
        "notes": "Their X-ray imaging folder is about 610 GB. Offer Business (5 TB) or an "
        "exclusion for the raw scans; Ann is the owner, so she confirms the upgrade in "
        "Billing > Plans.",
        "due": 1,
        "agent": "sam",
        "team": "Support",
        "ticket": "Backups paused: storage quota reached (TW-4001)",
    },
    {
        "title": "Retake the Restore window screenshots for desktop app 5.4",
        "notes": "The timeline moved to the top of the Restore window; update the Windows and "
        "macOS shots in “Restore files from a snapshot”.",
        "due": -2,
        "team": "Support",
    },
    {
        "title": "Verify Dev Sharma's identity before the two-step verification reset",
        "notes": "Check invoice TW-2026-005377 and the card ending 4417 in Billing, then ask a "
        "second Security agent to approve.",
        "due": 1,
        "team": "Security",
        "ticket": "Reset two-step verification: lost phone, no recovery codes",
    },
    {
        "title": "Get the credit note for Harbour Design's 5 unused seats",
        "notes": "Finance promised it for this week; send it to accounts@harbour-design.example "
        "and set the ticket to resolved.",
        "due": 3,
        "team": "Billing",
        "ticket": "November invoice bills 27 seats, we have 22 people",
    },
    {
        "title": "Draft the email about the February 2027 prices",
        "notes": "Same facts as the news post: Starter 1.5 TB, Business 6 TB; annual plans "
        "keep their price until renewal.",
        "due": 5,
        "agent": "admin",
    },
    {
        "title": "Publish the holiday support hours",
        "notes": "24 December 2026 to 2 January 2027; Enterprise stays covered 24/7.",
        "due": -3,
        "agent": "admin",
        "done": True,
    },
    {
        "title": "Remove stale devices from the test workspace",
        "notes": "Settings > Devices: anything without a backup for 90 days.",
        "agent": "sam",
        "team": "Support",
    },
]


def load(now: datetime) -> int:
    """Add the demo tasks that are missing; return how many were added."""
    agents = {"admin": _agent(ADMIN_EMAIL), "sam": _agent(SAM_EMAIL)}
    creator = agents["admin"] or agents["sam"]
    # Due times on the hour read like ones a person set.
    on_the_hour = now.replace(minute=0, second=0, microsecond=0)
    added = 0
    for spec in TASKS:
        agent = agents.get(spec.get("agent"))
        team = _team(spec["team"]) if spec.get("team") else None
        if agent is None and team is None:
            continue
        title = spec["title"]
        if db.session.scalar(select(Task.id).where(Task.title == title).limit(1)) is not None:
            continue
        due, done = spec.get("due"), spec.get("done", False)
        ticket = _ticket(spec["ticket"]) if spec.get("ticket") else None
        db.session.add(
            Task(
                title=title,
                notes=spec.get("notes"),
                due_at=None if due is None else on_the_hour + timedelta(days=due),
                agent_id=agent.id if agent else None,
                team_id=team.id if team else None,
                ticket_id=ticket.id if ticket else None,
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


def _team(name: str) -> Team | None:
    return db.session.scalar(select(Team).where(Team.name == name))


def _ticket(subject: str) -> Ticket | None:
    return db.session.scalar(
        select(Ticket).where(Ticket.subject == subject).order_by(Ticket.id).limit(1)
    )
