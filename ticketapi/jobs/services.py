"""Failed jobs: list them, send one again (jobs/failures.py records them)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, select

from ticketapi import permissions
from ticketapi.core.access import require
from ticketapi.errors import Conflict, NotFound
from ticketapi.extensions import db
from ticketapi.jobs.models import FailedJob
from ticketapi.jobs.outbox import enqueue_after_commit
from ticketapi.jobs.queue import import_job_modules
from ticketapi.permissions import Actor

ADMINS_ONLY = "Only admins see and retry failed jobs."


def failed_jobs_query(actor: Actor) -> Select:
    require(permissions.can_manage_jobs, actor, None, ADMINS_ONLY)
    return select(FailedJob).order_by(FailedJob.last_failed_at.desc(), FailedJob.id.desc())


def retry_failed_job(actor: Actor, failed_job_id: int, *, now: datetime) -> FailedJob:
    """Queue a failed job again with its arguments once the retry commits; retries start afresh."""
    require(permissions.can_manage_jobs, actor, None, ADMINS_ONLY)
    # The row lock makes two admins' retries at once queue the job once (PostgreSQL).
    failed = db.session.get(FailedJob, failed_job_id, with_for_update=True, populate_existing=True)
    if failed is None:
        raise NotFound("There is no such failed job.")
    if failed.retried_at is not None:
        raise Conflict("That job was already sent again; a new failure is listed anew.")
    if failed.task_name not in import_job_modules():
        raise Conflict(f"No job called {failed.task_name!r} exists any more.")
    failed.retried_at = now
    enqueue_after_commit(failed.task_name, *failed.arguments["args"], **failed.arguments["kwargs"])
    return failed
