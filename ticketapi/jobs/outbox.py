"""The transactional outbox: the jobs a transaction asks for are written with it, then relayed.

`enqueue_after_commit` keeps the jobs asked for with the transaction (or savepoint) open at
the time; when the outermost transaction commits, they are written as one `job_outbox` row
in that same transaction, so a commit keeps them and a rollback drops them, whether or not
the queue can be reached. Right after the commit the process that committed hands the row
to the queue and deletes it (the fast path); what it could not hand over (the queue was
down, the process died) the workers' relay does within seconds (`relay_pending`).

A relay deletes the rows it handed over in the transaction that locked them: several relays
never hand over one row twice (PostgreSQL: SKIP LOCKED; SQLite: one writer at a time). One
that dies after handing a job over but before its commit hands it over again: at least
once, under the same task id, which `once=True` jobs use to run once (jobs/runs.py).
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app
from sqlalchemy import delete, event, insert, select
from sqlalchemy.orm import Session, SessionTransaction

from ticketapi.extensions import db
from ticketapi.jobs.models import FailedJob, OutboxEntry
from ticketapi.jobs.queue import JOBS, JobQueue, import_job_modules, job_name, queue_for
from ticketapi.timeutil import utcnow

logger = logging.getLogger(__name__)

OUTBOX = OutboxEntry.__table__
# In `Session.info`: the jobs waiting for the commit, and the row the commit wrote.
PENDING = "jobs.outbox.pending"
WRITTEN = "jobs.outbox.written"


@dataclass(frozen=True)
class PendingJob:
    app: Flask
    name: str
    args: tuple
    kwargs: dict
    delay: float | None
    # The innermost transaction (or savepoint) open when the job was asked for.
    transaction: SessionTransaction


@dataclass(frozen=True)
class WrittenRow:
    app: Flask
    id: int
    jobs: list[dict[str, Any]]


def enqueue_after_commit(
    target: str | Callable, *args, delay: float | None = None, **kwargs
) -> None:
    """Queue a job once `db.session` commits (the delay counts from then); never on rollback.

    Outside a transaction the job is written to the outbox in a transaction of its own and
    queued at once. Returns None: the task does not exist before the commit.
    """
    name = job_name(target)
    if name not in JOBS and name not in import_job_modules():
        raise KeyError(f"No job called {name!r} is declared.")
    json.dumps([args, kwargs])  # fail here, in the caller, rather than at the commit
    app = current_app._get_current_object()
    session = db.session()
    if not session.in_transaction():
        jobs = [_entry(name, args, kwargs, delay, utcnow())]
        with db.engine.begin() as connection:
            row_id = connection.execute(
                insert(OUTBOX).values(jobs=jobs, created_at=utcnow())
            ).inserted_primary_key[0]
        hand_over(WrittenRow(app, row_id, jobs))
        return None
    transaction = session.get_nested_transaction() or session.get_transaction()
    pending = PendingJob(app, name, args, kwargs, delay, transaction)
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
    # One row for the whole transaction: one INSERT, whatever the number of jobs.
    result = session.execute(insert(OUTBOX).values(jobs=jobs, created_at=now))
    session.info[WRITTEN] = WrittenRow(pending[-1].app, result.inserted_primary_key[0], jobs)


@event.listens_for(db.session, "after_commit")
def _hand_over_committed(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return
    if (written := session.info.pop(WRITTEN, None)) is not None:
        hand_over(written)


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
        session.info.pop(WRITTEN, None)


def _inside(transaction: SessionTransaction | None, outer: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is outer:
            return True
        transaction = transaction.parent
    return False


def hand_over(row: WrittenRow) -> None:
    """The fast path: queue a just-committed row's jobs and delete it, or leave it for a relay.

    The DELETE comes first and its transaction commits only once the jobs are queued: a
    relay that took the row meanwhile leaves nothing to delete (and nothing is queued
    twice), and a queue that cannot be reached rolls the DELETE back.
    """
    try:
        queue = queue_for(row.app)
        with db.engine.begin() as connection:
            if connection.execute(delete(OUTBOX).where(OUTBOX.c.id == row.id)).rowcount:
                for job in row.jobs:
                    queue.push(job)
    except Exception as exc:
        # The change is committed and its jobs with it: a 500 would tell the client it failed.
        names = ", ".join(job["name"] for job in row.jobs)
        logger.warning(
            "Could not queue %s now (%s: %s); the worker's relay queues it from the outbox",
            names,
            type(exc).__name__,
            exc,
        )


def relay_pending(queue: JobQueue, *, batch: int = 100) -> int:
    """Queue every job waiting in the outbox and delete its row; return how many jobs.

    Raises what the queue raises when it cannot be reached; the rows handed over before
    that are deleted, the others wait for the next pass.
    """
    relayed = 0
    while True:
        rows = db.session.execute(
            select(OutboxEntry.id, OutboxEntry.jobs)
            .order_by(OutboxEntry.id)
            .limit(batch)
            .with_for_update(skip_locked=True)  # PostgreSQL; SQLite has one writer at a time
        ).all()
        done: list[int] = []
        try:
            for row in rows:
                relayed += sum(_push_or_keep(queue, job) for job in row.jobs)
                done.append(row.id)
        finally:
            if done:
                db.session.execute(delete(OUTBOX).where(OUTBOX.c.id.in_(done)))
            db.session.commit()
        if len(rows) < batch:
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
            error=f"No job called {job['name']!r} is declared (is its module in JOB_MODULES?).",
            attempts=0,
            first_failed_at=now,
            last_failed_at=now,
        )
    )
    return False
