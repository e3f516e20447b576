"""Seeding for bench/api.py: people, tickets and their search index, and raw inserts."""

from __future__ import annotations

import random
import shutil
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

BATCH = 10_000
TEAMS = ("Support", "Billing", "Technical", "Sales")
AGENTS = 20
ORGANIZATIONS = 200
USERS = 5_000
STATUSES = (("awaiting_agent", 40), ("awaiting_user", 20), ("pending", 10), ("resolved", 30))
SOURCES = (("portal", 40), ("email", 35), ("agent", 10), ("api", 10), ("chat", 5))
# Shares of tickets with a label, with followers, with a CC'd user.
LABELLED, FOLLOWED, COPIED = 0.15, 0.05, 0.03
LABELS = ("billing", "bug", "feature-request", "urgent", "vip", "mobile", "export", "sso")
AGENT_PERMISSIONS = ["tickets.view_all", "tickets.reply", "tickets.edit", "tickets.assign"]
# (name, type, target minutes, hours): every new ticket gets both clocks.
SLAS = (
    ("First response", "first_response", 240, "24x7"),
    ("Resolution", "resolution", 2880, "default"),
)
# Agents 16-20 see only their own, their teams', unassigned and followed tickets.
RESTRICTED_FROM = 16
SUBJECTS = (
    "Cannot sign in after the password reset",
    "Invoice {n} shows the wrong VAT number",
    "Export to CSV stops at 10,000 rows",
    "Please add two more seats to our plan",
    "The mobile app crashes when I open a report",
    "Webhook deliveries are failing with 502",
)
MESSAGE = (
    "Hello,\n\nsince this morning {what} and we cannot work around it. We tried again from "
    "another browser and another network, with the same result. Could you have a look?\n\n"
    "Thanks,\n{name}"
)


def emit(text: str = "") -> None:
    print(text, flush=True)


def user_email(number: int) -> str:
    """User `number` (1-based) is at their organization's domain; wrk's Lua builds the same."""
    return f"user{number}@org{number % ORGANIZATIONS}.example"


@dataclass
class Seeded:
    admin_token: str
    queue_agent: int
    queue_token: str
    restricted_agent: int
    restricted_token: str
    queue_sizes: dict[int, int]
    seconds: float


def weighted(rng: random.Random, choices: tuple[tuple[str, int], ...], k: int) -> list[str]:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices], k=k)


