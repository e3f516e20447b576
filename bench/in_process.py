"""What the in-process benches share (ticket_lists.py, agent_pages.py, ticket_search.py).

An app on a fresh SQLite file or an emptied PostgreSQL database, seeded with bench/api_seed.py;
requests timed through Flask's test client in this one process (the app's and the database's
own time, no HTTP server), the cases taking turns so all of them see the same machine; p50 and
p95; and the plan of a statement on either database.

With `--keep DIR` the instance folder (and, on SQLite, its database) is kept, with what the
seed returned in DIR/seeded.json: a later run with the same DIR, URL and ticket count skips
seeding, so a change can be measured again in seconds (the database must not have changed:
PostgreSQL test runs empty it).
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import os
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.api_seed import Seeded, emit, seed


def add_arguments(parser: argparse.ArgumentParser, requests: int, explain: str) -> None:
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=requests, help="timed requests a case")
    parser.add_argument("--database-url", help="postgresql+psycopg://… (emptied first)")
    parser.add_argument("--explain", action="store_true", help=explain)
    parser.add_argument("--keep", type=Path, help="keep the instance here and reuse its seed")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def timed(call) -> float:
    """ms the call took; a response of 400 or more ends the bench with what it said."""
    started = time.perf_counter()
    response = call()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code >= 400:
        raise SystemExit(f"{response.status_code}: {response.get_data(as_text=True)[:300]}")
    return elapsed


def take_turns(
    calls: list[Callable], requests: int, cpu: list[list[float]] | None = None
) -> list[list[float]]:
    """ms of each call, `requests` times, each warmed once and all taking turns; `cpu`, when
    given, gets each call's CPU ms in this process (on SQLite the database's work too: the
    figure a loaded machine disturbs least).

    After the warm-up the heap is frozen (gc.freeze) as ticketapi/server.py freezes it
    before its workers fork, so a full collection does not walk the app's start-up objects
    (or the seed's) in some timed request."""
    for call in calls:
        timed(call)
    gc.collect()
    gc.freeze()
    times: list[list[float]] = [[] for _ in calls]
    used = cpu if cpu is not None else []
    used.extend([] for _ in calls)
    for _ in range(requests):
        for spent, cpu_spent, call in zip(times, used, calls, strict=True):
            started = time.process_time()
            spent.append(timed(call))
            cpu_spent.append((time.process_time() - started) * 1000)
    return times


def p50_p95(times: list[float]) -> str:
    return f"{statistics.median(times):.1f} | {percentile(times, 0.95):.1f}"


def environment() -> str:
    """The machine the figures were taken on, for the report's heading."""
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return f"{os.cpu_count()} cores, load average {load}"


@contextmanager
def seeded_app(
    args, prefix: str, rng: random.Random, more: Callable | None = None
) -> Iterator[tuple]:
    """The app on a seeded database: (app, "SQLite" or "PostgreSQL", Seeded, more's result).

    `more(app, seeded)` adds to the seed (clocks, a conversation) and returns what it made, as JSON.
    """
    keep = getattr(args, "keep", None)
    kept = keep is not None
    instance = keep or Path(tempfile.mkdtemp(prefix=prefix))
    instance.mkdir(parents=True, exist_ok=True)
    url = args.database_url or f"sqlite:///{instance / 'helpdesk.db'}"
    os.environ.update(
        {
            "HELPDESK_INSTANCE_DIR": str(instance),
            "HELPDESK_DATABASE_URL": url,
            "HELPDESK_RATELIMIT": "off",
            "HELPDESK_SECRET_KEY": "bench-secret-key-not-for-production",
        }
    )
    record = instance / "seeded.json"
    try:
        from ticketapi import create_app
        from ticketapi.extensions import db

        app = create_app()
        engine = "SQLite" if url.startswith("sqlite") else "PostgreSQL"
        earlier = json.loads(record.read_text()) if kept and record.exists() else {}
        same = earlier.get("url") == url and earlier.get("tickets") == args.tickets
        if same and _tickets_in(app) == args.tickets:
            emit(f"Reusing the {args.tickets:,} tickets seeded in {instance} ({engine})")
            seeded, added = Seeded(**earlier["seeded"]), earlier["more"]
        else:
            if engine == "PostgreSQL":
                with app.app_context():
                    db.drop_all()
            emit(f"Seeding {args.tickets:,} tickets ({engine}) ...")
            seeded = seed(app, args.tickets, rng)
            added = more(app, seeded) if more else None
            if engine == "PostgreSQL":
                prepare_postgresql(app)
            emit(f"Seeded in {seeded.seconds:.1f} s")
            if kept:
                fields = dataclasses.asdict(seeded)
                fields["queue_sizes"] = {str(k): v for k, v in seeded.queue_sizes.items()}
                record.write_text(
                    json.dumps(
                        {"url": url, "tickets": args.tickets, "seeded": fields, "more": added}
                    )
                )
        yield app, engine, seeded, added
    finally:
        if not kept:
            shutil.rmtree(instance, ignore_errors=True)


def _tickets_in(app) -> int | None:
    """How many tickets the database holds (None: it has no ticket table, emptied)."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from ticketapi.extensions import db

    with app.app_context():
        try:
            return db.session.scalar(text("SELECT count(*) FROM tickets"))
        except DBAPIError:
            return None
        finally:
            db.session.rollback()


def prepare_postgresql(app) -> None:
    """Continue the sequences after the seed's explicit ids, and gather the planner's
    statistics, as autovacuum would on a live server (without them it guesses badly)."""
    from sqlalchemy import text

    from ticketapi.extensions import db

    with app.app_context():
        for table in db.metadata.sorted_tables:
            if "id" in table.c and table.c.id.primary_key and table.c.id.autoincrement:
                db.session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)"
                    )
                )
        db.session.commit()
    with app.app_context(), db.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")


def plan(statement) -> list[str]:
    """The plan of a select, inside an app context: EXPLAIN QUERY PLAN on SQLite, EXPLAIN
    ANALYZE (so with the rows and times it took) on PostgreSQL."""
    from ticketapi.extensions import db

    postgresql = db.engine.dialect.name == "postgresql"
    sql = str(statement.compile(db.engine, compile_kwargs={"literal_binds": True}))
    prefix = "EXPLAIN ANALYZE " if postgresql else "EXPLAIN QUERY PLAN "
    rows = db.session.connection().exec_driver_sql(prefix + sql).all()
    db.session.rollback()
    return [str(row[0] if postgresql else row[-1]) for row in rows]


def emit_plan(title: str, statement) -> None:
    emit(f"  {title}:")
    for line in plan(statement):
        emit(f"      {line}")


def verdict(times: list[float], target_ms: float) -> str:
    return "met" if percentile(times, 0.95) <= target_ms else "missed"
