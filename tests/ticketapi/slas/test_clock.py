"""The SLA clock as pure functions of a ticket's history and `now` (slas/clock.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from ticketapi.slas.clock import Moment, Terms, judge, replay
from ticketapi.slas.hours import Schedule

T0 = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)  # a Wednesday
ALWAYS = Schedule.always()


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


def terms(kind="first_response", target=60, warning=45, schedule=ALWAYS) -> Terms:
    return Terms(kind, target, warning, schedule)


def at(offset: float, status: str = "awaiting_agent", replied: bool = False) -> Moment:
    return Moment(T0 + minutes(offset), status, replied)


def state_at(sla: Terms, history: list[Moment], offset: float):
    return judge(sla, replay(sla, history), T0 + minutes(offset))


def test_a_new_ticket_is_ok_then_warns_then_fails_in_that_order():
    sla = terms(target=60, warning=45)
    opened = [at(0)]
    ok = state_at(sla, opened, 30)
    assert (ok.state, ok.due_at, ok.warning_at) == ("ok", T0 + minutes(60), T0 + minutes(45))
    assert ok.next_change_at == T0 + minutes(45)  # the warning comes first
    warning = state_at(sla, opened, 45)
    assert (warning.state, warning.next_change_at) == ("warning", T0 + minutes(60))
    assert state_at(sla, opened, 60).state == "warning"  # exactly at the due time: still met
    failed = state_at(sla, opened, 61)
    assert (failed.state, failed.due_at, failed.next_change_at) == (
        "failed",
        T0 + minutes(60),
        None,
    )


def test_without_a_warning_time_the_clock_goes_from_ok_to_failed():
    sla = terms(target=60, warning=0)
    assert state_at(sla, [at(0)], 59).state == "ok"
    assert state_at(sla, [at(0)], 59).next_change_at == T0 + minutes(60)
    assert state_at(sla, [at(0)], 61).state == "failed"


def test_the_first_public_reply_in_time_is_done_and_a_late_one_stays_failed():
    sla = terms(target=60)
    in_time = state_at(sla, [at(0), at(20, "awaiting_user", replied=True)], 500)
    assert (in_time.state, in_time.due_at, in_time.next_change_at) == ("done", None, None)
    late = state_at(sla, [at(0), at(70, "awaiting_user", replied=True)], 500)
    assert (late.state, late.due_at) == ("failed", T0 + minutes(60))


def test_first_response_pauses_while_pending_and_resumes_with_the_time_left():
    sla = terms(target=60, warning=0)
    history = [at(0), at(20, "pending")]
    paused = state_at(sla, history, 500)
    assert (paused.state, paused.due_at, paused.next_change_at) == ("ok", None, None)
    assert replay(sla, history).used == 20
    resumed = state_at(sla, [*history, at(500, "awaiting_agent")], 510)
    assert resumed.due_at == T0 + minutes(540)  # 40 minutes left from minute 500
    assert resumed.state == "ok"


def test_first_response_is_not_paused_by_a_status_alone():
    # Setting awaiting_user without writing to the user is not a response.
    sla = terms(target=60, warning=0)
    assert state_at(sla, [at(0), at(10, "awaiting_user")], 61).state == "failed"


def test_resolution_runs_while_awaiting_the_user_but_waiting_time_does_not():
    history = [at(0), at(30, "awaiting_user", replied=True)]
    resolution = state_at(terms("resolution", target=120, warning=0), history, 100)
    assert (resolution.state, resolution.due_at) == ("ok", T0 + minutes(120))
    waiting = state_at(terms("waiting_time", target=120, warning=0), history, 100)
    assert (waiting.state, waiting.due_at, waiting.next_change_at) == ("ok", None, None)
    assert replay(terms("waiting_time", target=120), history).used == 30


@pytest.mark.parametrize("kind", ["resolution", "waiting_time"])
def test_both_pause_while_pending(kind):
    history = [at(0), at(30, "pending"), at(90, "awaiting_agent")]
    judged = state_at(terms(kind, target=120, warning=0), history, 100)
    assert judged.due_at == T0 + minutes(180)  # 90 left from minute 90


def test_waiting_time_adds_up_every_time_the_user_waits():
    sla = terms("waiting_time", target=60, warning=50)
    history = [
        at(0),
        at(20, "awaiting_user", replied=True),
        at(100, "awaiting_agent"),  # the user answered: waiting again
        at(130, "awaiting_user"),
        at(300, "awaiting_agent"),
    ]
    judged = state_at(sla, history, 301)
    assert replay(sla, history).used == 50
    assert (judged.state, judged.due_at) == ("warning", T0 + minutes(310))


def test_a_reopened_ticket_resumes_its_resolution_clock_with_the_time_left():
    sla = terms("resolution", target=120, warning=100)
    resolved = [at(0), at(60, "resolved", replied=True)]
    assert state_at(sla, resolved, 200).state == "done"
    reopened = [*resolved, at(300, "awaiting_agent")]
    judged = state_at(sla, reopened, 301)
    assert (judged.state, judged.due_at, judged.warning_at) == (
        "ok",
        T0 + minutes(360),
        T0 + minutes(340),
    )


def test_a_reopened_ticket_keeps_its_first_response():
    sla = terms(target=60)
    history = [at(0), at(10, "awaiting_user", replied=True), at(20, "resolved", replied=True)]
    assert state_at(sla, [*history, at(500, "awaiting_agent", replied=True)], 900).state == "done"


def test_resolving_before_any_reply_completes_first_response():
    assert state_at(terms(target=60), [at(0), at(30, "resolved")], 900).state == "done"


def test_a_clock_that_failed_before_a_pause_stays_failed_with_its_due_time():
    sla = terms("resolution", target=60, warning=0)
    history = [at(0), at(90, "pending")]
    judged = state_at(sla, history, 1000)
    assert (judged.state, judged.due_at, judged.next_change_at) == (
        "failed",
        T0 + minutes(60),
        None,
    )
    resumed = state_at(sla, [*history, at(1000, "awaiting_agent")], 1001)
    assert (resumed.state, resumed.due_at) == ("failed", T0 + minutes(60))


def test_working_hours_carry_a_friday_afternoon_ticket_over_the_weekend():
    office = Schedule.weekdays()  # Monday to Friday 09:00-17:00 UTC
    friday = datetime(2026, 11, 20, 16, 30, tzinfo=UTC)
    sla = terms(target=60, warning=15, schedule=office)
    judged = judge(sla, replay(sla, [Moment(friday, "awaiting_agent", False)]), friday)
    assert judged.warning_at == datetime(2026, 11, 20, 16, 45, tzinfo=UTC)
    assert judged.due_at == datetime(2026, 11, 23, 9, 30, tzinfo=UTC)  # Monday
    # On Saturday nothing has moved: no working time passed.
    saturday = judge(
        sla, replay(sla, [Moment(friday, "awaiting_agent", False)]), friday + timedelta(days=1)
    )
    assert saturday.state == "warning"


def test_a_holiday_on_monday_moves_the_due_time_to_tuesday():
    office = Schedule.weekdays(holidays=[date(2026, 11, 23)])
    friday = datetime(2026, 11, 20, 16, 30, tzinfo=UTC)
    sla = terms(target=60, warning=0, schedule=office)
    judged = judge(sla, replay(sla, [Moment(friday, "awaiting_agent", False)]), friday)
    assert judged.due_at == datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


def test_working_hours_across_the_end_of_summer_time_in_berlin():
    # Clocks go back on Sunday 25 October 2026: 16:00 CEST on Friday is 14:00 UTC, and
    # Monday's 10:00 CET is 09:00 UTC.
    berlin = Schedule.weekdays(timezone="Europe/Berlin")
    friday = datetime(2026, 10, 23, 14, 0, tzinfo=UTC)
    sla = terms("resolution", target=120, warning=0, schedule=berlin)
    judged = judge(sla, replay(sla, [Moment(friday, "awaiting_agent", False)]), friday)
    assert judged.due_at == datetime(2026, 10, 26, 9, 0, tzinfo=UTC)


def test_a_pause_over_the_weekend_in_working_hours_counts_nothing_twice():
    office = Schedule.weekdays()
    sla = terms("resolution", target=480, warning=0, schedule=office)
    history = [
        Moment(datetime(2026, 11, 20, 9, 0, tzinfo=UTC), "awaiting_agent", False),  # Fri 09:00
        Moment(datetime(2026, 11, 20, 13, 0, tzinfo=UTC), "pending", False),  # 240 used
        Moment(datetime(2026, 11, 23, 15, 0, tzinfo=UTC), "awaiting_agent", False),  # Mon 15:00
    ]
    clock = replay(sla, history)
    assert clock.used == 240
    judged = judge(sla, clock, datetime(2026, 11, 23, 15, 0, tzinfo=UTC))
    # 120 minutes on Monday, then 120 on Tuesday from 09:00.
    assert judged.due_at == datetime(2026, 11, 24, 11, 0, tzinfo=UTC)
