"""The working-hours calendar: weekends, holidays, lunch gaps, time zones and DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ticketapi.slas.hours import (
    Schedule,
    _working_spans,
    add_working_time,
    parse_clock,
    working_minutes_between,
)

BERLIN = "Europe/Berlin"
NEW_YORK = "America/New_York"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def local(zone: str, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=ZoneInfo(zone))


def every_day(zone: str, *intervals: tuple[str, str]) -> Schedule:
    spans = tuple((parse_clock(start), parse_clock(end)) for start, end in intervals)
    return Schedule(zone, {weekday: spans for weekday in range(7)})


ALWAYS = Schedule.always()
OFFICE = Schedule.weekdays()
CHRISTMAS = Schedule.weekdays(holidays=[date(2024, 12, 25), date(2024, 12, 26)])
LUNCH = Schedule("UTC", {weekday: ((9 * 60, 12 * 60), (13 * 60, 17 * 60)) for weekday in range(5)})
NEW_YORK_OFFICE = Schedule.weekdays(timezone=NEW_YORK)
BERLIN_24H = every_day(BERLIN, ("00:00", "24:00"))
BERLIN_OFFICE = every_day(BERLIN, ("09:00", "17:00"))

# 2024-01-01 is a Monday; Berlin moves its clocks on Sundays 2024-03-31 and 2024-10-27.
ADD_CASES = [
    ("24x7 adds plain minutes", ALWAYS, utc(2024, 1, 6, 23, 0), 90, utc(2024, 1, 7, 0, 30)),
    ("24x7 takes fractions", ALWAYS, utc(2024, 1, 1, 10, 0), 0.5, utc(2024, 1, 1, 10, 0, 30)),
    ("zero minutes is the start", OFFICE, utc(2024, 1, 6, 12, 0), 0, utc(2024, 1, 6, 12, 0)),
    ("across a weekend", OFFICE, utc(2024, 1, 5, 16, 30), 60, utc(2024, 1, 8, 9, 30)),
    ("before opening", OFFICE, utc(2024, 1, 8, 7, 0), 30, utc(2024, 1, 8, 9, 30)),
    ("after closing", OFFICE, utc(2024, 1, 8, 18, 0), 30, utc(2024, 1, 9, 9, 30)),
    ("on a Saturday", OFFICE, utc(2024, 1, 6, 12, 0), 30, utc(2024, 1, 8, 9, 30)),
    ("exact fit ends at closing", OFFICE, utc(2024, 1, 5, 16, 0), 60, utc(2024, 1, 5, 17, 0)),
    ("10,000 minutes", OFFICE, utc(2024, 1, 1, 9, 0), 10_000, utc(2024, 1, 29, 15, 40)),
    ("on a holiday", CHRISTMAS, utc(2024, 12, 25, 10, 0), 30, utc(2024, 12, 27, 9, 30)),
    ("across a holiday run", CHRISTMAS, utc(2024, 12, 24, 16, 0), 120, utc(2024, 12, 27, 10, 0)),
    ("into the lunch gap", LUNCH, utc(2024, 1, 8, 11, 30), 60, utc(2024, 1, 8, 13, 30)),
    ("from the lunch gap", LUNCH, utc(2024, 1, 8, 12, 15), 30, utc(2024, 1, 8, 13, 30)),
    ("lunch over days", LUNCH, utc(2024, 1, 8, 16, 0), 500, utc(2024, 1, 10, 9, 20)),
    (
        "New York, UTC input",
        NEW_YORK_OFFICE,
        utc(2024, 1, 10, 13, 0),  # 08:00 EST, before opening
        60,
        local(NEW_YORK, 2024, 1, 10, 10, 0),
    ),
    (
        "New York, weekend with a DST change",
        NEW_YORK_OFFICE,
        utc(2024, 3, 8, 20, 30),  # Friday 15:30 EST
        120,
        local(NEW_YORK, 2024, 3, 11, 9, 30),  # Monday, now EDT
    ),
    (
        "Berlin 24h, spring forward",
        BERLIN_24H,
        local(BERLIN, 2024, 3, 31, 0, 0),
        24 * 60,
        local(BERLIN, 2024, 4, 1, 1, 0),
    ),
    (
        "Berlin 24h, fall back",
        BERLIN_24H,
        local(BERLIN, 2024, 10, 27, 0, 0),
        24 * 60,
        local(BERLIN, 2024, 10, 27, 23, 0),
    ),
    (
        "Berlin office, spring forward",
        BERLIN_OFFICE,
        local(BERLIN, 2024, 3, 30, 16, 0),
        120,
        local(BERLIN, 2024, 3, 31, 10, 0),
    ),
    (
        "Berlin office, fall back",
        BERLIN_OFFICE,
        local(BERLIN, 2024, 10, 27, 8, 0),
        480,
        local(BERLIN, 2024, 10, 27, 17, 0),
    ),
]


@pytest.mark.parametrize(
    ("schedule", "start", "minutes", "expected"),
    [case[1:] for case in ADD_CASES],
    ids=[case[0] for case in ADD_CASES],
)
def test_add_working_time(schedule, start, minutes, expected):
    due = add_working_time(schedule, start, minutes)
    assert due == expected
    assert due.tzinfo is UTC


def test_naive_input_is_read_as_utc_and_answered_in_kind():
    # The database keeps naive UTC: a naive start gives a naive result, in UTC.
    due = add_working_time(OFFICE, datetime(2024, 1, 5, 16, 30), 60)
    assert due == datetime(2024, 1, 8, 9, 30) and due.tzinfo is None
    assert add_working_time(OFFICE, utc(2024, 1, 5, 16, 30), 60) == utc(2024, 1, 8, 9, 30)


BETWEEN_CASES = [
    ("24x7 day", ALWAYS, utc(2024, 1, 1), utc(2024, 1, 2), 1440),
    ("end before start", ALWAYS, utc(2024, 1, 2), utc(2024, 1, 1), 0),
    ("office week", OFFICE, utc(2024, 1, 1), utc(2024, 1, 8), 5 * 480),
    ("Christmas week", CHRISTMAS, utc(2024, 12, 23), utc(2024, 12, 30), 3 * 480),
    ("lunch day", LUNCH, utc(2024, 1, 8), utc(2024, 1, 9), 7 * 60),
    ("part of a span", LUNCH, utc(2024, 1, 8, 11, 0), utc(2024, 1, 8, 14, 0), 120),
    ("New York day in UTC", NEW_YORK_OFFICE, utc(2024, 1, 10), utc(2024, 1, 11), 480),
    # A 24-hour schedule follows the clocks; an office day the change misses does not.
    (
        "Berlin 23-hour day",
        BERLIN_24H,
        local(BERLIN, 2024, 3, 31),
        local(BERLIN, 2024, 4, 1),
        23 * 60,
    ),
    (
        "Berlin 25-hour day",
        BERLIN_24H,
        local(BERLIN, 2024, 10, 27),
        local(BERLIN, 2024, 10, 28),
        25 * 60,
    ),
    (
        "Berlin office, spring",
        BERLIN_OFFICE,
        local(BERLIN, 2024, 3, 31),
        local(BERLIN, 2024, 4, 1),
        480,
    ),
    (
        "Berlin office, fall",
        BERLIN_OFFICE,
        local(BERLIN, 2024, 10, 27),
        local(BERLIN, 2024, 10, 28),
        480,
    ),
    # Edges inside the change read with fold=0: 02:30 skipped is 03:30 CEST; repeated is CEST.
    (
        "edge in the spring gap",
        every_day(BERLIN, ("02:30", "04:00")),
        local(BERLIN, 2024, 3, 31),
        local(BERLIN, 2024, 4, 1),
        30,
    ),
    (
        "edge in the repeated hour",
        every_day(BERLIN, ("02:30", "03:30")),
        local(BERLIN, 2024, 10, 27),
        local(BERLIN, 2024, 10, 28),
        120,
    ),
    # 02:45 reads as 03:45 CEST, after 03:00 CEST: the overlap counts once.
    (
        "gap never counts twice",
        every_day(BERLIN, ("01:00", "02:45"), ("03:00", "04:00")),
        local(BERLIN, 2024, 3, 31),
        local(BERLIN, 2024, 4, 1),
        120,
    ),
]


@pytest.mark.parametrize(
    ("schedule", "start", "end", "expected"),
    [case[1:] for case in BETWEEN_CASES],
    ids=[case[0] for case in BETWEEN_CASES],
)
def test_working_minutes_between(schedule, start, end, expected):
    assert working_minutes_between(schedule, start, end) == expected


def test_weekdays_are_monday_to_friday_nine_to_five():
    expected = Schedule("UTC", {weekday: ((540, 1020),) for weekday in range(5)})
    assert Schedule.weekdays() == expected


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Schedule("Mars/Olympus_Mons", {}), "unknown time zone 'Mars/Olympus_Mons'"),
        (lambda: Schedule("", {}), "unknown time zone ''"),
        (
            lambda: Schedule("UTC", {0: ((540, 720), (700, 1020))}),
            "must be in order and not overlap",
        ),
        (
            lambda: Schedule("UTC", {0: ((780, 1020), (540, 720))}),
            "must be in order and not overlap",
        ),
        (lambda: Schedule("UTC", {0: ((600, 600),)}), "0 <= start < end <= 1440"),
        (lambda: Schedule("UTC", {0: ((1020, 540),)}), "0 <= start < end <= 1440"),
        (lambda: Schedule("UTC", {0: ((0, 1441),)}), "0 <= start < end <= 1440"),
        (lambda: Schedule("UTC", {7: ((540, 1020),)}), "weekday must be 0 (Monday) to 6"),
        (lambda: Schedule("UTC", {0: (("09:00", "17:00"),)}), "must be minutes since midnight"),
        (
            lambda: Schedule("UTC", {}, frozenset({datetime(2024, 12, 25)})),
            "a holiday must be a date",
        ),
        (lambda: Schedule.weekdays(start="9am"), "expected a time as HH:MM, got '9am'"),
        (lambda: Schedule.weekdays(end="24:30"), "'24:30' is not a time between 00:00 and 24:00"),
        (lambda: Schedule.weekdays(start="17:00", end="09:00"), "0 <= start < end <= 1440"),
        (
            lambda: add_working_time(OFFICE, utc(2024, 1, 1), -1),
            "minutes must be a finite number >= 0",
        ),
        (
            lambda: add_working_time(OFFICE, utc(2024, 1, 1), float("nan")),
            "minutes must be a finite number >= 0",
        ),
    ],
)
def test_bad_input_is_refused(build, message):
    with pytest.raises(ValueError) as excinfo:
        build()
    assert message in str(excinfo.value)


@pytest.mark.parametrize(
    "schedule",
    [Schedule("UTC", {}), Schedule("UTC", {0: ()}), every_day("UTC", ("09:00", "17:00"))],
    ids=["no days", "empty day", "every day"],
)
def test_a_target_beyond_three_years_is_refused(schedule):
    # 3 years of 8-hour days is under 9,000 hours; an empty schedule has none at all.
    with pytest.raises(ValueError, match="not reached within 3 years"):
        add_working_time(schedule, utc(2024, 1, 1), 9_000 * 60)


# Zones with a 30-minute change (Lord Howe) and changes at midnight (Santiago) too.
ZONES = ["UTC", BERLIN, NEW_YORK, "Australia/Lord_Howe", "America/Santiago", "Asia/Kolkata"]


@st.composite
def schedules(draw) -> Schedule:
    days = {}
    for weekday in range(7):
        edges = sorted(draw(st.sets(st.integers(0, 96), max_size=6)))
        days[weekday] = tuple(
            (a * 15, b * 15) for a, b in zip(edges[::2], edges[1::2], strict=False)
        )
    if not any(days.values()):
        days[draw(st.integers(0, 6))] = ((9 * 60, 17 * 60),)
    holidays = draw(st.frozensets(st.dates(date(2024, 1, 1), date(2025, 12, 31)), max_size=10))
    return Schedule(draw(st.sampled_from(ZONES)), days, holidays)


starts = st.datetimes(datetime(2024, 1, 1), datetime(2025, 12, 31), timezones=st.just(UTC))
# At least 15 minutes a week for 3 years minus holidays and DST days exceeds 2,000 minutes.
amounts = st.floats(0, 2_000, allow_nan=False) | st.integers(0, 2_000)

# No deadline: the first examples pay for zoneinfo loading and would flake.
PROPERTY = settings(max_examples=200, deadline=None)


@PROPERTY
@given(schedule=schedules(), start=starts, minutes=amounts)
def test_counting_undoes_adding(schedule, start, minutes):
    due = add_working_time(schedule, start, minutes)
    assert working_minutes_between(schedule, start, due) == pytest.approx(minutes, abs=1e-6)


@PROPERTY
@given(schedule=schedules(), start=starts, first=amounts, second=amounts)
def test_adding_more_never_ends_sooner(schedule, start, first, second):
    fewer, more = sorted([first, second])
    sooner, later = (
        add_working_time(schedule, start, fewer),
        add_working_time(schedule, start, more),
    )
    assert sooner <= later
    # Working time is never more than the time on the clock (to the microsecond).
    assert later - start >= timedelta(minutes=more) - timedelta(microseconds=1)


def walked_minutes(schedule: Schedule, start: datetime, end: datetime) -> float:
    """The plain way to count: walk every working span, day by day, and add the overlaps."""
    total = timedelta()
    for span_start, span_end in _working_spans(
        schedule, start.date() - timedelta(days=2), end.date() + timedelta(days=2)
    ):
        total += max(timedelta(), min(span_end, end) - max(span_start, start))
    return total / timedelta(minutes=1)


ends = st.datetimes(datetime(2024, 1, 1), datetime(2026, 6, 30), timezones=st.just(UTC))


@PROPERTY
@given(schedule=schedules(), start=starts, end=ends)
def test_counting_agrees_with_walking_every_span(schedule, start, end):
    # The calendar counts with running totals and binary search; walking is the reference.
    counted = working_minutes_between(schedule, start, end)
    expected = walked_minutes(schedule, start, end) if end > start else 0.0
    assert counted == pytest.approx(expected, abs=1e-6)


def test_one_schedule_counts_far_apart_instants_in_any_order():
    # The spans a schedule keeps grow to cover new instants; earlier answers do not change.
    office = Schedule.weekdays(timezone=BERLIN)
    monday = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    week = working_minutes_between(office, monday, monday + timedelta(days=7))
    assert (
        working_minutes_between(
            office, monday + timedelta(days=2000), monday + timedelta(days=2007)
        )
        == 40 * 60
    )
    assert (
        working_minutes_between(
            office, monday - timedelta(days=3000), monday - timedelta(days=2993)
        )
        == 40 * 60
    )
    assert working_minutes_between(office, monday, monday + timedelta(days=7)) == week == 40 * 60
