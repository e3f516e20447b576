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

The seeded help desk is set up as a real one is: submissions go to a default team (whose
members a job tells), and two SLAs apply to every ticket. Creation is also measured against
a minimal Flask + Flask-SQLAlchemy app (bench/api_minimal.py: one row per POST) served by
the same gunicorn settings and loaded by the same client in the same run: its runs flank
each creation run (minimal, agent, public, minimal, ...), and each creation rate is printed
as a share of the mean of the minimal runs before and after it.

Targets (2 cores): queue p95 at most 50 ms at 100,000 tickets; creation at least 500/s
and at least 0.55x the minimal app's rate.
Every gunicorn setting in --servers starts from a copy of the same seeded database, and
each scenario prints the server's CPU time per request and how many cores it (and each
worker) used: on a shared machine those say more than the rates. Load comes from wrk
when installed (`apt-get install wrk`), else from a Python thread pool.
Exits 0 whatever the figures: benches report, tests assert.

With --database-url postgresql+psycopg://…, the same seed goes into that (empty) database
and every server setting uses it in turn, so a later setting starts with the tickets the
earlier ones created; there is no raw baseline (the scale-out figures in
docs/deployment.md come from this).

Usage: python bench/api.py [--tickets 100000] [--seconds 10] [--concurrency 8 [4 ...]]
                           [--servers 1x8 2x4 2x4-close 2-sync] [--only queue create]
                           [--database-url URL] [--rounds 2] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import api_load  # noqa: E402
from bench.api_report import (  # noqa: E402
    MINIMAL,
    MINIMAL_APP,
    Row,
    report,
)
from bench.api_seed import (  # noqa: E402
    ORGANIZATIONS,
    USERS,
    Seeded,
    copy_database,
    emit,
    raw_insert_rate,
    seed,
)
from bench.api_server import Server, ServerSpec, machine_busy_seconds, request  # noqa: E402

CREATE_BODY = (
    '{"subject": "Bench ticket {n}: export fails", "message": "Hello,\\n\\nthe export stops '
    'half way with an error. Could you have a look?\\n\\nThanks", '
    '"email": "user{user}@org{org}.example", "name": "User {user}"}'
)


# Scenarios -----------------------------------------------------------------------------------


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


def minimal_scenario() -> api_load.Scenario:
    return api_load.Scenario(
        MINIMAL,
        "POST",
        "/api/v1/tickets",
        {},
        CREATE_BODY,
        expect=201,
        users=USERS,
        organizations=ORGANIZATIONS,
    )


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


def with_minimal(measure_one, scenario: api_load.Scenario, minimal: list[Row]) -> Row:
    """Measure a creation scenario between two runs of the minimal app; note their mean."""
    if not minimal:
        minimal.append(measure_one(minimal_scenario()))
    row = measure_one(scenario)
    minimal.append(measure_one(minimal_scenario()))
    row.minimal_rate = (minimal[-2].result.rate + minimal[-1].result.rate) / 2
    return row


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
    if not args.database_url:
        copy_database(instance / "seed.db", instance / "helpdesk.db")
    for suffix in ("", "-wal", "-shm"):
        Path(str(instance / "minimal.db") + suffix).unlink(missing_ok=True)
    server = Server(spec, env, instance / "gunicorn.log")
    minimal_env = {**env, "BENCH_MINIMAL_DATABASE": str(instance / "minimal.db")}
    baseline = Server(spec, minimal_env, instance / "gunicorn-minimal.log", MINIMAL_APP)
    chosen = [
        scenario
        for scenario in scenarios(seeded)
        if not args.only or any(word in scenario.name for word in args.only)
    ]
    rows: list[Row] = []
    try:
        server.wait_ready(seeded.admin_token)
        baseline.wait_ready(seeded.admin_token)
        for concurrency in args.concurrency:
            rows += [
                measure(server, spec.text, s, concurrency, args, client)
                for s in chosen
                if s.method == "GET"
            ]
            creations = [s for s in chosen if s.method == "POST"]
            minimal: list[Row] = []

            def measure_one(scenario, concurrency=concurrency) -> Row:
                target = baseline if scenario.name == MINIMAL else server
                return measure(target, spec.text, scenario, concurrency, args, client)

            for round_number in range(args.rounds if creations else 0):
                # Alternate the order, so neither kind always follows the other.
                ordered = creations if round_number % 2 == 0 else creations[::-1]
                rows += [with_minimal(measure_one, s, minimal) for s in ordered]
            rows += minimal
        return rows
    finally:
        server.stop()
        baseline.stop()


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
    parser.add_argument(
        "--rounds", type=int, default=2, help="creation runs of each kind, between minimal ones"
    )
    parser.add_argument("--raw-seconds", type=float, default=5, help="raw SQLite baseline")
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--database-url", help="an empty PostgreSQL database (postgresql+psycopg://…) to use"
    )
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
            "HELPDESK_DATABASE_URL": args.database_url or f"sqlite:///{instance / 'helpdesk.db'}",
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
        app = create_app()
        if args.database_url:
            from ticketapi.cli import upgrade_database

            with app.app_context():
                upgrade_database()  # the ticket search index is made by its migration
        seeded = seed(app, args.tickets, rng)
        emit(
            f"Seeded in {seeded.seconds:.1f} s ({args.tickets / seeded.seconds:,.0f} tickets/s "
            f"with their message and event, bulk). Queue agent "
            f"{seeded.queue_agent}: {seeded.queue_sizes.get(seeded.queue_agent, 0):,} "
            f"awaiting_agent; restricted agent {seeded.restricted_agent}: "
            f"{seeded.queue_sizes.get(seeded.restricted_agent, 0):,}."
        )
        raw_rate = 0.0
        if args.database_url:
            with app.app_context():
                continue_sequences()
        else:
            database = instance / "helpdesk.db"
            emit(f"  database {database.stat().st_size / 2**20:.0f} MiB")
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


def continue_sequences() -> None:
    """PostgreSQL: the seed wrote ids itself, so each id sequence goes on after the last."""
    from sqlalchemy import text

    from ticketapi.extensions import db

    with db.engine.begin() as connection:
        for table in db.metadata.sorted_tables:
            if "id" in table.c and table.c.id.autoincrement in (True, "auto"):
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)"
                    )
                )


if __name__ == "__main__":
    main()
