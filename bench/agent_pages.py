"""Agent pages at 100,000 tickets: server time of the start page and a queue page (issue #14).

Seeds with bench/api_seed.py (the tickets of bench/api.py), signs two of its agents in through
/agent/login (one with tickets.view_all, one without: the visibility rule applies to every
list and count), then asks each page --requests times through Flask's test client in this one
process, the pages taking turns, and prints p50/p95 against the target (p95 at most 100 ms).
Each page draws the sidebar's counts (agent/queues.py: one statement, each count capped)
and a list of 25. Every ticket awaiting an agent gets a first-response clock (a few of them
in warning or failed), so the SLA order and the SLA-at-risk queue have work to do.

The ticket page (/agent/tickets/<id>) is not on main yet: TICKET_PAGE below is its hook;
set it to the page's path pattern when it lands and it is measured with the others.

SQLite by default; `--database-url postgresql+psycopg://…` runs the same on PostgreSQL (the
database is emptied first and ANALYZEd after seeding). With --explain the plan of the
sidebar's count statement is printed. Exits 0 whatever the figures: benches report.

    .venv/bin/python bench/agent_pages.py [--tickets 100000] [--requests 40] [--explain]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.api_seed import emit, seed  # noqa: E402
from bench.ticket_search import percentile, prepare_postgresql, timed  # noqa: E402

TARGET_P95_MS = 100.0
PASSWORD = "bench password not for production"
TICKET_PAGE: str | None = None  # e.g. "/agent/tickets/{ticket}" once the ticket page exists
PAGES = (
    ("start page (My tickets)", "/agent/"),
    ("Unassigned", "/agent/?queue=unassigned"),
    ("a team (Billing)", "/agent/?queue=team-2"),
    ("Following", "/agent/?queue=following"),
    ("SLA at risk", "/agent/?queue=at-risk"),
    ("Resolved (about 30,000)", "/agent/?queue=status-resolved"),
    ("Awaiting agent, page 3", "/agent/?queue=status-awaiting_agent&page=3"),
)
# The share of open tickets whose first-response clock is in warning or failed.
AT_RISK_SHARE = {"warning": 0.03, "failed": 0.02}


def add_clocks(app, rng: random.Random) -> int:
    """A first-response clock on every ticket awaiting an agent, due within two days, some
    of them at risk, and the due time the SLA order reads (bench/api_seed.py adds none)."""
    from datetime import timedelta

    from sqlalchemy import select

    from ticketapi.extensions import db
    from ticketapi.slas.models import Sla, TicketSla, TicketSlaDue
    from ticketapi.tickets.models import Ticket
    from ticketapi.timeutil import utcnow

    with app.app_context():
        sla_id = db.session.scalar(select(Sla.id).where(Sla.type == "first_response"))
        ids = db.session.scalars(select(Ticket.id).where(Ticket.status == "awaiting_agent"))
        now = utcnow()
        clocks, dues = [], []
        for ticket_id in ids:
            roll, state = rng.random(), "ok"
            if roll < AT_RISK_SHARE["failed"]:
                state = "failed"
            elif roll < AT_RISK_SHARE["failed"] + AT_RISK_SHARE["warning"]:
                state = "warning"
            due = now + timedelta(minutes=rng.randint(-240, 2880))
            clocks.append(
                {
                    "ticket_id": ticket_id,
                    "sla_id": sla_id,
                    "state": state,
                    "due_at": due,
                    "running_since": now,
                }
            )
            dues.append({"ticket_id": ticket_id, "due_at": due})
        for first in range(0, len(clocks), 10_000):
            db.session.execute(TicketSla.__table__.insert(), clocks[first : first + 10_000])
            db.session.execute(TicketSlaDue.__table__.insert(), dues[first : first + 10_000])
        db.session.commit()
        return len(clocks)


def signed_in_client(app, agent_id: int):
    from ticketapi.auth.passwords import hash_password
    from ticketapi.extensions import db
    from ticketapi.people.models import Agent

    with app.app_context():
        agent = db.session.get(Agent, agent_id)
        agent.password_hash = hash_password(PASSWORD)
        email = agent.email
        db.session.commit()
    client = app.test_client()
    login = client.get("/agent/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)
    answer = client.post(
        "/agent/login", data={"csrf_token": token, "email": email, "password": PASSWORD}
    )
    assert answer.status_code == 303, answer.status_code
    return client


def measure(clients: dict, requests: int, ticket_id: int) -> list[tuple]:
    pages = list(PAGES)
    if TICKET_PAGE:
        pages.append(("ticket page", TICKET_PAGE.format(ticket=ticket_id)))
    cases = [(label, who, url) for label, url in pages for who in clients]
    times: dict[int, list[float]] = {i: [] for i in range(len(cases))}
    for _label, who, url in cases:
        assert clients[who].get(url).status_code == 200, url  # and warm
    for _ in range(requests):
        for i, (_label, who, url) in enumerate(cases):
            times[i].append(timed(lambda who=who, url=url: clients[who].get(url)))
    return [(label, who, times[i]) for i, (label, who, _url) in enumerate(cases)]


def explain(app, agent_id: int) -> None:
    from sqlalchemy import select

    from ticketapi.agent.queues import capped_count, count_cap, queues_for
    from ticketapi.extensions import db
    from ticketapi.people.models import Agent
    from ticketapi.people.services import agent_actor
    from ticketapi.tickets import queries

    with app.app_context():
        agent = db.session.get(Agent, agent_id)
        actor = agent_actor(agent)
        postgresql = db.engine.dialect.name == "postgresql"
        listed = [queries.tickets_query(actor, q.filters) for q in queues_for(agent)]
        columns = [capped_count(query, count_cap()) for query in listed]
        sql = str(select(*columns).compile(db.engine, compile_kwargs={"literal_binds": True}))
        prefix = "EXPLAIN ANALYZE " if postgresql else "EXPLAIN QUERY PLAN "
        for row in db.session.connection().exec_driver_sql(prefix + sql).all():
            emit(f"      {row[0] if postgresql else row[-1]}")
        db.session.rollback()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=40, help="timed requests a page")
    parser.add_argument("--database-url", help="postgresql+psycopg://… (emptied first)")
    parser.add_argument("--explain", action="store_true", help="print the count's plan")
    args = parser.parse_args()

    instance = Path(tempfile.mkdtemp(prefix="bench-agent-pages-"))
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
        clocks = add_clocks(app, random.Random(14))
        emit(f"  {clocks:,} SLA clocks on the tickets awaiting an agent")
        if engine == "PostgreSQL":
            prepare_postgresql(app)
        emit(f"Seeded in {seeded.seconds:.1f} s")
        if args.explain:
            for who in (seeded.queue_agent, seeded.restricted_agent):
                emit(f"  the sidebar's counts, agent {who}:")
                explain(app, who)
        clients = {
            "view_all": signed_in_client(app, seeded.queue_agent),
            "restricted": signed_in_client(app, seeded.restricted_agent),
        }
        emit(f"Pages ({args.requests} timed requests each, in process, taking turns) ...")
        report(engine, args, measure(clients, args.requests, ticket_id=1))
    finally:
        shutil.rmtree(instance, ignore_errors=True)


def report(engine: str, args, rows: list[tuple]) -> None:
    emit()
    emit(f"{engine}, {args.tickets:,} tickets, {os.cpu_count()} cores, in-process test client")
    emit()
    emit("| page | agent | p50 ms | p95 ms | target p95 <= 100 ms |")
    emit("|---|---|---:|---:|---|")
    for label, who, times in rows:
        p95 = percentile(times, 0.95)
        verdict = "met" if p95 <= TARGET_P95_MS else "missed"
        emit(f"| {label} | {who} | {statistics.median(times):.1f} | {p95:.1f} | {verdict} |")


if __name__ == "__main__":
    main()
