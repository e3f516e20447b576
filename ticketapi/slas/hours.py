"""Working-hours calendar: count and add working time in a time zone, with holidays.

Decisions the SLA engine relies on:

* Intervals are local wall-clock times in minutes since midnight, [start, end) with
  0 <= start < end <= 1440, so 1440 ("24:00") closes a day that runs to midnight.
* A naive datetime is read as UTC (the database stores naive UTC); results are aware UTC.
* Wall times are read with ``fold=0``: a repeated time (clocks going back) is its first
  occurrence; a skipped time (clocks going forward) is read with the offset in force
  before the change, so it lands that far after the gap. Working time never counts twice:
  an interval that would begin before the previous one ended begins where it ended.
* Adding time that fits exactly ends at closing time (Friday 17:00, not Monday 09:00);
  adding zero minutes returns the start itself, even outside working hours.
* ``add_working_time`` looks at most three years ahead and raises ValueError beyond,
  so a schedule with no working time fails instead of looping forever.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MINUTES_PER_DAY = 24 * 60
SEARCH_HORIZON = timedelta(days=3 * 366)

Interval = tuple[int, int]

_CLOCK = re.compile(r"(\d{1,2}):(\d{2})")


def parse_clock(text: str) -> int:
    """Read an "HH:MM" wall-clock time (00:00 to 24:00) as minutes since midnight."""
    match = _CLOCK.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"expected a time as HH:MM, got {text!r}")
    minutes = int(match[1]) * 60 + int(match[2])
    if int(match[2]) >= 60 or minutes > MINUTES_PER_DAY:
        raise ValueError(f"{text!r} is not a time between 00:00 and 24:00")
    return minutes


@dataclass(frozen=True)
class Schedule:
    """When work happens: weekly wall-clock intervals in one time zone, minus holidays."""

    timezone: str
    # Weekday (0 = Monday) -> ordered, non-overlapping [start, end) minutes since midnight.
    days: Mapping[int, tuple[Interval, ...]]
    holidays: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            raise ValueError(f"unknown time zone {self.timezone!r}") from None
        days = {weekday: _checked_day(weekday, spans) for weekday, spans in self.days.items()}
        holidays = frozenset(self.holidays)
        for holiday in holidays:
            # A datetime never equals a date, so it would silently never match.
            if isinstance(holiday, datetime) or not isinstance(holiday, date):
                raise ValueError(f"a holiday must be a date, got {holiday!r}")
        # Copies, so a caller's later edits cannot change a validated schedule.
        object.__setattr__(self, "days", days)
        object.__setattr__(self, "holidays", holidays)

    @property
    def zone(self) -> ZoneInfo:
        """Return the schedule's time zone."""
        return ZoneInfo(self.timezone)  # ZoneInfo caches instances, so this is cheap.

    @classmethod
    def always(cls) -> Schedule:
        """Return the 24x7 schedule."""
        return cls("UTC", {weekday: ((0, MINUTES_PER_DAY),) for weekday in range(7)})

    @classmethod
    def weekdays(
        cls,
        start: str = "09:00",
        end: str = "17:00",
        timezone: str = "UTC",
        holidays: Iterable[date] = (),
    ) -> Schedule:
        """Return the default working hours: Monday to Friday, start to end."""
        interval = (parse_clock(start), parse_clock(end))
        return cls(timezone, {weekday: (interval,) for weekday in range(5)}, frozenset(holidays))


def _checked_day(weekday: int, spans: Iterable[Interval]) -> tuple[Interval, ...]:
    """Validate one weekday's intervals and return them as a tuple."""
    if not isinstance(weekday, int) or not 0 <= weekday <= 6:
        raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), got {weekday!r}")
    checked: list[Interval] = []
    for start, end in spans:
        if not (isinstance(start, int) and isinstance(end, int)):
            raise ValueError(f"interval {start!r}-{end!r} must be minutes since midnight")
        if not 0 <= start < end <= MINUTES_PER_DAY:
            raise ValueError(
                f"interval {start}-{end} on weekday {weekday} must have 0 <= start < end <= 1440"
            )
        if checked and start < checked[-1][1]:
            raise ValueError(
                f"intervals on weekday {weekday} must be in order and not overlap: "
                f"{checked[-1][0]}-{checked[-1][1]} then {start}-{end}"
            )
        checked.append((start, end))
    return tuple(checked)


def add_working_time(schedule: Schedule, start: datetime, minutes: float) -> datetime:
    """Return the UTC instant at which `minutes` of working time have passed since `start`."""
    if not math.isfinite(minutes) or minutes < 0:
        raise ValueError(f"minutes must be a finite number >= 0, got {minutes!r}")
    start = _as_utc(start)
    remaining = timedelta(minutes=minutes)
    if not remaining:
        return start
    # The day before, in case the start's local date began inside a DST gap.
    first_day = start.astimezone(schedule.zone).date() - timedelta(days=1)
    for span_start, span_end in _working_spans(schedule, first_day, first_day + SEARCH_HORIZON):
        if span_end <= start:
            continue
        span_start = max(span_start, start)
        if span_end - span_start >= remaining:
            return span_start + remaining
        remaining -= span_end - span_start
    raise ValueError(
        f"{minutes} working minutes are not reached within 3 years of {start.isoformat()}"
    )


def working_minutes_between(schedule: Schedule, start: datetime, end: datetime) -> float:
    """Return the working minutes in [start, end); 0 when end is not after start."""
    start, end = _as_utc(start), _as_utc(end)
    if end <= start:
        return 0.0
    zone = schedule.zone
    first_day = start.astimezone(zone).date() - timedelta(days=1)
    last_day = end.astimezone(zone).date() + timedelta(days=1)
    total = timedelta()
    for span_start, span_end in _working_spans(schedule, first_day, last_day):
        overlap = min(span_end, end) - max(span_start, start)
        if overlap > timedelta():
            total += overlap
    return total / timedelta(minutes=1)


def _working_spans(
    schedule: Schedule, first_day: date, last_day: date
) -> Iterator[tuple[datetime, datetime]]:
    """Yield working time between two local dates as ordered, disjoint UTC spans."""
    zone = schedule.zone
    # Wall times inside a DST gap map out of order; starting each span no earlier than
    # the last one ended keeps the spans disjoint, so no minute is counted twice.
    previous_end = datetime.min.replace(tzinfo=UTC)
    day = first_day
    while day <= last_day:
        if day not in schedule.holidays:
            for start_minute, end_minute in schedule.days.get(day.weekday(), ()):
                span_start = max(_instant(day, start_minute, zone), previous_end)
                span_end = _instant(day, end_minute, zone)
                if span_end > span_start:
                    yield span_start, span_end
                    previous_end = span_end
        day += timedelta(days=1)


def _instant(day: date, minute: int, zone: ZoneInfo) -> datetime:
    """Read a wall-clock time on a local date as a UTC instant (fold=0)."""
    # Aware arithmetic within one zone is wall-clock arithmetic, so 1440 is next midnight.
    local = datetime.combine(day, time(), tzinfo=zone) + timedelta(minutes=minute)
    return local.astimezone(UTC)


def _as_utc(moment: datetime) -> datetime:
    """Return an aware UTC datetime, reading a naive one as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
