"""SLA definitions and the working-hours schedules they may count in."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ticketapi import versions
from ticketapi.extensions import db
from ticketapi.slas.hours import Schedule, parse_clock
from ticketapi.tickets.models import Ticket
from ticketapi.timeutil import utcnow

SLA_TYPES = ("first_response", "resolution", "waiting_time")
# "schedule" means: count in the WorkSchedule named by schedule_id.
HOURS_KINDS = ("24x7", "default", "schedule")
# Whom an SLA action mails: the assigned agent, the assigned team's members, the followers.
NOTIFY_TARGETS = ("agent", "team", "followers")


def build_schedule(timezone: str, days: dict[str, Any], holidays: list[str]) -> Schedule:
    """Turn stored or submitted JSON into an hours.Schedule; ValueError when it is not one."""
    intervals = {
        int(weekday): tuple((parse_clock(start), parse_clock(end)) for start, end in spans)
        for weekday, spans in days.items()
    }
    return Schedule(timezone, intervals, frozenset(date.fromisoformat(d) for d in holidays))


class WorkSchedule(db.Model):
    __tablename__ = "work_schedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    timezone: Mapped[str] = mapped_column(String(100))
    # {"0": [["09:00", "17:00"]], ...}: weekday (0 = Monday) to local wall-clock intervals.
    days: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # ["2026-12-25", ...]: ISO dates with no working time.
    holidays: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    def schedule(self) -> Schedule:
        """The calendar this row describes, for hours.add_working_time and friends."""
        return build_schedule(self.timezone, self.days, self.holidays)


class Sla(db.Model):
    __tablename__ = "slas"
    __table_args__ = (Index("ix_slas_schedule", "schedule_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    type: Mapped[str] = mapped_column(String(20))
    target_minutes: Mapped[int]
    warning_minutes: Mapped[int] = mapped_column(default=0)
    hours_kind: Mapped[str] = mapped_column(String(20), default="24x7")
    # Set only when hours_kind is "schedule"; a schedule in use cannot be deleted.
    schedule_id: Mapped[int | None] = mapped_column(
        ForeignKey("work_schedules.id", ondelete="RESTRICT")
    )
    # {"urgency": [..], "organization_ids": [..], ...}; empty means every ticket.
    applies_to: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    active: Mapped[bool] = mapped_column(default=True)
    # What happens when a ticket's clock reaches the warning, and when it fails:
    # {"notify": ["agent", "team", "followers"], "raise_urgency_to": 8,
    #  "assign_team_id": 2, "add_label": "sla-breach"}; every key is optional.
    on_warning: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    on_failure: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    work_schedule: Mapped[WorkSchedule | None] = relationship()

    @property
    def hours(self) -> str | int:
        """The API's view: "24x7", "default", or the schedule id."""
        return self.schedule_id if self.hours_kind == "schedule" else self.hours_kind


# Every process keeps the SLA definitions (slas/tracking.py) until one of these changes.
versions.watch(Sla, "slas")
versions.watch(WorkSchedule, "slas")


class TicketSla(db.Model):
    """One SLA's clock on one ticket (slas/clock.py says how it runs)."""

    __tablename__ = "ticket_slas"
    __table_args__ = (
        # The periodic check: every clock whose state changes by time before now.
        Index("ix_ticket_slas_next_check", "next_check_at"),
        # The ticket filter sla_state=warning|failed.
        Index("ix_ticket_slas_state_ticket", "state", "ticket_id"),
        Index("ix_ticket_slas_sla", "sla_id"),
    )

    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True
    )
    sla_id: Mapped[int] = mapped_column(ForeignKey("slas.id", ondelete="CASCADE"), primary_key=True)
    state: Mapped[str] = mapped_column(String(10), default="ok")
    due_at: Mapped[datetime | None]
    warning_at: Mapped[datetime | None]
    next_check_at: Mapped[datetime | None]
    # The clock itself: minutes used up to running_since (NULL while paused or done).
    used_minutes: Mapped[float] = mapped_column(default=0.0)
    running_since: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]
    # 0 none, 1 the warning's actions, 2 the failure's: each runs once per ticket.
    actions_level: Mapped[int] = mapped_column(default=0)

    sla: Mapped[Sla] = relationship(lazy="joined", innerjoin=True)

    @property
    def paused(self) -> bool:
        return self.running_since is None and self.completed_at is None

    @property
    def minutes_left(self) -> float | None:
        """While paused, the working minutes left before the target (none once it failed)."""
        if not self.paused:
            return None
        return max(0.0, round(self.sla.target_minutes - self.used_minutes, 1))


class TicketSlaDue(db.Model):
    """A ticket's most pressing SLA due time, for ordering queues by it (no row: none)."""

    __tablename__ = "ticket_sla_due"

    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True
    )
    due_at: Mapped[datetime] = mapped_column(index=True)


# A ticket's clocks, declared here: tickets know nothing of SLAs. SQLAlchemy adds a
# relationship to a mapped class as if the class had declared it, so a ticket loads, saves
# and deletes its clocks as before, and the ticket API loads them for a page of tickets in
# one query (slas/ticket_fields.py).
Ticket.sla_rows = relationship(
    TicketSla, cascade="all, delete-orphan", passive_deletes=True, order_by=TicketSla.sla_id
)
# Kept beside the ticket, not in it: SLA bookkeeping is no change to the ticket's version.
Ticket.sla_due = relationship(
    TicketSlaDue, uselist=False, cascade="all, delete-orphan", passive_deletes=True
)
