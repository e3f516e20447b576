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
import random
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.api_seed import emit  # noqa: E402
from bench.in_process import (  # noqa: E402
    add_arguments,
    emit_plan,
    environment,
    percentile,
    seeded_app,
    take_turns,
    verdict,
)

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
    calls = [
        lambda url=url, token=token: client.get(url, headers={"Authorization": f"Bearer {token}"})
        for _label, _who, url, token in cases
    ]
    totals = [call().json["total"] for call in calls]
    cpu: list[list[float]] = []
    rows = []
    for (label, who, _url, _token), total, times, cpu_times in zip(
        cases, totals, take_turns(calls, requests, cpu), cpu, strict=True
    ):
        rows.append((label, who, total, times, cpu_times))
        emit(
            f"  {label:<34} {who:<11} {total:>7,} tickets  p50 "
            f"{statistics.median(times):6.1f} ms  p95 {percentile(times, 0.95):6.1f} ms"
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
        for who in (agent_id, restricted_id):
            actor = agent_actor(db.session.get(Agent, who))
            query = tickets_query(actor, {})
            count = select(func.count()).select_from(query.order_by(None).subquery())
            kind = "view_all" if who == agent_id else "restricted"
            for name, statement in (("page", query.limit(25)), ("count", count)):
                emit_plan(f"agent {who} ({kind}), {name}", statement)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser, requests=40, explain="print the query plans")
    args = parser.parse_args()
    with seeded_app(args, "bench-lists-", random.Random(20261203)) as (app, engine, seeded, _):
        if args.explain:
            explain(app, seeded.queue_agent, seeded.restricted_agent)
        tokens = {
            "view_all": (seeded.queue_token, seeded.queue_agent),
            "restricted": (seeded.restricted_token, seeded.restricted_agent),
        }
        emit(f"Lists ({args.requests} timed requests each, in process, taking turns) ...")
        rows = measure(app.test_client(), tokens, args.requests)
        report(engine, args, rows)


def report(engine: str, args, rows: list[tuple]) -> None:
    emit()
    emit(f"{engine}, {args.tickets:,} tickets, {environment()}, in-process test client")
    emit()
    emit("| list | agent | tickets | p50 ms | p95 ms | CPU p50 ms | target p95 <= 50 ms |")
    emit("|---|---|---:|---:|---:|---:|---|")
    for label, who, total, times, cpu in rows:
        emit(
            f"| {label} | {who} | {total:,} | {statistics.median(times):.1f} "
            f"| {percentile(times, 0.95):.1f} | {statistics.median(cpu):.1f} "
            f"| {verdict(times, TARGET_P95_MS)} |"
        )


if __name__ == "__main__":
    main()
