"""Presence marks: kept in Redis when there is one, in memory otherwise, and still answered
when Redis cannot be reached; a mark expires on its own."""

from __future__ import annotations

from datetime import timedelta

import pytest
import redis

from ticketapi.agent import presence
from ticketapi.timeutil import utcnow

REDIS_URL = "redis://127.0.0.1:6379/8"
TICKET = 987_654  # a ticket id no other test's marks use


@pytest.fixture(autouse=True)
def clean(app):
    presence._memory.clear()
    yield
    presence._memory.clear()
    app.extensions.pop("agent_presence_redis", None)


def marks_round_trip(now) -> list[presence.Present]:
    presence.note(TICKET, 1, "Dana", "replying", now=now)
    presence.note(TICKET, 2, "Sam", "viewing", now=now)
    return presence.others(TICKET, 2, now=now + timedelta(seconds=5))


def test_marks_in_memory_without_redis(app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    now = utcnow()
    assert marks_round_trip(now) == [presence.Present(1, "Dana", "replying")]
    later = now + timedelta(seconds=presence.EXPIRY + 1)
    assert presence.others(TICKET, 2, now=later) == []


def test_marks_in_redis_are_shared_by_processes(app, monkeypatch):
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError:
        pytest.fail("Redis is not running on 127.0.0.1:6379 (make system-deps starts it)")
    client.delete(presence._key(TICKET))
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    now = utcnow()
    try:
        assert marks_round_trip(now) == [presence.Present(1, "Dana", "replying")]
        assert presence._memory == {}  # nothing kept in this process
        assert 0 < client.ttl(presence._key(TICKET)) <= presence.EXPIRY
        presence.leave(TICKET, 1)
        assert presence.others(TICKET, 2, now=now) == []
    finally:
        client.delete(presence._key(TICKET))


def test_marks_survive_redis_being_down(app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens
    assert marks_round_trip(utcnow()) == [presence.Present(1, "Dana", "replying")]
