"""A job that failed its last try, kept for admins to read and send again."""

from __future__ import annotations

import traceback
from datetime import datetime

from ticketapi.core.transactions import commit
from ticketapi.extensions import db
from ticketapi.jobs.models import FailedJob

ERROR_MAX = 20_000


def record_failure(
    *,
    task_name: str,
    args: list,
    kwargs: dict,
    error: BaseException,
    attempts: int,
    first_failed_at: datetime,
    now: datetime,
) -> FailedJob:
    """Keep a job that failed its last try (committed: the worker has no request)."""
    text = "".join(traceback.format_exception(error))
    failed = FailedJob(
        task_name=task_name,
        arguments={"args": args, "kwargs": kwargs},
        error=text[-ERROR_MAX:],
        attempts=attempts,
        first_failed_at=first_failed_at,
        last_failed_at=now,
    )
    db.session.add(failed)
    return commit(failed)
