"""What the shared rate limit counters cost: the SQLite file against process memory.

Search as you type is the limited route asked most often (a query every few keystrokes), so
it is measured through the app's WSGI stack (`GET /api/v1/search?q=…`, no index: the
cheapest answer, so the limiter's share is the largest it can be) with the limiter off,
counting in memory (before: one count per worker) and counting in `<instance>/ratelimits.db`
(now). Blocks of requests alternate between the three apps, the best block of each counts.
Then the counter alone, one `incr` at a time, in this process and in two processes at once
(gunicorn's two workers hitting one file).

    .venv/bin/python bench/rate_limits.py [--requests 2000] [--blocks 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

HITS = """
import sys, time
from ticketapi.rate_limits.storage import SQLiteStorage
storage = SQLiteStorage(sys.argv[1])
storage.incr("warm", 60)
sys.stdin.readline()
count = int(sys.argv[2])
started = time.perf_counter()
for n in range(count):
    storage.incr(f"client-{n % 50}", 60)
print((time.perf_counter() - started) / count * 1e6)
"""


def emit(text: str = "") -> None:
    print(text, flush=True)


def make_app(folder: Path, storage: str | None):
    from ticketapi import create_app

    settings = {
        "SECRET_KEY": "bench",
        "INSTANCE_DIR": str(folder),
        "SEARCH_INDEX": str(folder / "no-index"),
        "SEARCH_RATE_LIMIT": "100000000 per minute",
        "RATELIMIT_ENABLED": storage is not None,
    }
    if storage is not None:
        settings["RATELIMIT_STORAGE_URI"] = storage
    app = create_app(settings)
    from ticketapi.extensions import db
    from ticketapi.people.services import ensure_system_usergroups

    with app.app_context():
        db.create_all()
        ensure_system_usergroups()
        db.session.commit()
    return app


def per_request_us(client, count: int) -> float:
    started = time.perf_counter()
    for n in range(count):
        response = client.get("/api/v1/search", query_string={"q": f"resto{n % 7}"})
        assert response.status_code == 200, response.status_code
    return (time.perf_counter() - started) / count * 1e6


def per_hit_us(storage, count: int) -> float:
    started = time.perf_counter()
    for n in range(count):
        storage.incr(f"client-{n % 50}", 60)
    return (time.perf_counter() - started) / count * 1e6


def two_processes(uri: str, count: int) -> list[float]:
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", HITS, uri, str(count)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()
    return [float(process.communicate(timeout=300)[0]) for process in processes]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests a block")
    parser.add_argument("--blocks", type=int, default=5)
    args = parser.parse_args()

    from limits.storage import MemoryStorage

    from ticketapi.rate_limits.storage import SQLiteStorage, storage_uri

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        uri = storage_uri(folder / "ratelimits.db")
        apps = {
            "limiter off": make_app(folder / "off", None),
            "memory (before)": make_app(folder / "memory", "memory://"),
            "SQLite file (now)": make_app(folder / "sqlite", uri),
        }
        clients = {name: app.test_client() for name, app in apps.items()}
        for client in clients.values():
            per_request_us(client, 100)  # warm: imports, first connection, the file
        times = {name: [] for name in clients}
        for _block in range(args.blocks):
            for name, client in clients.items():
                times[name].append(per_request_us(client, args.requests))
        emit(f"GET /api/v1/search, {args.blocks} blocks of {args.requests}, best block:")
        off = min(times["limiter off"])
        memory = min(times["memory (before)"])
        emit("| limiter | µs a request | x off | x memory | added to memory |")
        emit("|---|---:|---:|---:|---:|")
        for name, values in times.items():
            best = min(values)
            emit(
                f"| {name} | {best:.0f} | {best / off:.2f} | {best / memory:.2f} "
                f"| {best - memory:+.0f} µs |"
            )

        memory_storage, sqlite_storage = MemoryStorage(), SQLiteStorage(uri)
        hits = {"memory": [], "SQLite file": []}
        for _block in range(args.blocks):
            hits["memory"].append(per_hit_us(memory_storage, args.requests * 5))
            hits["SQLite file"].append(per_hit_us(sqlite_storage, args.requests * 5))
        emit()
        emit("One incr, best block:")
        for name, values in hits.items():
            emit(f"  {name}: {min(values):.1f} µs (median block {statistics.median(values):.1f})")
        both = two_processes(uri, args.requests * 5)
        emit(
            f"  SQLite file, two processes at once: {both[0]:.1f} and {both[1]:.1f} µs a hit "
            f"in each"
        )
        memory_storage.timer.cancel()


if __name__ == "__main__":
    main()
