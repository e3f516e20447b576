"""`bench/api.py`'s targets, one measured scenario (Row) and the table it prints."""

from __future__ import annotations

import os
from dataclasses import dataclass

from bench import api_load
from bench.api_seed import emit

QUEUE_P95_TARGET_MS = 50.0
CREATE_RATE_TARGET = 500.0
MINIMAL_SHARE_TARGET = 0.55
MINIMAL_APP = "bench.api_minimal:create_app()"
MINIMAL = "create (minimal Flask app)"


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

    # The mean rate of the minimal app's runs just before and after this one (creation).
    minimal_rate: float | None = None

    @property
    def is_queue(self) -> bool:
        return self.scenario.method == "GET"

    @property
    def is_minimal(self) -> bool:
        return self.scenario.name == MINIMAL

    @property
    def share(self) -> float | None:
        if self.minimal_rate:
            return self.result.rate / self.minimal_rate
        return None

    @property
    def target(self) -> str:
        if self.is_queue:
            return f"p95 <= {QUEUE_P95_TARGET_MS:.0f} ms"
        if self.is_minimal:
            return "baseline"
        return f">= {CREATE_RATE_TARGET:.0f}/s and >= {MINIMAL_SHARE_TARGET}x minimal"

    @property
    def passed(self) -> bool:
        if self.result.errors:
            return False
        if self.is_queue:
            return self.result.p95_ms <= QUEUE_P95_TARGET_MS
        if self.is_minimal:
            return True
        share_met = self.share is None or self.share >= MINIMAL_SHARE_TARGET
        return self.result.rate >= CREATE_RATE_TARGET and share_met


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
    emit(
        "The minimal Flask + Flask-SQLAlchemy app (one row per POST), same server settings, "
        "same client, its runs flanking each creation run:"
    )
    for row in rows:
        if row.share is not None:
            emit(
                f"  {row.server} c={row.concurrency} {row.scenario.name}: "
                f"{row.result.rate:,.0f}/s against {row.minimal_rate:,.0f}/s = "
                f"{row.share:.2f}x the minimal app (target >= {MINIMAL_SHARE_TARGET}x)"
            )
    for name in dict.fromkeys(r.scenario.name for r in rows if r.share is not None):
        mine = [r for r in rows if r.scenario.name == name]
        emit(
            f"  {name}: best {max(r.result.rate for r in mine):,.0f}/s; shares "
            + ", ".join(f"{r.share:.2f}x" for r in mine)
            + f", mean {sum(r.share for r in mine) / len(mine):.2f}x"
        )
    emit()
    if raw_rate:
        emit(
            f"Raw SQLite inserts (ticket + message + event, a transaction each): {raw_rate:,.0f}/s"
        )
    for row in rows:
        if not row.is_queue and raw_rate:
            emit(
                f"  {row.server} c={row.concurrency} {row.scenario.name}: "
                f"{row.result.rate:,.0f}/s = {row.result.rate / raw_rate:.3f}x raw SQLite"
            )
    emit()
    cores = os.cpu_count() or 1
    for name in dict.fromkeys(row.scenario.name for row in rows):
        if name == MINIMAL:
            continue
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
