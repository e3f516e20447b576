"""The agents' ticket search at 100,000 tickets, and what its index adds to each change.

Seeds with bench/api_seed.py (the tickets of bench/api.py, their opening message, and the
search index built as `helpdesk tickets reindex` builds it), then measures in this one
process through Flask's test client, so the figures are the app's and the database's own
(no HTTP server, one request at a time):

* GET /api/v1/tickets?q=… for words that match no ticket, a few, about a sixth and every
  ticket, a prefix being typed, and an exact ref; by an agent with tickets.view_all and by
  one without it (the visibility clause applies); p50/p95 over --requests each.
* Opening a ticket (POST /api/v1/tickets by an agent) and replying (POST …/messages), with
  the index kept in step and with the search module's hook switched off, in alternating
  rounds so both see the same machine; the difference is what the index costs.

SQLite by default; `--database-url postgresql+psycopg://…` runs the same on PostgreSQL
(the database is emptied first). Exits 0 whatever the figures: benches report, tests assert.

    .venv/bin/python bench/ticket_search.py [--tickets 100000] [--requests 30] [--rounds 6]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from functools import partial
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.api_seed import ORGANIZATIONS, USERS, emit  # noqa: E402
from bench.in_process import percentile, seeded_app, timed  # noqa: E402

# (label, q, extra query string)
SEARCHES = (
    ("no search (the plain list)", "", ""),
    ("no match", "zeppelin", ""),
    ("one requester (~20)", "user4242@org42.example", ""),
    ("subject words (~1)", "invoice 4242", ""),
    ("a sixth, stemmed", "crash", ""),
    ("a sixth, prefix", "webho", ""),
    ("every ticket", "browser", ""),
    ("every ticket, 3 words", "browser network morning", ""),
    ("every ticket, newest first", "browser", "&order=-created_at"),
    ("a sixth, newest first", "crash", "&order=-created_at"),
    ("exact ref", "{ref}", ""),
)


def measure_searches(client, tokens: dict[str, str], ref: str, requests: int) -> list[tuple]:
    rows = []
    for label, q, extra in SEARCHES:
        url = f"/api/v1/tickets?q={quote(q.format(ref=ref))}{extra}&per_page=25"
        for who, token in tokens.items():
            headers = {"Authorization": f"Bearer {token}"}
            total = client.get(url, headers=headers).json["total"]
            for _ in range(2):  # warm the caches
                client.get(url, headers=headers)
            search = partial(client.get, url, headers=headers)
            times = [timed(search) for _ in range(requests)]
            rows.append((label, q.format(ref=ref) + extra, who, total, times))
            emit(
                f"  {label:<28} {who:<11} {total:>7,} found  p50 "
                f"{statistics.median(times):7.1f} ms  p95 {percentile(times, 0.95):7.1f} ms"
            )
    return rows


def measure_writes(client, token: str, tickets: int, rounds: int, per_round: int, rng) -> dict:
    """ms per request for opening and replying, with the index hooks on and off."""
    from ticketapi.tickets import search

    headers = {"Authorization": f"Bearer {token}"}
    hooks = {"open": "ticket_opened", "reply": "message_added"}
    kept = {name: getattr(search, hook) for name, hook in hooks.items()}
    times: dict[tuple[str, bool], list[float]] = {}

    def open_ticket() -> float:
        user = rng.randint(1, USERS)
        body = {
            "subject": f"Bench ticket: export fails {rng.randint(1, 10**6)}",
            "message": "Hello,\n\nthe export stops half way with an error. Could you have a "
            "look?\n\nThanks",
            "email": f"user{user}@org{user % ORGANIZATIONS}.example",
            "name": f"User {user}",
        }
        return timed(lambda: client.post("/api/v1/tickets", json=body, headers=headers))

    def reply() -> float:
        ticket_id = rng.randint(1, tickets)
        body = {"body": "We are looking into it: could you send the export log?", "note": False}
        url = f"/api/v1/tickets/{ticket_id}/messages"
        return timed(lambda: client.post(url, json=body, headers=headers))

    def clocked(name: str):
        def hook(*args):
            started = time.perf_counter()
            kept[name](*args)
            times.setdefault((name, "hook"), []).append((time.perf_counter() - started) * 1000)

        return hook

    work = {"open": open_ticket, "reply": reply}
    for name in work:  # warm up
        for _ in range(20):
            work[name]()
    for round_number in range(rounds):
        for indexed in (round_number % 2 == 0, round_number % 2 == 1):
            for name, hook in hooks.items():
                setattr(search, hook, clocked(name) if indexed else lambda *_args: None)
                try:
                    spent = [work[name]() for _ in range(per_round)]
                finally:
                    setattr(search, hook, kept[name])
                times.setdefault((name, indexed), []).extend(spent)
    return times


def index_size(app) -> str:
    from sqlalchemy import text

    from ticketapi.extensions import db

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            try:
                size = db.session.scalar(
                    text("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'ticket_search%'")
                )
            except Exception:  # dbstat is an optional SQLite feature
                return "unknown (no dbstat)"
        else:
            size = db.session.scalar(text("SELECT pg_total_relation_size('ticket_search')"))
        return f"{(size or 0) / 2**20:.0f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=30, help="timed requests a search")
    parser.add_argument("--rounds", type=int, default=6, help="alternating rounds of writes")
    parser.add_argument("--per-round", type=int, default=150, help="writes a round and kind")
    parser.add_argument("--database-url", help="postgresql+psycopg://… (emptied first)")
    args = parser.parse_args()

    rng = random.Random(20261127)
    with seeded_app(args, "bench-search-", rng) as (app, engine, seeded, _):
        from ticketapi.extensions import db
        from ticketapi.tickets.models import Ticket

        emit(f"Search index {index_size(app)}")
        with app.app_context():
            ref = db.session.get(Ticket, 4242).ref
        client = app.test_client()
        tokens = {"view_all": seeded.queue_token, "restricted": seeded.restricted_token}
        emit(f"Searches ({args.requests} timed requests each, in process) ...")
        searches = measure_searches(client, tokens, ref, args.requests)
        emit(f"Writes ({args.rounds} alternating rounds of {args.per_round}) ...")
        writes = measure_writes(
            client, seeded.queue_token, args.tickets, args.rounds, args.per_round, rng
        )
        report(engine, args, searches, writes)


def report(engine: str, args, searches: list[tuple], writes: dict) -> None:
    emit()
    emit(f"{engine}, {args.tickets:,} tickets, {os.cpu_count()} cores, in-process test client")
    emit()
    emit("| search | q | agent | found | p50 ms | p95 ms |")
    emit("|---|---|---|---:|---:|---:|")
    for label, q, who, total, times in searches:
        emit(
            f"| {label} | `{q}` | {who} | {total:,} | {statistics.median(times):.1f} "
            f"| {percentile(times, 0.95):.1f} |"
        )
    emit()
    emit(
        "| request | index kept: p50 ms | hook off: p50 ms | difference | in the hook: "
        "p50 ms | mean ms (on / off) |"
    )
    emit("|---|---:|---:|---:|---:|---:|")
    for name, label in (("open", "POST /api/v1/tickets"), ("reply", "POST …/messages")):
        on, off, hook = writes[(name, True)], writes[(name, False)], writes[(name, "hook")]
        emit(
            f"| {label} | {statistics.median(on):.2f} | {statistics.median(off):.2f} "
            f"| {statistics.median(on) - statistics.median(off):+.2f} "
            f"| {statistics.median(hook):.2f} "
            f"| {statistics.mean(on):.2f} / {statistics.mean(off):.2f} |"
        )


if __name__ == "__main__":
    main()
