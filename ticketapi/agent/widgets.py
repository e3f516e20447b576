"""What the agent pages' widgets show, worked out in Python so templates only lay it out.

The macros in templates/agent/macros.html draw these: a status badge, the SLA clock that
matters most, times in words. Nothing here decides a rule: statuses come from
tickets/status.py, clock states from slas/clock.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ticketapi.tickets.models import Ticket
from ticketapi.tickets.status import Status

STATUS_LABELS = {
    Status.AWAITING_AGENT.value: "Awaiting agent",
    Status.AWAITING_USER.value: "Awaiting user",
    Status.PENDING.value: "Pending",
    Status.RESOLVED.value: "Resolved",
}
# Which clock to show when a ticket has several: the worst state, then the earliest due.
_SEVERITY = {"failed": 0, "warning": 1, "ok": 2, "paused": 3}


@dataclass(frozen=True)
class SlaClock:
    """The SLA clock a list shows for a ticket: its state, name and time left in words."""

    state: str  # "failed", "warning", "ok" or "paused"
    name: str
    text: str
    due_at: datetime | None


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status.replace("_", " ").capitalize())


def pressing_clock(ticket: Ticket, now: datetime) -> SlaClock | None:
    """The ticket's most pressing SLA clock, or None when no clock is running or failed."""
    clocks = []
    for row in ticket.sla_rows:
        if row.state == "done":
            continue
        state = "paused" if row.paused and row.state != "failed" else row.state
        clocks.append((_SEVERITY.get(state, 2), row.due_at or datetime.max, state, row))
    if not clocks:
        return None
    _, _, state, row = min(clocks, key=lambda clock: clock[:2])
    if state == "paused":
        text = f"paused, {in_words(timedelta(minutes=row.minutes_left or 0))} left"
    elif state == "failed" or (row.due_at is not None and row.due_at <= now):
        text = f"overdue {in_words(now - row.due_at)}" if row.due_at else "overdue"
        state = "failed"
    elif row.due_at is None:  # running without a due time yet (as the ticket page says)
        text = "no target"
    else:
        text = f"{in_words(row.due_at - now)} left"
    return SlaClock(state=state, name=row.sla.name, text=text, due_at=row.due_at)


def in_words(span: timedelta) -> str:
    """'45 min', '3 h 20 min', '2 d 4 h': short enough for a dense list."""
    minutes = max(0, int(span.total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def ago(moment: datetime, now: datetime) -> str:
    """When something last happened, from now: 'just now', '12 min ago', '3 d ago'."""
    if now - moment < timedelta(minutes=1):
        return "just now"
    return f"{in_words(now - moment)} ago"
