"""The SLA clock of one ticket under one SLA: pure functions of the ticket's history and `now`.

Which statuses the clock runs in, per SLA type (docs/ticketapi.md, "SLA clocks", says why):

| type           | runs while                      | paused while            | done when                  |
|----------------|---------------------------------|-------------------------|----------------------------|
| first_response | awaiting_agent, awaiting_user   | pending                 | first public agent reply,  |
|                |                                 |                         | or resolved before one     |
| resolution     | awaiting_agent, awaiting_user   | pending                 | resolved (reopening runs   |
|                |                                 |                         | it on from the time used)  |
| waiting_time   | awaiting_agent                  | awaiting_user, pending  | resolved (likewise)        |

The clock counts working minutes in the SLA's schedule. A paused clock keeps the minutes
it has used and resumes with the time that was left; its due time moves by the pause.
A target is met when the work is done with at most `target_minutes` used; it has failed
once more than that is used. The warning comes when `warning_minutes` are used (0: none).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from ticketapi.slas.hours import (
    Schedule,
    add_working_time,
    add_working_times,
    working_minutes_between,
)
from ticketapi.tickets.status import Status

RUNS_IN: dict[str, frozenset[str]] = {
    "first_response": frozenset({Status.AWAITING_AGENT, Status.AWAITING_USER}),
    "resolution": frozenset({Status.AWAITING_AGENT, Status.AWAITING_USER}),
    "waiting_time": frozenset({Status.AWAITING_AGENT}),
}

STATES = ("ok", "warning", "failed", "done")
# How far a clock has gone: the check fires an SLA's actions once per level.
LEVELS = {"ok": 0, "done": 0, "warning": 1, "failed": 2}


@dataclass(frozen=True)
class Terms:
    """What the clock needs of an SLA definition."""

    type: str
    target_minutes: int
    warning_minutes: int
    schedule: Schedule


class Clock(NamedTuple):
    """Minutes used up to `running_since` (or in total, when not running).

    `failed_at` is when the target was passed, once it has been: kept for display and
    for ordering, since a clock that failed during an earlier run has no due time ahead.
    """

    used: float = 0.0
    running_since: datetime | None = None
    completed_at: datetime | None = None
    failed_at: datetime | None = None


class Moment(NamedTuple):
    """A point in the ticket's life: its status from `at`, and whether an agent has replied."""

    at: datetime
    status: str
    replied: bool


def step(terms: Terms, clock: Clock, moment: Moment) -> Clock:
    """Bring the clock to `moment.at`, then run, pause or stop it for the new state."""
    if clock.completed_at is not None and terms.type == "first_response":
        return clock  # the first response happens once; a reopened ticket keeps it
    used, failed_at = clock.used, clock.failed_at
    if clock.running_since is not None and moment.at > clock.running_since:
        used += working_minutes_between(terms.schedule, clock.running_since, moment.at)
        if failed_at is None and used > terms.target_minutes:
            failed_at = add_working_time(
                terms.schedule, clock.running_since, terms.target_minutes - clock.used
            )
    if moment.status == Status.RESOLVED or (terms.type == "first_response" and moment.replied):
        return Clock(used, None, clock.completed_at or moment.at, failed_at)
    running = moment.status in RUNS_IN[terms.type]
    return Clock(used, moment.at if running else None, None, failed_at)


def replay(terms: Terms, moments: Iterable[Moment]) -> Clock:
    """The clock after the ticket's whole history, from an unstarted one."""
    clock = Clock()
    for moment in moments:
        clock = step(terms, clock, moment)
    return clock


class Judgement(NamedTuple):
    """The clock as the API shows it and the check watches it."""

    state: str
    due_at: datetime | None
    warning_at: datetime | None
    # When the state next changes by time alone (the warning, then the due time), if ever.
    next_change_at: datetime | None

    @property
    def level(self) -> int:
        return LEVELS[self.state]


def judge(terms: Terms, clock: Clock, now: datetime) -> Judgement:
    """The clock's state at `now`, its due and warning times, and when to look again.

    Times come back in the kind they went in: naive UTC from the database, aware in tests.
    """
    if clock.completed_at is not None:
        state = "failed" if clock.failed_at is not None else "done"
        return Judgement(state, clock.failed_at, None, None)
    if clock.running_since is None:
        # Paused: only the minutes used count, and no time ahead changes them.
        return Judgement(_state_by_minutes(terms, clock.used), clock.failed_at, None, None)
    if clock.failed_at is not None:
        return Judgement("failed", clock.failed_at, None, None)
    left = terms.target_minutes - clock.used
    if clock.used < terms.warning_minutes:
        due_at, warning_at = add_working_times(
            terms.schedule, clock.running_since, left, terms.warning_minutes - clock.used
        )
    else:
        due_at, warning_at = add_working_time(terms.schedule, clock.running_since, left), None
    if now > due_at:
        return Judgement("failed", due_at, warning_at, None)
    if terms.warning_minutes and (warning_at is None or now >= warning_at):
        return Judgement("warning", due_at, warning_at, due_at)
    return Judgement("ok", due_at, warning_at, warning_at or due_at)


def _state_by_minutes(terms: Terms, used: float) -> str:
    if used > terms.target_minutes:
        return "failed"
    if terms.warning_minutes and used >= terms.warning_minutes:
        return "warning"
    return "ok"
