"""What the job outbox costs a transaction that queues a job, and what relaying costs.

Each scenario runs the same small write transaction (one organization row), in one
process, on one database, against the SQLite job queue, and prints the time per
transaction and its ratio to the bare transaction and to the direct hand-over:

* bare: the transaction, no job;
* direct (before the outbox): the transaction, then the job handed to huey after the
  commit; a job was lost when the queue could not be reached;
* outbox: enqueue_after_commit in the transaction: one outbox INSERT in it, nothing else
  in the request (a worker's relay queues it);
* outbox x3: three jobs in one transaction (still one row, one INSERT);
* fast path (not kept): the outbox INSERT, then right after the commit a second short
  transaction that deletes the row once the job is handed to huey, the design first tried;
* relay: what the worker's relay spends per job it queues (rows of one job each).

Blocks of transactions alternate between the scenarios, and each scenario's best block
counts: a shared machine is noisy, and its load drifts less within one short block.
Set HELPDESK_DATABASE_URL to a PostgreSQL database to measure there (its tables are
dropped and made again). Exits 0 whatever the figures: benches report, tests assert.

    .venv/bin/python bench/outbox.py [--block 200] [--rounds 15]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ticketapi.jobs.queue import job


@job("bench.noop", retries=0)
def noop(number: int) -> None:
    """Never run: the bench measures the queueing only."""


def emit(text: str = "") -> None:
    print(text, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--block", type=int, default=200, help="transactions a block")
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()

    from ticketapi import create_app
    from ticketapi.extensions import db
    from ticketapi.jobs.models import OutboxEntry
    from ticketapi.jobs.outbox import OUTBOX, enqueue_after_commit, relay_pending
    from ticketapi.jobs.queue import close_queue, queue_for
    from ticketapi.people.models import Organization

    folder = Path(tempfile.mkdtemp(prefix="bench-outbox-"))
    url = os.environ.get("HELPDESK_DATABASE_URL") or f"sqlite:///{folder / 'helpdesk.db'}"
    app = create_app(
        {"INSTANCE_DIR": str(folder), "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url}
    )
    counter = iter(range(10**9))

    def write() -> None:
        db.session.add(Organization(name=f"Org {next(counter)}"))

    def bare() -> None:
        write()
        db.session.commit()

    def direct() -> None:
        write()
        db.session.commit()
        queue_for(app).enqueue(noop.job_name, (1,), {})

    def outbox() -> None:
        write()
        enqueue_after_commit(noop, 1)
        db.session.commit()

    def outbox_three() -> None:
        write()
        for number in range(3):
            enqueue_after_commit(noop, number)
        db.session.commit()

    def fast_path() -> None:
        outbox()
        # What the committing process did next in the design first tried.
        with db.engine.begin() as connection:
            row = connection.execute(
                db.select(OUTBOX.c.id, OUTBOX.c.jobs).order_by(OUTBOX.c.id.desc()).limit(1)
            ).one()
            connection.execute(db.delete(OUTBOX).where(OUTBOX.c.id == row.id))
            queue_for(app).push(row.jobs[0])

    def relay() -> None:
        # Measured per job, over a block's worth of rows written beforehand.
        relay_pending(queue_for(app))

    scenarios: dict[str, Callable[[], None]] = {
        "bare": bare,
        "direct (before)": direct,
        "outbox": outbox,
        "outbox x3": outbox_three,
        "fast path (not kept)": fast_path,
        "relay, per job": relay,
    }
    best = dict.fromkeys(scenarios, float("inf"))
    with app.app_context():
        db.drop_all()
        db.create_all()
        emit(f"Best of {args.rounds} blocks of {args.block} transactions a scenario, on")
        emit(f"{db.engine.url.render_as_string(hide_password=True)}; job queue in {folder}")
        for _ in range(args.rounds):
            for name, scenario in scenarios.items():
                if scenario is relay:
                    for _ in range(args.block):
                        outbox()
                    started = time.perf_counter()
                    relay()
                else:
                    started = time.perf_counter()
                    for _ in range(args.block):
                        scenario()
                elapsed = (time.perf_counter() - started) / args.block
                best[name] = min(best[name], elapsed)
                queue_for(app).huey.flush()
                db.session.execute(db.delete(OutboxEntry))
                db.session.commit()
        emit()
        emit(f"{'scenario':<22} {'µs each':>9} {'x bare':>8} {'x direct':>9}")
        for name, seconds in best.items():
            emit(
                f"{name:<22} {seconds * 1e6:>9.0f} {seconds / best['bare']:>8.2f}"
                f" {seconds / best['direct (before)']:>9.2f}"
            )
        close_queue(app)
        db.drop_all()
        db.session.remove()
        db.engine.dispose()
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
