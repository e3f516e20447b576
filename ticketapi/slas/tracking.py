"""SLA clocks follow their tickets: which SLAs apply, and every clock stepped to `now`.

`follow` subscribes to every change the ticket services announce (tickets/events.py) and
steps the clocks in the same transaction. An open ticket gains the clocks of the SLAs that now apply to it
and loses those that no longer do; a resolved ticket keeps its clocks as they ended.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from ticketapi import versions
from ticketapi.extensions import db
from ticketapi.people.models import user_usergroups
from ticketapi.slas.clock import Clock, Judgement, Moment, Terms, judge, replay, step
from ticketapi.slas.hours import Schedule
from ticketapi.slas.models import Sla, TicketSla, TicketSlaDue
from ticketapi.tickets.events import Change
from ticketapi.tickets.models import Ticket, TicketEvent
from ticketapi.tickets.status import Status

ALWAYS = Schedule.always()


def default_hours() -> Schedule:
    """The default working hours: Monday to Friday, 09:00–17:00 in HELPDESK_TIMEZONE."""
    timezone = current_app.config.get("TIMEZONE", "UTC")
    cache = current_app.extensions.setdefault("sla_default_hours", {})
    if timezone not in cache:
        cache[timezone] = Schedule.weekdays(timezone=timezone)
    return cache[timezone]


def terms_of(sla: Sla) -> Terms:
    if sla.hours_kind == "schedule":
        schedule = sla.work_schedule.schedule()
    elif sla.hours_kind == "default":
        schedule = default_hours()
    else:
        schedule = ALWAYS
    return Terms(sla.type, sla.target_minutes, sla.warning_minutes, schedule)


def matcher(conditions: dict | None) -> Callable[[Ticket, frozenset[int]], bool]:
    """The SLA's conditions as one test of a ticket (and its user's usergroup ids)."""
    tests = []
    for key, values in (conditions or {}).items():
        if not values:
            continue
        wanted = frozenset(values)
        if key == "urgency":
            tests.append(lambda ticket, _groups, wanted=wanted: ticket.urgency in wanted)
        elif key == "organization_ids":
            tests.append(lambda ticket, _groups, wanted=wanted: ticket.organization_id in wanted)
        elif key == "team_ids":
            tests.append(lambda ticket, _groups, wanted=wanted: ticket.team_id in wanted)
        elif key == "labels":
            tests.append(
                lambda ticket, _groups, wanted=wanted: not wanted.isdisjoint(ticket.labels)
            )
        elif key == "usergroup_ids":
            tests.append(lambda _ticket, groups, wanted=wanted: not wanted.isdisjoint(groups))
        else:
            raise ValueError(f"unknown SLA condition {key!r}")
    return lambda ticket, groups: all(test(ticket, groups) for test in tests)


def active_slas() -> list[Sla]:
    return list(db.session.scalars(select(Sla).where(Sla.active.is_(True)).order_by(Sla.id)))


@dataclass(frozen=True)
class SlaTerms:
    """What following a ticket needs of one SLA, read once per process (no ORM object)."""

    id: int
    active: bool
    terms: Terms
    applies: Callable[[Ticket, frozenset[int]], bool]
    by_usergroup: bool


@dataclass(frozen=True)
class SlaBook:
    """Every SLA, active or not (a resolved ticket keeps the clock of a retired one)."""

    by_id: dict[int, SlaTerms]
    active: tuple[SlaTerms, ...]  # by id


def _load_slas() -> SlaBook:
    slas = db.session.scalars(
        select(Sla).options(selectinload(Sla.work_schedule)).order_by(Sla.id)
    ).all()
    book = {
        sla.id: SlaTerms(
            sla.id,
            sla.active,
            terms_of(sla),
            matcher(sla.applies_to),
            bool((sla.applies_to or {}).get("usergroup_ids")),
        )
        for sla in slas
    }
    return SlaBook(book, tuple(terms for terms in book.values() if terms.active))


# Every change to an open ticket applies the SLAs: kept per process until one changes
# (versions.py). Held until the commit, so that an SLA change and a ticket's clocks never
# cross: the change's recompute sees this ticket, or this ticket sees the change.
SLA_BOOK = versions.Definitions("slas", _load_slas)


def is_open(ticket: Ticket) -> bool:
    return ticket.status != Status.RESOLVED and ticket.merged_into_id is None


def follow(change: Change) -> None:
    """The subscriber of every ticket change: the clocks follow it."""
    follow_ticket(change.ticket, now=change.now)


def follow_ticket(ticket: Ticket, *, now: datetime) -> None:
    """Step the ticket's clocks to `now`, adding and dropping SLAs as its conditions say."""
    with db.session.no_autoflush:
        if ticket.created_at == now and "sla_rows" not in ticket.__dict__:
            # Opened in this very change: it has no clocks yet, no need to ask the database.
            set_committed_value(ticket, "sla_rows", [])
            set_committed_value(ticket, "sla_due", None)
        book = SLA_BOOK.get(hold=True)
        rows = {row.sla_id: row for row in ticket.sla_rows}
        if is_open(ticket):
            _match_slas(ticket, rows, book, now=now)
        moment = Moment(now, _status(ticket), ticket.first_agent_reply_at is not None)
        for sla_id, row in rows.items():
            known = book.by_id.get(sla_id)
            terms = known.terms if known is not None else terms_of(row.sla)
            clock = step(terms, clock_of(row), moment)
            write(row, clock, judge(terms, clock, now), now=now)
        set_due(ticket, next_due(rows.values()))


