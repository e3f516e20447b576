"""Who has a ticket open: "Dana is viewing", "Dana is replying".

The ticket page's script tells the server every few seconds (POST …/presence); a mark lives
EXPIRY seconds, so a closed tab disappears on its own. Marks are kept in Redis when the
helpdesk has one (HELPDESK_REDIS_URL: every process of the server sees them), else in this
process's memory (a single-process server, SQLite's usual set-up). Presence is a courtesy:
when Redis cannot be reached the marks fall back to memory, and nothing else depends on them.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

import redis
from flask import current_app

EXPIRY = 15  # seconds; the page polls every 5
STATES = ("viewing", "replying")

log = logging.getLogger(__name__)
_memory: dict[int, dict[int, tuple[str, str, datetime]]] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class Present:
    agent_id: int
    name: str
    state: str


def _redis() -> redis.Redis | None:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    client = current_app.extensions.get("agent_presence_redis")
    if client is None:
        client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        current_app.extensions["agent_presence_redis"] = client
    return client


def _key(ticket_id: int) -> str:
    return f"helpdesk:presence:ticket:{ticket_id}"


def note(ticket_id: int, agent_id: int, name: str, state: str, *, now: datetime) -> None:
    """Mark the agent as present on the ticket until EXPIRY seconds from `now`."""
    state = state if state in STATES else "viewing"
    client = _redis()
    if client is not None:
        try:
            mark = json.dumps({"name": name, "state": state, "until": _until(now)})
            client.hset(_key(ticket_id), str(agent_id), mark)
            client.expire(_key(ticket_id), EXPIRY)
            return
        except redis.RedisError as exc:
            log.warning("presence: Redis unavailable, kept in memory (%s)", exc)
    with _lock:
        marks = _memory.setdefault(ticket_id, {})
        marks[agent_id] = (name, state, now + timedelta(seconds=EXPIRY))
        for other, (_n, _s, until) in list(marks.items()):
            if until <= now:
                del marks[other]


def leave(ticket_id: int, agent_id: int) -> None:
    """The agent sent their reply: no longer "replying" (the next poll says "viewing")."""
    client = _redis()
    if client is not None:
        with contextlib.suppress(redis.RedisError):  # it expires on its own anyway
            client.hdel(_key(ticket_id), str(agent_id))
    with _lock:
        _memory.get(ticket_id, {}).pop(agent_id, None)


def others(ticket_id: int, agent_id: int, *, now: datetime) -> list[Present]:
    """The other agents present on the ticket now, by name."""
    found: dict[int, Present] = {}
    client = _redis()
    if client is not None:
        try:
            for key, raw in client.hgetall(_key(ticket_id)).items():
                mark = json.loads(raw)
                if mark["until"] > now.timestamp():
                    found[int(key)] = Present(int(key), mark["name"], mark["state"])
        except (redis.RedisError, ValueError, KeyError) as exc:
            log.warning("presence: Redis unavailable, reading memory (%s)", exc)
    with _lock:
        for other, (name, state, until) in _memory.get(ticket_id, {}).items():
            if until > now:
                found.setdefault(other, Present(other, name, state))
    found.pop(agent_id, None)
    return sorted(found.values(), key=lambda p: p.name)


def _until(now: datetime) -> float:
    return (now + timedelta(seconds=EXPIRY)).timestamp()
