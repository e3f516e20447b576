"""Jobs declared `once=True`: a second copy of a task that already ran does nothing.

The outbox's relay delivers at least once: a relay that dies between handing a job to the
queue and deleting its outbox row hands it over again, under the same task id. A job whose
work is not safe to repeat records that id in `job_runs`, in the transaction of its work.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete

from ticketapi.core.transactions import commit
from ticketapi.extensions import db
from ticketapi.jobs.models import JobRun
from ticketapi.timeutil import utcnow

logger = logging.getLogger(__name__)

# Longer than a second copy can trail the first: the relay hands it over within seconds,
# and a queue backed up for a week is a problem of its own.
KEEP_RUNS = timedelta(days=7)


def run_once(name: str, task_id: str, function: Callable, args: tuple, kwargs: dict) -> Any:
    """Run the job unless a run of this task id was recorded; record this one with its work."""
    already = db.session.get(JobRun, task_id) is not None
    db.session.rollback()  # short: the job's work starts a transaction of its own
    if already:
        logger.info("Job %s (task %s) already ran: this copy does nothing", name, task_id)
        return None
    # Added now and flushed with the job's own work, so both commit together (or neither).
    # A copy running at the same moment fails on the primary key, and its retry sees this row.
    db.session.add(JobRun(task_id=task_id, task_name=name, ran_at=utcnow()))
    result = function(*args, **kwargs)
    commit()
    return result


def prune_runs(*, now: datetime) -> int:
    """Forget runs older than KEEP_RUNS; return how many."""
    result = db.session.execute(delete(JobRun).where(JobRun.ran_at < now - KEEP_RUNS))
    commit()
    return result.rowcount
