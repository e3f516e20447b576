"""The ticket API under load: creation and the agent queue at 100,000 tickets, served by gunicorn.

Seeds a fresh SQLite database (teams, agents, organizations, users, then tickets with their
opening message and 'opened' event, some with labels, followers or a CC), measures the raw
SQLite insert rate of the same rows (one transaction per ticket, WAL, synchronous=NORMAL) as
a baseline, then serves the app with gunicorn on loopback and prints requests/s with p50/p95
latency for:

* ticket creation by an agent for a user (POST /api/v1/tickets with a token) and by the
  public submission route (no token; rate limit off);
* the agent queue, GET /api/v1/tickets?status=awaiting_agent&agent_id=N&per_page=50, for an
  agent with tickets.view_all and for one without it (the visibility clause applies).

Targets (2 cores): queue p95 at most 50 ms at 100,000 tickets; creation at least 500/s.
Every gunicorn setting in --servers starts from a copy of the same seeded database, and
each scenario prints the server's CPU time per request and how many cores it (and each
worker) used: on a shared machine those say more than the rates. Load comes from wrk
when installed (`apt-get install wrk`), else from a Python thread pool.
Exits 0 whatever the figures: benches report, tests assert.

Usage: python bench/api.py [--tickets 100000] [--seconds 10] [--concurrency 8 [4 ...]]
                           [--servers 1x8 2x4 2x4-close 2-sync] [--only queue create]
                           [--keep]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import api_load  # noqa: E402

QUEUE_P95_TARGET_MS = 50.0
CREATE_RATE_TARGET = 500.0
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
CREATE_BODY = (
    '{"subject": "Bench ticket {n}: export fails", "message": "Hello,\\n\\nthe export stops '
    'half way with an error. Could you have a look?\\n\\nThanks", '
    '"email": "user{user}@org{org}.example", "name": "User {user}"}'
)


def emit(text: str = "") -> None:
    print(text, flush=True)


def user_email(number: int) -> str:
    """User `number` (1-based) is at their organization's domain; wrk's Lua builds the same."""
    return f"user{number}@org{number % ORGANIZATIONS}.example"


# Seeding ---------------------------------------------------------------------------------


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


# The server ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class ServerSpec:
    """gunicorn settings: `2x4` is 2 gthread workers of 4 threads, `2x4-close` the same with
    keep-alive off (every response closes its connection, as behind a proxy that opens one
    per request), `2-sync` 2 sync workers (one request at a time each, no keep-alive)."""

    text: str
    workers: int
    threads: int
    worker_class: str
    keep_alive: bool

    @classmethod
    def parse(cls, text: str) -> ServerSpec:
        found = re.fullmatch(r"([1-9]\d*)(?:x([1-9]\d*))?(-close|-sync)?", text.strip().lower())
        if not found or (found[3] == "-sync") == bool(found[2]):
            raise argparse.ArgumentTypeError(f"{text!r}: use WxT, WxT-close or W-sync")
        sync = found[3] == "-sync"
        return cls(
            text=text,
            workers=int(found[1]),
            threads=1 if sync else int(found[2]),
            worker_class="sync" if sync else "gthread",
            keep_alive=not (sync or found[3] == "-close"),
        )

    def command(self, port: int) -> list[str]:
        binary = Path(sys.executable).parent / "gunicorn"
        start = [str(binary)] if binary.exists() else [sys.executable, "-m", "gunicorn"]
        options = [
            f"--workers={self.workers}",
            f"--worker-class={self.worker_class}",
            f"--threads={self.threads}",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
            "--graceful-timeout=5",
        ]
        if not self.keep_alive and self.worker_class == "gthread":
            options.append("--keep-alive=0")
        return [*start, *options, "ticketapi:create_app()"]


def request(port: int, method: str, path: str, token: str | None = None, body=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if body is not None:
        headers["Content-Type"] = "application/json"
        body = json.dumps(body)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


class Server:
    """gunicorn in a process group of its own, killed as a group."""

    def __init__(self, spec: ServerSpec, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.log_path = log
        self.log = log.open("ab")
        self.process = subprocess.Popen(
            spec.command(self.port),
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, token: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.flush()
                tail = self.log_path.read_text(errors="replace")[-3000:]
                raise RuntimeError(f"gunicorn exited:\n{tail}")
            try:
                status, _ = request(self.port, "GET", "/api/v1/tickets?per_page=1", token)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer within a minute")

    def cpu_seconds(self) -> dict[int, float]:
        """User + system CPU seconds of gunicorn's master and each worker so far (/proc)."""
        ticks = os.sysconf("SC_CLK_TCK")
        pids = [self.process.pid]
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
            pids += [int(pid) for pid in children.read_text().split()]
        except OSError:
            return {}
        seconds = {}
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            seconds[pid] = (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
        return seconds

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


def machine_busy_seconds() -> float:
    """CPU time all cores spent busy since boot (/proc/stat), for the share others took."""
    try:
        first = Path("/proc/stat").read_text().splitlines()[0].split()
    except OSError:
        return float("nan")
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, first[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


# Scenarios -----------------------------------------------------------------------------------


@dataclass
class Row:
    server: str
    scenario: api_load.Scenario
    concurrency: int
    result: api_load.Result
    cpu_ms: float  # server CPU time per request
    server_cores: float  # server CPU seconds per second
    worker_cores: list[float]  # the same for each worker
    busy_cores: float  # the whole machine's, wrk and other processes included

    @property
    def cores(self) -> str:
        split = " + ".join(f"{x:.2f}" for x in self.worker_cores)
        return f"{self.server_cores:.2f} cores ({split}) of {self.busy_cores:.2f} busy"

    @property
    def is_queue(self) -> bool:
        return self.scenario.method == "GET"

    @property
    def target(self) -> str:
        if self.is_queue:
            return f"p95 <= {QUEUE_P95_TARGET_MS:.0f} ms"
        return f">= {CREATE_RATE_TARGET:.0f}/s"

    @property
    def passed(self) -> bool:
        if self.result.errors:
            return False
        if self.is_queue:
            return self.result.p95_ms <= QUEUE_P95_TARGET_MS
        return self.result.rate >= CREATE_RATE_TARGET


def scenarios(seeded: Seeded) -> list[api_load.Scenario]:
    def queue(agent: int) -> str:
        return f"/api/v1/tickets?status=awaiting_agent&agent_id={agent}&per_page=50"

    common = {"users": USERS, "organizations": ORGANIZATIONS}
    return [
        api_load.Scenario(
            "queue (tickets.view_all)",
            "GET",
            queue(seeded.queue_agent),
            {"Authorization": f"Bearer {seeded.queue_token}"},
        ),
        api_load.Scenario(
            "queue (no view_all)",
            "GET",
            queue(seeded.restricted_agent),
            {"Authorization": f"Bearer {seeded.restricted_token}"},
        ),
        api_load.Scenario(
            "create (agent, token)",
            "POST",
            "/api/v1/tickets",
            {"Authorization": f"Bearer {seeded.admin_token}"},
            CREATE_BODY,
            expect=201,
            **common,
        ),
        api_load.Scenario(
            "create (public, no token)",
            "POST",
            "/api/v1/tickets",
            {},
            CREATE_BODY,
            expect=201,
            **common,
        ),
    ]


def check(port: int, scenario: api_load.Scenario) -> str:
    """One request before the load: the scenario must answer as expected."""
    token = scenario.headers.get("Authorization", "").removeprefix("Bearer ") or None
    body = None
    if scenario.body is not None:
        body = json.loads(api_load.body_maker(scenario)(1, random.Random(1)))
    status, payload = request(port, scenario.method, scenario.path, token, body)
    if status != scenario.expect:
        raise RuntimeError(f"{scenario.name}: HTTP {status} {payload[:300]!r}")
    answer = json.loads(payload)
    if scenario.method == "GET":
        return f"{len(answer['items'])} of {answer['total']:,} tickets"
    return f"ticket {answer['id']} {answer['status']}"


def measure(
    server: Server, label: str, scenario: api_load.Scenario, concurrency: int, args, client: str
) -> Row:
    """Warm up, then load one scenario; the server's CPU use is read around the measured part."""
    base = f"http://127.0.0.1:{server.port}"
    emit(f"  {label}  {scenario.name}: {check(server.port, scenario)}; warming up ...")
    api_load.run(scenario, base, concurrency=concurrency, seconds=args.warmup, client=client)
    before, busy_before = server.cpu_seconds(), machine_busy_seconds()
    result = api_load.run(
        scenario, base, concurrency=concurrency, seconds=args.seconds, client=client
    )
    after, busy = server.cpu_seconds(), machine_busy_seconds() - busy_before
    used = {pid: after[pid] - before.get(pid, 0.0) for pid in after}
    cpu = sum(used.values())
    # Keep-alive connections stay with the worker that accepted them: a lopsided split
    # means one process (one GIL) did most of the work.
    workers = [used[pid] / result.seconds for pid in sorted(used) if pid != server.process.pid]
    row = Row(
        label,
        scenario,
        concurrency,
        result,
        cpu_ms=cpu * 1000 / max(1, result.requests),
        server_cores=cpu / result.seconds,
        worker_cores=workers,
        busy_cores=busy / result.seconds,
    )
    emit(
        f"  {label}  c={concurrency}  {scenario.name:<26} {result.rate:7.1f} req/s  "
        f"p50 {result.p50_ms:6.1f} ms  p95 {result.p95_ms:6.1f} ms  p99 {result.p99_ms:6.1f} ms  "
        f"server CPU {row.cpu_ms:5.2f} ms/request, {row.cores}  errors {result.errors}"
    )
    return row


def measure_server(
    spec: ServerSpec,
    env: dict[str, str],
    seeded: Seeded,
    args,
    client: str,
    instance: Path,
) -> list[Row]:
    copy_database(instance / "seed.db", instance / "helpdesk.db")
    server = Server(spec, env, instance / "gunicorn.log")
    try:
        server.wait_ready(seeded.admin_token)
        return [
            measure(server, spec.text, scenario, concurrency, args, client)
            for concurrency in args.concurrency
            for scenario in scenarios(seeded)
            if not args.only or any(word in scenario.name for word in args.only)
        ]
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10, help="measured per scenario")
    parser.add_argument("--warmup", type=float, default=3, help="unmeasured, before each")
    parser.add_argument(
        "--concurrency", type=int, nargs="+", default=[8], help="connections kept busy"
    )
    parser.add_argument(
        "--servers",
        nargs="+",
        type=ServerSpec.parse,
        default=[ServerSpec.parse(x) for x in ("1x8", "2x4", "2x4-close", "2-sync")],
        help="gunicorn settings to try: WxT (gthread), WxT-close (keep-alive off), W-sync",
    )
    parser.add_argument(
        "--only", nargs="+", metavar="WORD", help="only the scenarios whose name has a WORD"
    )
    parser.add_argument("--raw-seconds", type=float, default=5, help="raw SQLite baseline")
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    client = args.client
    if client in ("auto", "wrk") and api_load.wrk_path() is None:
        if client == "wrk":
            raise SystemExit(f"wrk is not installed: {api_load.INSTALL_WRK}")
        emit(
            "! wrk is not installed; using the Python client, which shares the 2 cores with "
            f"the server and skews the figures. Install wrk: {api_load.INSTALL_WRK}"
        )
        client = "python"
    elif client == "auto":
        client = "wrk"

    instance = Path(tempfile.mkdtemp(prefix="bench-api-"))
    env = dict(os.environ)
    env.update(
        {
            "HELPDESK_INSTANCE_DIR": str(instance),
            "HELPDESK_DATABASE_URL": f"sqlite:///{instance / 'helpdesk.db'}",
            "HELPDESK_RATELIMIT": "off",
            "HELPDESK_SECRET_KEY": "bench-secret-key-not-for-production",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        }
    )
    os.environ.update({k: v for k, v in env.items() if k.startswith("HELPDESK_")})
    rng = random.Random(20261125)
    try:
        from ticketapi import create_app

        emit(f"Seeding {args.tickets:,} tickets in {instance} ...")
        seeded = seed(create_app(), args.tickets, rng)
        database = instance / "helpdesk.db"
        size = database.stat().st_size / 2**20
        emit(
            f"Seeded in {seeded.seconds:.1f} s ({args.tickets / seeded.seconds:,.0f} tickets/s "
            f"with their message and event, bulk); database {size:.0f} MiB. Queue agent "
            f"{seeded.queue_agent}: {seeded.queue_sizes.get(seeded.queue_agent, 0):,} "
            f"awaiting_agent; restricted agent {seeded.restricted_agent}: "
            f"{seeded.queue_sizes.get(seeded.restricted_agent, 0):,}."
        )
        shutil.move(database, instance / "seed.db")

        emit(f"Raw SQLite baseline ({args.raw_seconds:g} s, one transaction per ticket) ...")
        copy_database(instance / "seed.db", instance / "raw.db")
        raw_count, raw_rate = raw_insert_rate(instance / "raw.db", args.raw_seconds, rng)
        for suffix in ("", "-wal", "-shm"):
            Path(str(instance / "raw.db") + suffix).unlink(missing_ok=True)
        emit(f"  {raw_count:,} tickets, {raw_rate:,.0f} tickets/s")

        emit(
            f"Serving with gunicorn on 127.0.0.1 ({os.cpu_count()} cores); {client} at "
            f"concurrency {' and '.join(map(str, args.concurrency))}, {args.warmup:g} s warm-up "
            f"then {args.seconds:g} s a scenario ..."
        )
        rows: list[Row] = []
        for spec in args.servers:
            rows += measure_server(spec, env, seeded, args, client, instance)
        report(rows, raw_rate, args, client)
    finally:
        if args.keep:
            emit(f"Kept {instance}")
        else:
            shutil.rmtree(instance, ignore_errors=True)


def report(rows: list[Row], raw_rate: float, args, client: str) -> None:
    emit()
    emit(
        f"{args.tickets:,} tickets; {client}; {args.seconds:g} s a scenario after "
        f"{args.warmup:g} s warm-up; {os.cpu_count()} cores; gunicorn WxT = W gthread workers "
        "of T threads, -close = keep-alive off, W-sync = W sync workers"
    )
    emit()
    emit(
        "| gunicorn | connections | scenario | requests/s | p50 ms | p95 ms | p99 ms "
        "| server CPU ms/request | server cores (workers) of machine busy | errors | target | |"
    )
    emit("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---|")
    for row in rows:
        r = row.result
        emit(
            f"| {row.server} | {row.concurrency} | {row.scenario.name} | {r.rate:,.0f} "
            f"| {r.p50_ms:.1f} | {r.p95_ms:.1f} | {r.p99_ms:.1f} | {row.cpu_ms:.2f} "
            f"| {row.cores} | {r.errors} | {row.target} "
            f"| {'pass' if row.passed else 'FAIL'} |"
        )
    emit()
    emit(f"Raw SQLite inserts (ticket + message + event, a transaction each): {raw_rate:,.0f}/s")
    for row in rows:
        if not row.is_queue:
            emit(
                f"  {row.server} c={row.concurrency} {row.scenario.name}: "
                f"{row.result.rate:,.0f}/s = {row.result.rate / raw_rate:.3f}x raw SQLite"
            )
    emit()
    cores = os.cpu_count() or 1
    for name in dict.fromkeys(row.scenario.name for row in rows):
        for concurrency in args.concurrency:
            mine = [r for r in rows if r.scenario.name == name and r.concurrency == concurrency]
            if not mine:
                continue
            best = (
                min(mine, key=lambda r: r.result.p95_ms)
                if mine[0].is_queue
                else max(mine, key=lambda r: r.result.rate)
            )
            verdict = "meets" if best.passed else "misses"
            # What the server's CPU cost per request allows with every core to itself.
            ceiling = cores * 1000 / best.cpu_ms if best.cpu_ms else float("nan")
            emit(
                f"{name}, {concurrency} connections: best with {best.server} "
                f"({best.result.rate:,.0f}/s, p95 {best.result.p95_ms:.1f} ms): {verdict} the "
                f"target ({best.target}). At {best.cpu_ms:.2f} ms of server CPU a request, "
                f"{cores} idle cores would serve at most {ceiling:,.0f}/s."
            )
    # wrk itself takes a few hundredths of a core; more than that went to other processes.
    crowded = [row for row in rows if row.busy_cores - row.server_cores > 0.25]
    if crowded:
        worst = max(row.busy_cores - row.server_cores for row in crowded)
        emit(
            f"! Other processes (wrk included) used up to {worst:.2f} of the {cores} cores in "
            f"{len(crowded)} of {len(rows)} scenarios: their rates and latencies are worse than "
            "on an idle machine; the server CPU per request is the steadier figure."
        )


if __name__ == "__main__":
    main()
