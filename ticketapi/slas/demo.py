"""Demo SLAs for Tidewater: support hours in London, and four SLAs with their actions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ticketapi.extensions import db
from ticketapi.people.models import Team
from ticketapi.slas.models import Sla, WorkSchedule
from ticketapi.slas.recompute import recompute_all

SUPPORT_HOURS = "Tidewater support hours"


def load(now: datetime) -> int:
    """Add the missing demo SLAs, then start their clocks on the open demo tickets."""
    schedule = db.session.scalar(select(WorkSchedule).where(WorkSchedule.name == SUPPORT_HOURS))
    if schedule is None:
        schedule = WorkSchedule(
            name=SUPPORT_HOURS,
            timezone="Europe/London",
            days={str(day): [["08:00", "18:00"]] for day in range(5)},
            holidays=["2026-12-25", "2026-12-28", "2027-01-01"],
            created_at=now,
            updated_at=now,
        )
        db.session.add(schedule)
        db.session.flush()
    security = db.session.scalar(select(Team.id).where(Team.name == "Security"))
    added = 0
    for values in _slas(schedule.id, security):
        if db.session.scalar(select(Sla.id).where(Sla.name == values["name"])) is None:
            db.session.add(Sla(created_at=now, updated_at=now, active=True, **values))
            added += 1
    db.session.flush()
    if added:
        recompute_all(now=now)
    return added


def _slas(schedule_id: int, security_team_id: int | None) -> list[dict]:
    urgent_failure = {"notify": ["agent", "team", "followers"], "add_label": "sla-breach"}
    if security_team_id is not None:
        urgent_failure["assign_team_id"] = security_team_id
    return [
        {
            "name": "First reply within 4 working hours",
            "type": "first_response",
            "target_minutes": 240,
            "warning_minutes": 180,
            "hours_kind": "schedule",
            "schedule_id": schedule_id,
            "applies_to": {},
            "on_warning": {"notify": ["agent", "team"]},
            "on_failure": {"notify": ["agent", "team", "followers"], "raise_urgency_to": 7},
        },
        {
            "name": "Urgent: first reply within an hour, day and night",
            "type": "first_response",
            "target_minutes": 60,
            "warning_minutes": 40,
            "hours_kind": "24x7",
            "schedule_id": None,
            "applies_to": {"urgency": [8, 9, 10]},
            "on_warning": {"notify": ["agent", "team"]},
            "on_failure": urgent_failure,
        },
        {
            "name": "Resolved within 3 working days",
            "type": "resolution",
            "target_minutes": 3 * 10 * 60,
            "warning_minutes": 2 * 10 * 60,
            "hours_kind": "schedule",
            "schedule_id": schedule_id,
            "applies_to": {},
            "on_warning": {"notify": ["agent"]},
            "on_failure": {"notify": ["agent", "followers"], "add_label": "overdue"},
        },
        {
            "name": "Customer waits at most a working day",
            "type": "waiting_time",
            "target_minutes": 8 * 60,
            "warning_minutes": 6 * 60,
            "hours_kind": "default",
            "schedule_id": None,
            "applies_to": {},
            "on_warning": {},
            "on_failure": {"notify": ["agent", "team"]},
        },
    ]
