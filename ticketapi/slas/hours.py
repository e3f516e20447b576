"""Working-hours calendar: count and add working time in a time zone, with holidays.

Decisions the SLA engine relies on:

* Intervals are local wall-clock times in minutes since midnight, [start, end) with
  0 <= start < end <= 1440, so 1440 ("24:00") closes a day that runs to midnight.
* A naive datetime is read as UTC (the database stores naive UTC); a result is aware UTC
  for an aware start, and naive UTC for a naive one (the database's form, unconverted).
* Wall times are read with ``fold=0``: a repeated time (clocks going back) is its first
  occurrence; a skipped time (clocks going forward) is read with the offset in force
  before the change, so it lands that far after the gap. Working time never counts twice:
  an interval that would begin before the previous one ended begins where it ended.
* Adding time that fits exactly ends at closing time (Friday 17:00, not Monday 09:00);
  adding zero minutes returns the start itself, even outside working hours.
* ``add_working_time`` looks at most three years ahead and raises ValueError beyond,
  so a schedule with no working time fails instead of looping forever.
* Both run in O(log n): a schedule keeps its working spans, in whole microseconds since
  the epoch, with the running total of working time before each (`_Timeline`), so adding
  and counting are two binary searches. A 24x7 schedule needs no spans at all.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MINUTES_PER_DAY = 24 * 60
SEARCH_HORIZON = timedelta(days=3 * 366)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
NAIVE_EPOCH = datetime(1970, 1, 1)
MICROSECOND = timedelta(microseconds=1)
MINUTE_US = 60_000_000
DAY_US = 24 * 60 * MINUTE_US
HORIZON_US = SEARCH_HORIZON // MICROSECOND

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
    always_on: bool = field(init=False, compare=False, repr=False)
    timeline: _Timeline = field(init=False, compare=False, repr=False)

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
        # Every instant works when every day runs 00:00-24:00 (in any zone, DST included).
        full_day = ((0, MINUTES_PER_DAY),)
        always = not holidays and all(days.get(d) == full_day for d in range(7))
        object.__setattr__(self, "always_on", always)
        object.__setattr__(self, "timeline", _Timeline(self))

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
    return add_working_times(schedule, start, minutes)[0]


def add_working_times(schedule: Schedule, start: datetime, *amounts: float) -> tuple[datetime, ...]:
    """`add_working_time` for several amounts from one start (a warning and a due time)."""
    for minutes in amounts:
        if not math.isfinite(minutes) or minutes < 0:
            raise ValueError(f"minutes must be a finite number >= 0, got {minutes!r}")
    start_us = _us(start)
    epoch = NAIVE_EPOCH if start.tzinfo is None else EPOCH
    if schedule.always_on:
        return tuple(epoch + timedelta(microseconds=start_us + _minutes_us(m)) for m in amounts)
    timeline = schedule.timeline
    if not timeline.covers(start_us - DAY_US, start_us + HORIZON_US):
        # The day before, in case the start's local date began inside a DST gap.
        first_day = as_utc(start).astimezone(schedule.zone).date() - timedelta(days=1)
        timeline.cover(first_day, first_day + SEARCH_HORIZON)
    worked = timeline.worked_until(start_us)
    results = []
    for minutes in amounts:
        remaining = _minutes_us(minutes)
        # Adding nothing stays at the start itself, even outside working hours.
        reached = timeline.moment_when(worked + remaining) if remaining else start_us
        if reached is None or reached > start_us + HORIZON_US - 2 * DAY_US:
            _check_horizon(schedule, start, reached, minutes)
        results.append(epoch + timedelta(microseconds=reached))
    return tuple(results)


def _check_horizon(schedule: Schedule, start: datetime, reached: int | None, minutes) -> None:
    """Near the horizon, the exact end of its last local day decides."""
    start = as_utc(start)
    last_day = start.astimezone(schedule.zone).date() - timedelta(days=1) + SEARCH_HORIZON
    if reached is None or reached > _us(_instant(last_day + timedelta(days=1), 0, schedule.zone)):
        raise ValueError(
            f"{minutes} working minutes are not reached within 3 years of {start.isoformat()}"
        )


def working_minutes_between(schedule: Schedule, start: datetime, end: datetime) -> float:
    """Return the working minutes in [start, end); 0 when end is not after start."""
    start_us, end_us = _us(start), _us(end)
    if end_us <= start_us:
        return 0.0
    if schedule.always_on:
        return (end_us - start_us) / MINUTE_US
    timeline = schedule.timeline
    if not timeline.covers(start_us, end_us):
        zone = schedule.zone
        timeline.cover(
            as_utc(start).astimezone(zone).date() - timedelta(days=1),
            as_utc(end).astimezone(zone).date() + timedelta(days=1),
        )
    return (timeline.worked_until(end_us) - timeline.worked_until(start_us)) / MINUTE_US


class _Timeline:
    """A schedule's working spans over a range of days, with running totals of work."""

    def __init__(self, schedule: Schedule) -> None:
        self.schedule = schedule
        self.first_day: date | None = None
        self.last_day: date | None = None
        # Instants safely inside the covered days, whatever the zone's offset.
        self.low = self.high = 0
        self.starts: list[int] = []  # span i is [starts[i], ends[i]) in µs since the epoch
        self.ends: list[int] = []
        self.before: list[int] = []  # working µs in the spans before span i
        self.through: list[int] = []  # ... up to the end of span i

    def cover(self, first_day: date, last_day: date) -> None:
        """Make sure the spans of these local days are known (a wider range is rebuilt)."""
        if self.first_day is not None:
            if self.first_day <= first_day and last_day <= self.last_day:
                return
            first_day, last_day = min(first_day, self.first_day), max(last_day, self.last_day)
        # Room on both sides, so nearby instants never rebuild it again.
        first_day, last_day = first_day - timedelta(days=31), last_day + timedelta(days=366)
        starts, ends, before, through, total = [], [], [], [], 0
        for span_start, span_end in _working_spans(self.schedule, first_day, last_day):
            start, end = _us(span_start), _us(span_end)
            starts.append(start)
            ends.append(end)
            before.append(total)
            total += end - start
            through.append(total)
        self.starts, self.ends, self.before, self.through = starts, ends, before, through
        self.first_day, self.last_day = first_day, last_day
        midnight = datetime.min.time()
        self.low = _us(datetime.combine(first_day, midnight, UTC)) + 2 * DAY_US
        self.high = _us(datetime.combine(last_day, midnight, UTC)) - 2 * DAY_US

    def covers(self, start: int, end: int) -> bool:
        return self.first_day is not None and self.low <= start and end <= self.high

    def worked_until(self, moment: int) -> int:
        """Working µs from the start of the covered range up to `moment`."""
        index = bisect_right(self.starts, moment) - 1
        if index < 0:
            return 0
        return self.before[index] + min(moment, self.ends[index]) - self.starts[index]

    def moment_when(self, worked: int) -> int | None:
        """The first instant by which `worked` µs have been worked; None beyond the range."""
        index = bisect_left(self.through, worked)
        if index == len(self.through):
            return None
        return self.starts[index] + worked - self.before[index]


def _us(moment: datetime) -> int:
    """An instant (naive means UTC) as whole microseconds since the epoch."""
    if moment.tzinfo is None:
        return (moment - NAIVE_EPOCH) // MICROSECOND
    return (moment - EPOCH) // MICROSECOND


def _minutes_us(minutes: float) -> int:
    # As timedelta rounds it (half to even), so results match timedelta arithmetic.
    return timedelta(minutes=minutes) // MICROSECOND


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


def as_utc(moment: datetime) -> datetime:
    """Return an aware UTC datetime, reading a naive one as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