def seed(app, tickets: int, rng: random.Random) -> Seeded:
    """Bulk-insert people and `tickets` tickets with SQLAlchemy Core, one transaction a batch."""
    from ticketapi.auth.services import issue_token
    from ticketapi.extensions import db
    from ticketapi.people.models import (
        Agent,
        Organization,
        OrganizationDomain,
        Team,
        User,
        agent_teams,
    )
    from ticketapi.people.services import ensure_system_usergroups
    from ticketapi.tickets.models import (
        Message,
        Ticket,
        TicketEvent,
        TicketLabel,
        ticket_cc,
        ticket_followers,
    )
    from ticketapi.tickets.refs import new_ref
    from ticketapi.tickets.rendering import text_to_html
    from ticketapi.timeutil import utcnow

    started = time.perf_counter()
    now = datetime(2026, 11, 25, 9, 0, 0)
    with app.app_context():
        db.create_all()
        ensure_system_usergroups()
        db.session.commit()
        engine = db.engine
        with engine.begin() as conn:
            conn.execute(
                Team.__table__.insert(),
                [{"id": i + 1, "name": name} for i, name in enumerate(TEAMS)],
            )
            conn.execute(
                Agent.__table__.insert(),
                [
                    {
                        "id": i,
                        "email": f"agent{i}@helpdesk.example",
                        "name": f"Agent {i}",
                        "is_admin": i == 1,
                        "active": True,
                        "permissions": AGENT_PERMISSIONS[1:]
                        if i >= RESTRICTED_FROM
                        else AGENT_PERMISSIONS,
                        "created_at": now - timedelta(days=400),
                    }
                    for i in range(1, AGENTS + 1)
                ],
            )
            conn.execute(
                agent_teams.insert(),
                [{"agent_id": i, "team_id": i % len(TEAMS) + 1} for i in range(1, AGENTS + 1)],
            )
            conn.execute(
                Organization.__table__.insert(),
                [
                    {"id": i + 1, "name": f"Organization {i}", "created_at": now}
                    for i in range(ORGANIZATIONS)
                ],
            )
            conn.execute(
                OrganizationDomain.__table__.insert(),
                [
                    {"domain": f"org{i}.example", "organization_id": i + 1}
                    for i in range(ORGANIZATIONS)
                ],
            )
            conn.execute(
                User.__table__.insert(),
                [
                    {
                        "id": n,
                        "email": user_email(n),
                        "name": f"User {n}",
                        "email_verified_at": now - timedelta(days=400),
                        "organization_id": n % ORGANIZATIONS + 1,
                        "created_at": now - timedelta(days=400),
                    }
                    for n in range(1, USERS + 1)
                ],
            )
        emit(
            f"  {len(TEAMS)} teams, {AGENTS} agents, {ORGANIZATIONS} organizations, "
            f"{USERS:,} users ({time.perf_counter() - started:.1f} s)"
        )

        year = 365 * 24 * 3600
        offsets = sorted(rng.randrange(year) for _ in range(tickets))
        refs: set[str] = set()
        while len(refs) < tickets:
            refs.add(new_ref())
        ref_list = list(refs)
        statuses = weighted(rng, STATUSES, tickets)
        sources = weighted(rng, SOURCES, tickets)
        queue_sizes: dict[int, int] = {}
        for first in range(0, tickets, BATCH):
            rows, messages, events, labels, followers, copied = [], [], [], [], [], []
            for i in range(first, min(first + BATCH, tickets)):
                ticket_id = i + 1
                created = now - timedelta(seconds=year - offsets[i])
                status, source = statuses[i], sources[i]
                assigned = rng.random() < (0.7 if status == "awaiting_agent" else 0.95)
                agent = rng.randint(1, AGENTS) if assigned else None
                team = agent % len(TEAMS) + 1 if agent else rng.choice((None, 1, 2, 3, 4))
                user = rng.randint(1, USERS)
                changed = created + timedelta(minutes=rng.randint(0, 3 * 24 * 60))
                replied = status != "awaiting_agent" or rng.random() < 0.3
                if status == "awaiting_agent" and agent is not None:
                    queue_sizes[agent] = queue_sizes.get(agent, 0) + 1
                rows.append(
                    {
                        "id": ticket_id,
                        "ref": ref_list[i],
                        "subject": rng.choice(SUBJECTS).format(n=ticket_id),
                        "status": status,
                        "source": source,
                        "urgency": rng.randint(1, 10),
                        "user_id": user,
                        "organization_id": user % ORGANIZATIONS + 1,
                        "agent_id": agent,
                        "team_id": team,
                        "merged_into_id": None,
                        "created_at": created,
                        "updated_at": changed,
                        "status_changed_at": changed,
                        "first_agent_reply_at": changed if replied else None,
                        "resolved_at": changed if status == "resolved" else None,
                        "version": 1,
                    }
                )
                body = MESSAGE.format(what=rows[-1]["subject"].lower(), name=f"User {user}")
                messages.append(
                    {
                        "ticket_id": ticket_id,
                        "body": body,
                        "body_html": text_to_html(body),
                        "note": False,
                        "author_type": "user",
                        "author_user_id": user,
                        "author_agent_id": None,
                        "author_name": f"User {user}",
                        "created_at": created,
                    }
                )
                if rng.random() < LABELLED:
                    labels.append({"ticket_id": ticket_id, "name": rng.choice(LABELS)})
                if rng.random() < FOLLOWED:
                    for follower in rng.sample(range(1, AGENTS + 1), rng.randint(1, 2)):
                        followers.append({"ticket_id": ticket_id, "agent_id": follower})
                if rng.random() < COPIED:
                    copy = rng.randint(1, USERS)
                    if copy != user:
                        copied.append({"ticket_id": ticket_id, "user_id": copy})
                events.append(
                    {
                        "ticket_id": ticket_id,
                        "created_at": created,
                        "actor_type": "user",
                        "actor_id": user,
                        "actor_name": f"User {user}",
                        "kind": "opened",
                        "data": {"status": "awaiting_agent", "source": source},
                    }
                )
            with engine.begin() as conn:
                conn.execute(Ticket.__table__.insert(), rows)
                conn.execute(Message.__table__.insert(), messages)
                conn.execute(TicketEvent.__table__.insert(), events)
                for table, extra in (
                    (TicketLabel.__table__, labels),
                    (ticket_followers, followers),
                    (ticket_cc, copied),
                ):
                    if extra:
                        conn.execute(table.insert(), extra)
            done = min(first + BATCH, tickets)
            elapsed = time.perf_counter() - started
            emit(f"  tickets {done:>9,} / {tickets:,}  ({elapsed:5.1f} s)")

        # Set up as a help desk in use is: submissions go to the first team, whose members
        # are told (a job), and two SLAs apply to every ticket. Through the ORM, so the
        # processes' kept definitions see them (ticketapi/versions.py).
        from ticketapi.settings.models import THE_ROW, DeskSettings
        from ticketapi.slas.models import Sla

        db.session.add(DeskSettings(id=THE_ROW, default_team_id=1, updated_at=now))
        for name, kind, minutes, hours in SLAS:
            db.session.add(
                Sla(
                    name=name,
                    type=kind,
                    target_minutes=minutes,
                    warning_minutes=minutes * 3 // 4,
                    hours_kind=hours,
                    applies_to={},
                    on_warning={"notify": ["agent"]},
                    on_failure={"notify": ["team"]},
                    created_at=now,
                    updated_at=now,
                )
            )
        db.session.commit()

        # The ticket search index, built as `helpdesk tickets reindex` builds it.
        from ticketapi.tickets.search import rebuild

        indexed = rebuild()
        emit(
            f"  search index {indexed.tickets:,} tickets ({indexed.seconds:.1f} s, "
            f"{indexed.tickets / max(indexed.seconds, 1e-9):,.0f} tickets/s)"
        )

        # The queue agent has tickets.view_all; the restricted agent does not.
        full = [a for a in range(2, RESTRICTED_FROM) if a in queue_sizes]
        limited = [a for a in range(RESTRICTED_FROM, AGENTS + 1) if a in queue_sizes]
        queue_agent = max(full or [2], key=lambda a: queue_sizes.get(a, 0))
        restricted_agent = max(limited or [RESTRICTED_FROM], key=lambda a: queue_sizes.get(a, 0))
        tokens = {}
        for agent_id in (1, queue_agent, restricted_agent):
            _token, plain = issue_token(
                db.session.get(Agent, agent_id), now=utcnow(), ttl=timedelta(days=1)
            )
            tokens[agent_id] = plain
        db.session.commit()
        db.session.remove()
        engine.dispose()
    return Seeded(
        admin_token=tokens[1],
        queue_agent=queue_agent,
        queue_token=tokens[queue_agent],
        restricted_agent=restricted_agent,
        restricted_token=tokens[restricted_agent],
        queue_sizes=queue_sizes,
        seconds=time.perf_counter() - started,
    )


