"""Rate limit counters in a small SQLite file, shared by every process on one machine.

`helpdesk serve` runs several gunicorn workers; counters kept in each worker's memory would
let a client through once per worker. No maintained `limits` storage keeps counters in a
file (the library has memory, Redis, memcached, MongoDB and etcd), so this is one: a
`limits` Storage for the fixed-window strategy Flask-Limiter uses, registered under the
scheme `helpdesk-sqlite://<absolute path>`.

Each hit is one UPSERT that returns the new count, so two processes counting at once are
serialized by SQLite's write lock and neither can see a stale count. The file lives on local
disk in the instance folder; machines that share nothing but a network use Redis instead.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from limits.storage import Storage

SCHEME = "helpdesk-sqlite"
BUSY_TIMEOUT_SECONDS = 10
#: Every this many hits a process deletes the counters whose window has ended.
PRUNE_EVERY = 1000

SCHEMA = """
CREATE TABLE IF NOT EXISTS counters (
    key BLOB PRIMARY KEY,
    hits INTEGER NOT NULL,
    expires_at REAL NOT NULL
) WITHOUT ROWID
"""
# A window that has ended starts again at this hit; otherwise the hit is added. SET reads
# the row as it was before the statement, so both columns decide on the same old values.
INCREMENT = """
INSERT INTO counters (key, hits, expires_at) VALUES (:key, :amount, :now + :expiry)
ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN expires_at <= :now THEN excluded.hits ELSE hits + excluded.hits END,
    expires_at = CASE WHEN expires_at <= :now THEN excluded.expires_at ELSE expires_at END
RETURNING hits
"""


def _key(key: str) -> bytes:
    # Keys carry what clients sent (the address a reset link is asked for), lone surrogates
    # included, which UTF-8 refuses; surrogatepass keeps every str its own key.
    return key.encode("utf-8", "surrogatepass")


def storage_uri(path: Path) -> str:
    """The `RATELIMIT_STORAGE_URI` for a counter file at `path`."""
    return f"{SCHEME}://{path.resolve()}"


class SQLiteStorage(Storage):
    """Fixed-window rate limit counters in one SQLite file (WAL), safe across processes."""

    STORAGE_SCHEME = [SCHEME]  # noqa: RUF012 (limits reads it when the class is made)

    def __init__(
        self,
        uri: str,
        wrap_exceptions: bool = False,
        clock: Callable[[], float] = time.time,
        **options,
    ) -> None:
        parts = urlsplit(uri)
        path = unquote(parts.path)
        if parts.netloc or not path.startswith("/"):
            raise ValueError(f"{uri!r}: give the counter file's absolute path")
        self.path = Path(path)
        self.clock = clock
        # One connection per thread and per process: gunicorn forks workers after the app
        # (and so this storage) was made, and a SQLite connection must not cross a fork.
        self._local = threading.local()
        self._hits = 0
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _connection(self) -> sqlite3.Connection:
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            local.connection = self._connect()
            local.pid = os.getpid()
        return local.connection

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Client addresses are kept here: readable by the server's user only.
        os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
        connection = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
        )
        connection.execute("PRAGMA journal_mode=WAL")
        # With WAL, NORMAL syncs at checkpoints only: a power cut may forget the last hits.
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute(SCHEMA)
        return connection

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Count `amount` hits on `key` in its window (a new window of `expiry` seconds if
        the last one ended) and return the window's count."""
        now = self.clock()
        connection = self._connection()
        (hits,) = connection.execute(
            INCREMENT, {"key": _key(key), "amount": amount, "now": now, "expiry": expiry}
        ).fetchone()
        self._hits += 1
        if self._hits % PRUNE_EVERY == 0:
            connection.execute("DELETE FROM counters WHERE expires_at <= ?", (now,))
        return hits

    def get(self, key: str) -> int:
        row = (
            self._connection()
            .execute(
                "SELECT hits FROM counters WHERE key = ? AND expires_at > ?",
                (_key(key), self.clock()),
            )
            .fetchone()
        )
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        """When the key's window ends (now, if it has none)."""
        now = self.clock()
        row = (
            self._connection()
            .execute(
                "SELECT expires_at FROM counters WHERE key = ? AND expires_at > ?", (_key(key), now)
            )
            .fetchone()
        )
        return row[0] if row else now

    def check(self) -> bool:
        try:
            self._connection().execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int:
        return self._connection().execute("DELETE FROM counters").rowcount

    def clear(self, key: str) -> None:
        self._connection().execute("DELETE FROM counters WHERE key = ?", (_key(key),))
