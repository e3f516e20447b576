"""Agent pages at 100,000 tickets: server time of the start page, the queues and the ticket
page (issue #14).

Seeds with bench/api_seed.py (the tickets of bench/api.py), signs two of its agents in through
/agent/login (one with tickets.view_all, one without: the visibility rule applies to every
list and count), then asks each page --requests times through Flask's test client in this one
process, the pages taking turns. It prints p50/p95 against the target (p95 at most 100 ms),
and the CPU this process spent on each page (on SQLite the database's work too: the figure a
loaded machine disturbs least) as a multiple of a minimal request's (a stylesheet route of
the same app, in the same turns: what any request costs before a page does its work).

Each list page draws the sidebar's counts (agent/queues.py: one statement, each count capped)
and a list of 25. Every ticket awaiting an agent gets a first-response clock (a few of them in
warning or failed), so the SLA order and the SLA-at-risk queue have work to do; the tickets
awaiting a user have none (a queue in SLA order whose tickets mostly have no clock). The
ticket page shows a ticket of the restricted agent's with a conversation of 16 messages (3 of
them notes), its history, two clocks, three tasks, labels, followers and a CC'd user; its
requester has about 20 other tickets.

SQLite by default; `--database-url postgresql+psycopg://…` runs the same on PostgreSQL (the
database is emptied first and ANALYZEd after seeding); `--keep DIR` reuses a seed
(bench/in_process.py). With --explain the plans of the sidebar's count statement and of the
start page's list are printed. Exits 0 whatever the figures: benches report.

    .venv/bin/python bench/agent_pages.py [--tickets 100000] [--requests 40] [--explain]
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
from datetime import timedelta
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

TARGET_P95_MS = 100.0
PASSWORD = "bench password not for production"
MINIMAL = ("minimal request (a stylesheet route)", "/agent/theme/light.css")
TICKET_PAGE = "/agent/tickets/{ticket}"
PAGES = (
    ("start page (My tickets)", "/agent/"),
    ("Unassigned", "/agent/?queue=unassigned"),
    ("a team (Billing)", "/agent/?queue=team-2"),
    ("Following", "/agent/?queue=following"),
    ("SLA at risk", "/agent/?queue=at-risk"),
    ("Resolved (about 30,000)", "/agent/?queue=status-resolved"),
    ("Awaiting agent, page 3", "/agent/?queue=status-awaiting_agent&page=3"),
    ("Awaiting user (no clocks)", "/agent/?queue=status-awaiting_user"),
)
# The share of open tickets whose first-response clock is in warning or failed.
AT_RISK_SHARE = {"warning": 0.03, "failed": 0.02}
CONVERSATION = 15  # messages after the opening one; every fifth a note
TASKS = 3


def add_clocks(app, rng: random.Random) -> int:
    """A first-response clock on every ticket awaiting an agent, due within two days, some
    of them at risk, and the due time the SLA order reads (bench/api_seed.py adds none)."""
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


def add_conversation(app, agent_id: int) -> int:
    """The ticket page's ticket: the restricted agent's oldest ticket awaiting them, with a
    conversation, its history, a met first response and a running resolution clock, tasks,
    labels, followers and a CC'd user. Returns its id."""
    from sqlalchemy import select, update

    from ticketapi.extensions import db
    from ticketapi.slas.models import Sla, TicketSla, TicketSlaDue
    from ticketapi.tasks.models import Task
    from ticketapi.tickets.models import (
        Message,
        Ticket,
        TicketEvent,
        TicketLabel,
        ticket_cc,
        ticket_followers,
    )
    from ticketapi.tickets.rendering import text_to_html
    from ticketapi.timeutil import utcnow

    with app.app_context():
        query = select(Ticket).where(Ticket.agent_id == agent_id, Ticket.status == "awaiting_agent")
        ticket = db.session.scalars(query.order_by(Ticket.id).limit(1)).one()
        now, opened = utcnow(), ticket.created_at
        user_name = f"User {ticket.user_id}"
        messages, events = [], []
        for n in range(1, CONVERSATION + 1):
            at = opened + timedelta(hours=3 * n)
            by_agent = n % 2 == 1
            note = n % 5 == 0
            body = (
                f"Reply {n}: we looked at the export again and found the rows it stops at. "
                "Could you try once more with the filter below and tell us what you see?\n\n"
                "- open Reports\n- choose *All rows*\n- export as CSV"
            )
            messages.append(
                {
                    "ticket_id": ticket.id,
                    "body": body,
                    "body_html": text_to_html(body),
                    "note": note,
                    "author_type": "agent" if by_agent or note else "user",
                    "author_user_id": None if by_agent or note else ticket.user_id,
                    "author_agent_id": agent_id if by_agent or note else None,
                    "author_name": f"Agent {agent_id}" if by_agent or note else user_name,
                    "created_at": at,
                }
            )
            events.append(
                {
                    "ticket_id": ticket.id,
                    "created_at": at,
                    "actor_type": "agent" if by_agent or note else "user",
                    "actor_id": agent_id if by_agent or note else ticket.user_id,
                    "actor_name": f"Agent {agent_id}" if by_agent or note else user_name,
                    "kind": "note" if note else "reply",
                    "data": {},
                }
            )
        events += [
            {
                "ticket_id": ticket.id,
                "created_at": opened + timedelta(minutes=m),
                "actor_type": "agent",
                "actor_id": agent_id,
                "actor_name": f"Agent {agent_id}",
                "kind": kind,
                "data": data,
            }
            for m, kind, data in (
                (5, "agent", {"old": None, "new": agent_id}),
                (6, "urgency", {"old": 5, "new": 8}),
                (7, "status", {"old": "awaiting_agent", "new": "awaiting_user"}),
                (8, "follower_added", {"agent_id": 2}),
                (9, "cc_added", {"user_id": ticket.user_id % 5000 + 1}),
                (10, "status", {"old": "awaiting_user", "new": "awaiting_agent"}),
            )
        ]
        db.session.execute(Message.__table__.insert(), messages)
        db.session.execute(TicketEvent.__table__.insert(), events)
        db.session.execute(
            TicketLabel.__table__.insert(),
            [{"ticket_id": ticket.id, "name": name} for name in ("export", "vip")],
        )
        db.session.execute(
            ticket_followers.insert(),
            [{"ticket_id": ticket.id, "agent_id": a} for a in (2, 3) if a != agent_id],
        )
        db.session.execute(
            ticket_cc.insert(), [{"ticket_id": ticket.id, "user_id": ticket.user_id % 5000 + 1}]
        )
        slas = dict(db.session.execute(select(Sla.type, Sla.id)).all())
        db.session.execute(
            update(TicketSla)
            .where(TicketSla.ticket_id == ticket.id)
            .values(state="done", completed_at=opened + timedelta(hours=3), running_since=None)
        )
        due = now + timedelta(hours=20)
        db.session.execute(
            TicketSla.__table__.insert(),
            [
                {
                    "ticket_id": ticket.id,
                    "sla_id": slas["resolution"],
                    "state": "ok",
                    "due_at": due,
                    "warning_at": due - timedelta(hours=12),
                    "running_since": now,
                }
            ],
        )
        db.session.execute(
            update(TicketSlaDue).where(TicketSlaDue.ticket_id == ticket.id).values(due_at=due)
        )
        for n in range(TASKS):
            db.session.add(
                Task(
                    title=f"Call the customer back ({n + 1})",
                    notes="About the export",
                    due_at=now + timedelta(days=n),
                    agent_id=agent_id,
                    ticket_id=ticket.id,
                    done=n == 0,
                    done_at=now if n == 0 else None,
                    created_by_id=agent_id,
                    created_at=now,
                    updated_at=now,
                )
            )
        db.session.commit()
        return ticket.id


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
    pages = [MINIMAL, *PAGES, ("ticket page", TICKET_PAGE.format(ticket=ticket_id))]
    cases = [(label, who, url) for label, url in pages for who in clients]
    for _label, who, url in cases:
        assert clients[who].get(url).status_code == 200, url
    calls = [lambda who=who, url=url: clients[who].get(url) for _label, who, url in cases]
    cpu: list[list[float]] = []
    times = take_turns(calls, requests, cpu)
    return [
        (label, who, spent, cpu_spent)
        for (label, who, _url), spent, cpu_spent in zip(cases, times, cpu, strict=True)
    ]


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
        queues = queues_for(agent)
        listed = [queries.tickets_query(actor, q.filters, loads=False) for q in queues]
        columns = [capped_count(query, count_cap()) for query in listed]
        emit_plan(f"the sidebar's counts, agent {agent_id}", select(*columns))
        filters = {**queues[0].filters, "order": "sla_due_at"}  # My tickets, as it opens
        for number, part in enumerate(queries.tickets_parts(actor, filters), start=1):
            for name, query in (("sorted", part.sorted), ("walked", part.walked)):
                emit_plan(f"My tickets, part {number} {name}, agent {agent_id}", query.limit(25))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser, requests=40, explain="print the plans of the counts and a list")
    args = parser.parse_args()

    def more(app, seeded) -> dict:
        clocks = add_clocks(app, random.Random(14))
        emit(f"  {clocks:,} SLA clocks on the tickets awaiting an agent")
        ticket = add_conversation(app, seeded.restricted_agent)
        return {"ticket": ticket}

    with seeded_app(args, "bench-agent-pages-", random.Random(20261203), more) as opened:
        app, engine, seeded, added = opened
        if args.explain:
            for who in (seeded.queue_agent, seeded.restricted_agent):
                explain(app, who)
        clients = {
            "view_all": signed_in_client(app, seeded.queue_agent),
            "restricted": signed_in_client(app, seeded.restricted_agent),
        }
        emit(f"Pages ({args.requests} timed requests each, in process, taking turns) ...")
        report(engine, args, measure(clients, args.requests, added["ticket"]))


def report(engine: str, args, rows: list[tuple]) -> None:
    minimal = {who: statistics.median(cpu) for label, who, _t, cpu in rows if label == MINIMAL[0]}
    emit()
    emit(f"{engine}, {args.tickets:,} tickets, {environment()}, in-process test client")
    emit()
    emit(
        "| page | agent | p50 ms | p95 ms | CPU p50 ms (this process) | CPU p50 / minimal "
        "| target p95 <= 100 ms |"
    )
    emit("|---|---|---:|---:|---:|---:|---|")
    for label, who, times, cpu in rows:
        cpu50 = statistics.median(cpu)
        emit(
            f"| {label} | {who} | {statistics.median(times):.1f} "
            f"| {percentile(times, 0.95):.1f} | {cpu50:.1f} | {cpu50 / minimal[who]:.0f}x "
            f"| {verdict(times, TARGET_P95_MS)} |"
        )


if __name__ == "__main__":
    main()
