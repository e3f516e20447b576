"""What the job outbox costs a transaction that queues a job (issue #11, item 6).

Each scenario runs the same small write transaction (one organization row) many times, in
one process, on one database, against the SQLite job queue, and prints the time per
transaction and its ratio to the bare transaction:

* bare: the transaction, no job;
* direct: the transaction, then the job handed to huey after the commit (what
  enqueue_after_commit did before the outbox: a job was lost when the queue was down);
* outbox: enqueue_after_commit in the transaction: one outbox INSERT in it, then the fast
  path (DELETE of the row and the hand-over to huey, in a second short transaction);
* outbox x3: three jobs in one transaction (still one row);
* outbox, queue down: jobs.db cannot be opened, so the row stays (the relay's work later);
* outbox, no fast path: only the INSERT, the relay queueing everything (the other design).

Blocks of transactions alternate between the scenarios, and each scenario's best block
counts: a shared machine is noisy, and its load drifts less within one short block.
Set HELPDESK_DATABASE_URL to a PostgreSQL database to measure there (tables are created
and dropped). Exits 0 whatever the figures: benches report, tests assert.

    .venv/bin/python bench/outbox.py [--block 200] [--rounds 15]
"""

from __future__ import annotations

import argparse
import logging
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
    from ticketapi.jobs import outbox as outbox_module
    from ticketapi.jobs.models import OutboxEntry
    from ticketapi.jobs.outbox import enqueue_after_commit
    from ticketapi.jobs.queue import close_queue, queue_for
    from ticketapi.people.models import Organization

    folder = Path(tempfile.mkdtemp(prefix="bench-outbox-"))
    url = os.environ.get("HELPDESK_DATABASE_URL") or f"sqlite:///{folder / 'helpdesk.db'}"
    app = create_app(
        {"INSTANCE_DIR": str(folder), "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url}
    )
    jobs_db = folder / "jobs.db"
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

    hand_over = outbox_module.hand_over

    def no_fast_path() -> None:
        outbox_module.hand_over = lambda row: None
        try:
            outbox()
        finally:
            outbox_module.hand_over = hand_over

    scenarios: dict[str, Callable[[], None]] = {
        "bare": bare,
        "direct (no outbox)": direct,
        "outbox": outbox,
        "outbox x3": outbox_three,
        "outbox, queue down": outbox,
        "outbox, no fast path": no_fast_path,
    }
    best = dict.fromkeys(scenarios, float("inf"))
    with app.app_context():
        db.drop_all()
        db.create_all()
        emit(f"Best of {args.rounds} blocks of {args.block} transactions a scenario, on")
        emit(f"{db.engine.url.render_as_string(hide_password=True)}; job queue in {jobs_db}")
        # The queue-down scenario would log a warning at every commit.
        logging.getLogger("ticketapi.jobs.outbox").disabled = True
        for _ in range(args.rounds):
            for name, scenario in scenarios.items():
                down = name.endswith("queue down")
                if down:
                    close_queue(app)
                    shutil.move(jobs_db, folder / "jobs.away")
                    jobs_db.mkdir()
                started = time.perf_counter()
                for _ in range(args.block):
                    scenario()
                elapsed = (time.perf_counter() - started) / args.block
                best[name] = min(best[name], elapsed)
                if down:
                    jobs_db.rmdir()
                    shutil.move(folder / "jobs.away", jobs_db)
                queue_for(app).huey.flush()
                db.session.execute(db.delete(OutboxEntry))
                db.session.commit()
        emit()
        emit(f"{'scenario':<22} {'µs/transaction':>15} {'x bare':>8} {'x direct':>9}")
        for name, seconds in best.items():
            emit(
                f"{name:<22} {seconds * 1e6:>15.0f} {seconds / best['bare']:>8.2f}"
                f" {seconds / best['direct (no outbox)']:>9.2f}"
            )
        close_queue(app)
        db.drop_all()
        db.session.remove()
        db.engine.dispose()
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
