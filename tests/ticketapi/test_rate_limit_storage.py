"""The SQLite storage for rate limit counters: one window per key, shared by processes."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from ticketapi.rate_limits.storage import SQLiteStorage, storage_uri


class Clock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def storage(tmp_path, clock) -> SQLiteStorage:
    return SQLiteStorage(storage_uri(tmp_path / "limits.db"), clock=clock)


def test_the_scheme_names_the_storage_and_the_file_is_private(tmp_path):
    storage = storage_from_string(storage_uri(tmp_path / "counters" / "limits.db"))
    assert isinstance(storage, SQLiteStorage)
    assert storage.incr("k", 60) == 1
    mode = (tmp_path / "counters" / "limits.db").stat().st_mode
    assert stat.S_IMODE(mode) == 0o600


def test_a_relative_path_is_refused():
    with pytest.raises(ValueError, match="absolute path"):
        SQLiteStorage("helpdesk-sqlite://relative/limits.db")


def test_hits_count_within_a_window_then_start_again(storage, clock):
    assert [storage.incr("k", 60) for _ in range(3)] == [1, 2, 3]
    assert storage.get("k") == 3
    assert storage.get_expiry("k") == clock.now + 60
    clock.now += 59.9
    assert storage.incr("k", 60) == 4  # the window is the first hit's, not the last's
    clock.now += 0.1
    assert storage.get("k") == 0
    assert storage.get_expiry("k") == clock.now  # no window: it could be tried now
    assert storage.incr("k", 60, amount=2) == 2
    assert storage.get_expiry("k") == clock.now + 60


def test_keys_are_counted_apart_and_cleared_apart(storage):
    storage.incr("a", 60)
    storage.incr("a", 60)
    storage.incr("b", 60)
    storage.clear("a")
    assert (storage.get("a"), storage.get("b")) == (0, 1)
    assert storage.reset() == 1
    assert storage.get("b") == 0
    assert storage.check() is True


def test_ended_windows_are_deleted_now_and_then(storage, clock, monkeypatch):
    monkeypatch.setattr("ticketapi.rate_limits.storage.PRUNE_EVERY", 3)
    storage.incr("old", 10)
    clock.now += 11
    storage.incr("new", 10)
    rows = lambda: storage._connection().execute("SELECT key FROM counters ORDER BY key")  # noqa: E731
    assert [key for (key,) in rows()] == [b"new", b"old"]
    storage.incr("new", 10)  # the third hit of this process deletes what has ended
    assert [key for (key,) in rows()] == [b"new"]


def test_any_key_a_client_can_send_is_its_own_counter(storage):
    # A lone surrogate (JSON's "\\ud800") is no UTF-8, and must still count apart.
    keys = ["reset:\ud800@x.example", "reset:\ud801@x.example", "reset:\x00", "reset:"]
    for key in keys:
        storage.incr(key, 60)
    storage.incr(keys[0], 60)
    assert [storage.get(key) for key in keys] == [2, 1, 1, 1]
    storage.clear(keys[0])
    assert storage.get(keys[0]) == 0 and storage.get_expiry(keys[1]) > 0


def test_the_fixed_window_strategy_allows_exactly_the_limit(storage):
    limiter = FixedWindowRateLimiter(storage)
    five = parse("5 per minute")
    assert [limiter.hit(five, "client") for _ in range(7)] == [True] * 5 + [False] * 2
    assert limiter.get_window_stats(five, "client").remaining == 0
    assert limiter.hit(five, "another client")


# Each process hits the same limit in one file, as gunicorn's workers do.
HIT = """
import json, sys
from limits import parse
from limits.strategies import FixedWindowRateLimiter
from ticketapi.rate_limits.storage import SQLiteStorage
storage = SQLiteStorage(sys.argv[1])
sys.stdin.readline()  # start together
limiter = FixedWindowRateLimiter(storage)
limit = parse(sys.argv[2])
hits = [limiter.hit(limit, "client") for _ in range(int(sys.argv[3]))]
counts = [storage.incr("counted", 60) for _ in range(int(sys.argv[3]))]
print(json.dumps({"allowed": sum(hits), "counts": counts}))
"""


@pytest.mark.own_database
def test_processes_sharing_the_file_share_the_limit(tmp_path):
    uri = storage_uri(tmp_path / "limits.db")
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", HIT, uri, "25 per minute", "200"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()
    results = []
    for process in processes:
        output, _ = process.communicate(timeout=120)
        assert process.returncode == 0
        results.append(json.loads(output))
    assert sum(result["allowed"] for result in results) == 25
    # No hit was lost or counted twice: every count from 1 to 600 was returned once.
    counts = sorted(count for result in results for count in result["counts"])
    assert counts == list(range(1, 601))
    assert Path(tmp_path / "limits.db").exists()
