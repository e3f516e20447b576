"""Time helpers: the database stores naive UTC; services are handed `now`."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    """Return the current time as naive UTC, the form every timestamp column holds."""
    return datetime.now(UTC).replace(tzinfo=None)


def isoformat(moment: datetime | None) -> str | None:
    """Render a stored naive-UTC time as RFC 3339 with a Z."""
    return None if moment is None else moment.isoformat(timespec="seconds") + "Z"


def day_bounds(day: date, zone: str) -> tuple[datetime, datetime]:
    """The start of a calendar day and of the next one in a time zone, as naive UTC (a day
    across a change of clocks is 23 or 25 hours long)."""
    tz = ZoneInfo(zone)
    start = datetime.combine(day, time(), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=tz)
    return (start.astimezone(UTC).replace(tzinfo=None), end.astimezone(UTC).replace(tzinfo=None))


def local_day(now: datetime, zone: str) -> date:
    """The calendar day it is at the naive-UTC moment `now` in a time zone."""
    return now.replace(tzinfo=UTC).astimezone(ZoneInfo(zone)).date()


def to_local(moment: datetime, zone: str) -> datetime:
    """A stored naive-UTC moment as the time zone's wall clock (aware)."""
    return moment.replace(tzinfo=UTC).astimezone(ZoneInfo(zone))


def from_local(moment: datetime, zone: str) -> datetime:
    """A wall-clock time in a time zone (naive) as naive UTC."""
    aware = moment.replace(tzinfo=ZoneInfo(zone))
    return aware.astimezone(UTC).replace(tzinfo=None)
