"""The list's SLA badge (agent/widgets.pressing_clock) for each state a clock can be in."""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest

from ticketapi.agent.widgets import pressing_clock

NOW = datetime(2026, 3, 2, 12, 0)


def ticket_with(state: str, due_at: datetime | None, paused: bool = False, left: int = 0):
    row = SimpleNamespace(
        state=state,
        due_at=due_at,
        paused=paused,
        minutes_left=left,
        sla=SimpleNamespace(name="First reply"),
    )
    return SimpleNamespace(sla_rows=[row])


@pytest.mark.parametrize(
    ("state", "due_at", "paused", "text"),
    [
        ("ok", NOW + timedelta(minutes=45), False, "45 min left"),
        ("warning", NOW + timedelta(hours=3), False, "3 h left"),
        ("ok", NOW - timedelta(minutes=5), False, "overdue 5 min"),
        ("failed", None, False, "overdue"),
        ("ok", None, True, "paused, 0 min left"),
        # A running clock without a due time yet: told, never a failed page.
        ("warning", None, False, "no target"),
    ],
)
def test_the_badge_says_how_long_is_left(state, due_at, paused, text):
    assert pressing_clock(ticket_with(state, due_at, paused), NOW).text == text


def test_a_met_clock_is_no_badge():
    assert pressing_clock(ticket_with("done", NOW), NOW) is None
