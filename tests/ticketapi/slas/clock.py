"""The time SLA tests start from, and minutes after it."""

from __future__ import annotations

from datetime import datetime, timedelta

T0 = datetime(2026, 11, 18, 10, 0)  # a Wednesday, naive UTC as the database keeps it


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)