def set_due(ticket: Ticket, due_at: datetime | None) -> None:
    if due_at is None:
        if ticket.sla_due is not None:
            ticket.sla_due = None
    elif ticket.sla_due is None:
        ticket.sla_due = TicketSlaDue(due_at=due_at)
    elif ticket.sla_due.due_at != due_at:
        ticket.sla_due.due_at = due_at


def _match_slas(
    ticket: Ticket, rows: dict[int, TicketSla], book: SlaBook, *, now: datetime
) -> None:
    by_usergroup = any(sla.by_usergroup for sla in book.active)
    usergroups = _usergroup_ids(ticket) if by_usergroup else frozenset()
    wanted = {sla.id: sla for sla in book.active if sla.applies(ticket, usergroups)}
    for sla_id in [sla_id for sla_id in rows if sla_id not in wanted]:
        ticket.sla_rows.remove(rows.pop(sla_id))
    new = [sla for sla_id, sla in wanted.items() if sla_id not in rows]
    if not new:
        return
    # An SLA that starts to apply mid-way counts the ticket's life so far, as if it had
    # always applied; a brand-new ticket has no history yet and starts from now.
    moments = [] if ticket.created_at == now else history_moments(ticket)
    for sla in new:
        row = TicketSla(sla_id=sla.id, actions_level=0)
        write(row, replay(sla.terms, moments), None, now=now)
        ticket.sla_rows.append(row)
        rows[sla.id] = row


HISTORY_KINDS = ("opened", "status", "merged_into")


def history_query():
    """(ticket_id, created_at, kind, status) of the history events that move a status.

    The database picks the status out of the event's JSON: decoding every event in Python
    would cost more than the clocks themselves when all tickets are replayed.
    """
    status = func.coalesce(
        TicketEvent.data["new"].as_string(), TicketEvent.data["status"].as_string()
    )
    return (
        select(TicketEvent.ticket_id, TicketEvent.created_at, TicketEvent.kind, status)
        .where(TicketEvent.kind.in_(HISTORY_KINDS))
        .order_by(TicketEvent.ticket_id, TicketEvent.created_at, TicketEvent.id)
    )


def history_moments(ticket: Ticket) -> list[Moment]:
    """The ticket's statuses over time, read from its history (what is flushed of it)."""
    rows = db.session.execute(history_query().where(TicketEvent.ticket_id == ticket.id))
    return moments_from([row[1:] for row in rows], ticket.first_agent_reply_at)


def moments_from(events: Iterable[Sequence], first_reply_at: datetime | None) -> list[Moment]:
    """Moments from (created_at, kind, status) history rows, oldest first."""
    moments: list[Moment] = []
    status = Status.AWAITING_AGENT.value
    reply_at = first_reply_at  # not yet among the moments
    for at, kind, new_status in events:
        if reply_at is not None and reply_at < at:
            moments.append(Moment(reply_at, status, True))
            reply_at = None
        # merged_into: the duplicate is resolved.
        status = Status.RESOLVED.value if kind == "merged_into" else (new_status or status)
        replied = first_reply_at is not None and at >= first_reply_at
        moments.append(Moment(at, status, replied))
        if replied:
            reply_at = None
    if reply_at is not None:
        moments.append(Moment(reply_at, status, True))
    return moments


def clock_of(row: TicketSla) -> Clock:
    return Clock(row.used_minutes or 0.0, row.running_since, row.completed_at, row.failed_at)


def write(row: TicketSla, clock: Clock, judgement: Judgement | None, *, now: datetime) -> None:
    """Keep the clock and its judgement on the row; time the check to fire due actions."""
    row.used_minutes = clock.used
    row.running_since = clock.running_since
    row.completed_at = clock.completed_at
    row.failed_at = clock.failed_at
    if judgement is None:
        return
    row.state = judgement.state
    row.due_at = judgement.due_at
    row.warning_at = judgement.warning_at
    row.next_check_at = judgement.next_change_at
    if judgement.level > (row.actions_level or 0):
        row.next_check_at = now  # actions to run: the next check picks the row up


def next_due(rows: Iterable[TicketSla]) -> datetime | None:
    """The ticket's most pressing due time: failed clocks first, then the soonest due."""
    times = [row.due_at for row in rows if row.due_at is not None and row.state != "done"]
    return min(times, default=None)


def _status(ticket: Ticket) -> str:
    return Status.RESOLVED.value if ticket.merged_into_id is not None else ticket.status


def _usergroup_ids(ticket: Ticket) -> frozenset[int]:
    return frozenset(
        db.session.scalars(
            select(user_usergroups.c.usergroup_id).where(
                user_usergroups.c.user_id == ticket.user_id
            )
        )
    )
