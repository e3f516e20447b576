"""Ticket lists at 100,000 tickets: the plain list and the queues, for an agent who sees every
ticket and for one who does not (the visibility rule of ticketapi/permissions.py applies).

Seeds with bench/api_seed.py (the tickets of bench/api.py), then measures in this one process
through Flask's test client, one request at a time, a page of 25 with its total, so the
figures are the app's and the database's own. Each list is asked --requests times, the lists
taking turns, and p50/p95 are printed against the target (p95 at most 50 ms). With
--explain, the plans of the plain and the restricted list's two queries (page and count)
are printed too.

SQLite by default; `--database-url postgresql+psycopg://…` runs the same on PostgreSQL (the
database is emptied first, and ANALYZEd after seeding as autovacuum would). Exits 0 whatever
the figures: benches report, tests assert.

    .venv/bin/python bench/ticket_lists.py [--tickets 100000] [--requests 40] [--explain]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.api_seed import emit, seed  # noqa: E402
from bench.ticket_search import percentile, prepare_postgresql, timed  # noqa: E402

TARGET_P95_MS = 50.0
# (label, query string)
LISTS = (
    ("the plain list, newest first", ""),
    ("awaiting an agent, newest first", "status=awaiting_agent"),
    ("one team's open tickets", "team_id=2&status=awaiting_agent&status=awaiting_user"),
    ("the agent's queue", "status=awaiting_agent&agent_id={agent}"),
)


def measure(client, tokens: dict[str, tuple[str, int]], requests: int) -> list[tuple]:
    cases = [
        (label, who, f"/api/v1/tickets?per_page=25&{query.format(agent=agent)}", token)
        for label, query in LISTS
        for who, (token, agent) in tokens.items()
    ]
    times: dict[int, list[float]] = {i: [] for i in range(len(cases))}
    totals = {}
    for i, (_label, _who, url, token) in enumerate(cases):
        headers = {"Authorization": f"Bearer {token}"}
        totals[i] = client.get(url, headers=headers).json["total"]
        client.get(url, headers=headers)  # warm
    for _ in range(requests):  # the lists take turns, so all see the same machine
        for i, (_label, _who, url, token) in enumerate(cases):
            headers = {"Authorization": f"Bearer {token}"}
            times[i].append(
                timed(lambda url=url, headers=headers: client.get(url, headers=headers))
            )
    rows = []
    for i, (label, who, _url, _token) in enumerate(cases):
        rows.append((label, who, totals[i], times[i]))
        emit(
            f"  {label:<34} {who:<11} {totals[i]:>7,} tickets  p50 "
            f"{statistics.median(times[i]):6.1f} ms  p95 {percentile(times[i], 0.95):6.1f} ms"
        )
    return rows


def explain(app, agent_id: int, restricted_id: int) -> None:
    """The plans of the plain list and of the restricted agent's list (page, then count)."""
    from sqlalchemy import func, select

    from ticketapi.extensions import db
    from ticketapi.people.models import Agent
    from ticketapi.people.services import agent_actor
    from ticketapi.tickets.queries import tickets_query

    with app.app_context():
        postgresql = db.engine.dialect.name == "postgresql"
        for who in (agent_id, restricted_id):
            actor = agent_actor(db.session.get(Agent, who))
            query = tickets_query(actor, {})
            count = select(func.count()).select_from(query.order_by(None).subquery())
            for name, statement in (("page", query.limit(25)), ("count", count)):
                sql = str(statement.compile(db.engine, compile_kwargs={"literal_binds": True}))
                prefix = "EXPLAIN ANALYZE " if postgresql else "EXPLAIN QUERY PLAN "
                plan = db.session.connection().exec_driver_sql(prefix + sql).all()
                lines = [row[0] if postgresql else "  " * 0 + str(row[-1]) for row in plan]
                emit(f"  agent {who} ({'view_all' if who == agent_id else 'restricted'}), {name}:")
                for line in lines:
                    emit(f"      {line}")
        db.session.rollback()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=40, help="timed requests a list")
    parser.add_argument("--database-url", help="postgresql+psycopg://… (emptied first)")
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    args = parser.parse_args()

    instance = Path(tempfile.mkdtemp(prefix="bench-lists-"))
    url = args.database_url or f"sqlite:///{instance / 'helpdesk.db'}"
    os.environ.update(
        {
            "HELPDESK_INSTANCE_DIR": str(instance),
            "HELPDESK_DATABASE_URL": url,
            "HELPDESK_RATELIMIT": "off",
            "HELPDESK_SECRET_KEY": "bench-secret-key-not-for-production",
        }
    )
    try:
        from ticketapi import create_app
        from ticketapi.extensions import db

        app = create_app()
        engine = "SQLite" if url.startswith("sqlite") else "PostgreSQL"
        if engine == "PostgreSQL":
            with app.app_context():
                db.drop_all()
        emit(f"Seeding {args.tickets:,} tickets ({engine}) ...")
        seeded = seed(app, args.tickets, random.Random(20261203))
        if engine == "PostgreSQL":
            prepare_postgresql(app)
        emit(f"Seeded in {seeded.seconds:.1f} s")
        if args.explain:
            explain(app, seeded.queue_agent, seeded.restricted_agent)
        tokens = {
            "view_all": (seeded.queue_token, seeded.queue_agent),
            "restricted": (seeded.restricted_token, seeded.restricted_agent),
        }
        emit(f"Lists ({args.requests} timed requests each, in process, taking turns) ...")
        rows = measure(app.test_client(), tokens, args.requests)
        report(engine, args, rows)
    finally:
        shutil.rmtree(instance, ignore_errors=True)


def report(engine: str, args, rows: list[tuple]) -> None:
    emit()
    emit(f"{engine}, {args.tickets:,} tickets, {os.cpu_count()} cores, in-process test client")
    emit()
    emit("| list | agent | tickets | p50 ms | p95 ms | target p95 <= 50 ms |")
    emit("|---|---|---:|---:|---:|---|")
    for label, who, total, times in rows:
        p95 = percentile(times, 0.95)
        verdict = "met" if p95 <= TARGET_P95_MS else "missed"
        emit(
            f"| {label} | {who} | {total:,} | {statistics.median(times):.1f} | {p95:.1f} "
            f"| {verdict} |"
        )


if __name__ == "__main__":
    main()
