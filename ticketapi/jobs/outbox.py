"""The transactional outbox: the jobs a transaction asks for are written with it, then relayed.

`enqueue_after_commit` keeps the jobs asked for with the transaction (or savepoint) open at
the time; when the outermost transaction commits, they are written as one `job_outbox` row
in that same transaction, so a commit keeps them and a rollback drops them, whether or not
the queue can be reached. Web processes never talk to the queue: the workers' relay
(`relay_pending`, every second) hands the rows to huey and deletes them.

Several relays never hand over one row twice: on PostgreSQL each locks the rows it takes
(SKIP LOCKED) until it has deleted them; on SQLite one relay at a time holds a file lock,
so that the database's write lock is not held while the queue is slow. A relay that dies
after handing a job over but before deleting its row hands it over again: at least once,
under the same task id, which `once=True` jobs use to run once (jobs/runs.py).
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, event, insert, select
from sqlalchemy.orm import Session, SessionTransaction

from ticketapi.core.file_locks import held_or_skipped
from ticketapi.core.transactions import commit
from ticketapi.extensions import db
from ticketapi.jobs.models import FailedJob, OutboxEntry
from ticketapi.jobs.queue import JOBS, JobQueue, import_job_modules, job_name
from ticketapi.timeutil import utcnow

logger = logging.getLogger(__name__)

OUTBOX = OutboxEntry.__table__
# In `Session.info`: the jobs waiting for the commit.
PENDING = "jobs.outbox.pending"


@dataclass(frozen=True)
class PendingJob:
    name: str
    args: tuple
    kwargs: dict
    delay: float | None
    # The innermost transaction (or savepoint) open when the job was asked for.
    transaction: SessionTransaction


def enqueue_after_commit(
    target: str | Callable, *args, delay: float | None = None, **kwargs
) -> None:
    """Queue a job once `db.session` commits (the delay counts from then); never on rollback.

    Outside a transaction the job is written to the outbox at once, in a transaction of its
    own. Returns None: the task does not exist before the relay queues it.
    """
    name = job_name(target)
    if name not in JOBS and name not in import_job_modules():
        raise KeyError(f"No job called {name!r} is declared.")
    json.dumps([args, kwargs])  # fail here, in the caller, rather than at the commit
    session = db.session()
    if not session.in_transaction():
        now = utcnow()
        with db.engine.begin() as connection:
            connection.execute(
                insert(OUTBOX).values(jobs=[_entry(name, args, kwargs, delay, now)], created_at=now)
            )
        return None
    transaction = session.get_nested_transaction() or session.get_transaction()
    pending = PendingJob(name, args, kwargs, delay, transaction)
    session.info.setdefault(PENDING, []).append(pending)
    return None


def _entry(name: str, args: tuple, kwargs: dict, delay: float | None, now: datetime) -> dict:
    # The task id is chosen here, once: a job handed over twice is recognisably the same.
    eta = (now + timedelta(seconds=delay)).isoformat() if delay else None
    return {"id": uuid.uuid4().hex, "name": name, "args": list(args), "kwargs": kwargs, "eta": eta}


@event.listens_for(db.session, "before_commit")
def _write_outbox(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return  # a savepoint is released: its jobs wait for the outer commit
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    now = utcnow()
    jobs = [_entry(job.name, job.args, job.kwargs, job.delay, now) for job in pending]
    # One row for the whole transaction: one INSERT, whatever the number of jobs; straight
    # on the connection, since the ORM's bookkeeping would cost more than the INSERT.
    session.connection().execute(insert(OUTBOX).values(jobs=jobs, created_at=now))


@event.listens_for(db.session, "after_soft_rollback")
def _drop_rolled_back(session: Session, rolled_back: SessionTransaction) -> None:
    if pending := session.info.get(PENDING):
        session.info[PENDING] = [
            job for job in pending if not _inside(job.transaction, rolled_back)
        ]


@event.listens_for(db.session, "after_transaction_end")
def _forget_uncommitted(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        # The outermost transaction ended: whatever is still waiting was never committed
        # (a rollback, a session closed without a commit, a commit that failed).
        session.info.pop(PENDING, None)


def _inside(transaction: SessionTransaction | None, outer: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is outer:
            return True
        transaction = transaction.parent
    return False


def relay_pending(queue: JobQueue, *, batch: int = 100) -> int:
    """Queue every job waiting in the outbox and delete its row; return how many jobs.

    Raises what the queue raises when it cannot be reached; the rows handed over before
    that are deleted, the others wait for the next pass.
    """
    if db.engine.dialect.name != "sqlite":
        return _relay_locking_rows(queue, batch)
    with held_or_skipped(Path(queue.app.config["INSTANCE_DIR"]) / "outbox-relay.lock") as alone:
        return _relay_alone(queue, batch) if alone else 0


def _relay_locking_rows(queue: JobQueue, batch: int) -> int:
    relayed = 0
    while True:
        # Another relay's rows are skipped, not waited for; ours stay locked until deleted.
        rows = db.session.execute(
            select(OutboxEntry.id, OutboxEntry.jobs)
            .order_by(OutboxEntry.id)
            .limit(batch)
            .with_for_update(skip_locked=True)
        ).all()
        relayed += _hand_over(queue, rows)
        if len(rows) < batch:
            return relayed


def _relay_alone(queue: JobQueue, batch: int) -> int:
    relayed = 0
    while True:
        rows = db.session.execute(
            select(OutboxEntry.id, OutboxEntry.jobs).order_by(OutboxEntry.id).limit(batch)
        ).all()
        commit()  # SQLite's write lock is not held while the queue is slow
        relayed += _hand_over(queue, rows)
        if len(rows) < batch:
            return relayed


def _hand_over(queue: JobQueue, rows) -> int:
    """Queue the rows' jobs in order; delete the rows handed over, even when one fails."""
    relayed = 0
    done: list[int] = []
    try:
        for row in rows:
            relayed += sum(_push_or_keep(queue, job) for job in row.jobs)
            done.append(row.id)
    finally:
        if done:
            db.session.execute(delete(OUTBOX).where(OUTBOX.c.id.in_(done)))
        commit()
    return relayed


def _push_or_keep(queue: JobQueue, job: dict[str, Any]) -> bool:
    if job["name"] in JOBS:
        queue.push(job)
        return True
    # Its module is gone (a downgrade, a plugin removed): kept for an admin, not retried
    # every few seconds, and no reason to hold up the rows behind it.
    logger.error("Outbox job %s is declared by no module: kept as a failed job", job["name"])
    now = utcnow()
    db.session.add(
        FailedJob(
            task_name=job["name"],
            arguments={"args": job["args"], "kwargs": job["kwargs"]},
            error=f"No job called {job['name']!r} is declared (was its module removed?).",
            attempts=0,
            first_failed_at=now,
            last_failed_at=now,
        )
    )
    return False