def copy_database(source: Path, target: Path) -> None:
    for suffix in ("-wal", "-shm", ""):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copyfile(source, target)


# The raw SQLite baseline ---------------------------------------------------------------------


def raw_insert_rate(database: Path, seconds: float, rng: random.Random) -> tuple[int, float]:
    """Insert ticket + message + event rows with sqlite3, one transaction per ticket."""
    from ticketapi.tickets.refs import new_ref
    from ticketapi.tickets.rendering import text_to_html
    from ticketapi.timeutil import utcnow

    conn = sqlite3.connect(database, isolation_level=None)
    for pragma in ("journal_mode=WAL", "busy_timeout=30000", "foreign_keys=ON"):
        conn.execute(f"PRAGMA {pragma}")
    conn.execute("PRAGMA synchronous=NORMAL")
    body = MESSAGE.format(what="the export stops half way", name="Someone")
    html = text_to_html(body)
    count = 0
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        user = rng.randint(1, USERS)
        now = utcnow().isoformat(sep=" ")
        conn.execute("BEGIN IMMEDIATE")
        try:
            ticket_id = conn.execute(
                "INSERT INTO tickets (ref, subject, status, source, urgency, user_id, "
                "organization_id, agent_id, team_id, created_at, updated_at, status_changed_at, "
                "version) "
                "VALUES (?, ?, 'awaiting_agent', 'agent', 5, ?, ?, NULL, NULL, ?, ?, ?, 1)",
                (new_ref(), "Bench ticket: export fails", user, user % ORGANIZATIONS + 1)
                + (now,) * 3,
            ).lastrowid
            conn.execute(
                "INSERT INTO messages (ticket_id, body, body_html, note, author_type, "
                "author_user_id, author_name, created_at) VALUES (?, ?, ?, 0, 'user', ?, ?, ?)",
                (ticket_id, body, html, user, f"User {user}", now),
            )
            conn.execute(
                "INSERT INTO ticket_events (ticket_id, created_at, actor_type, actor_id, "
                "actor_name, kind, data) VALUES (?, ?, 'agent', 1, 'Agent 1', 'opened', ?)",
                (ticket_id, now, '{"status": "awaiting_agent", "source": "agent"}'),
            )
            conn.execute("COMMIT")
        except sqlite3.IntegrityError:  # a ref drawn twice: as rare as in the app
            conn.execute("ROLLBACK")
            continue
        count += 1
    elapsed = time.perf_counter() - started
    conn.close()
    return count, count / elapsed
