"""Time helpers: the database stores naive UTC; services are handed `now`."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Return the current time as naive UTC, the form every timestamp column holds."""
    return datetime.now(UTC).replace(tzinfo=None)


def isoformat(moment: datetime | None) -> str | None:
    """Render a stored naive-UTC time as RFC 3339 with a Z."""
    return None if moment is None else moment.isoformat(timespec="seconds") + "Z"
