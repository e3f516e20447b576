"""Jobs that kept failing after their retries, kept for an admin to look at and retry."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ticketapi.extensions import db


class FailedJob(db.Model):
    __tablename__ = "failed_jobs"
    __table_args__ = (Index("ix_failed_jobs_last_failed_at", "last_failed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_name: Mapped[str] = mapped_column(String(200))
    # {"args": [...], "kwargs": {...}}: what a retry sends again.
    arguments: Mapped[dict[str, Any]] = mapped_column(JSON)
    error: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int]
    first_failed_at: Mapped[datetime]
    last_failed_at: Mapped[datetime]
    retried_at: Mapped[datetime | None]


class OutboxEntry(db.Model):
    """The jobs one committed transaction asked for, kept until a relay hands them to the queue.

    Written in the transaction it belongs to: a rollback takes its jobs with it, a commit
    keeps them even when the queue cannot be reached; the workers' relay queues and deletes
    it (see jobs/outbox.py).
    """

    __tablename__ = "job_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    # [{"id": task id, "name": job, "args": [...], "kwargs": {...}, "eta": ISO time or null}]
    jobs: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[datetime]


class JobRun(db.Model):
    """A run of a job declared `once=True`: a second copy of the same task does nothing."""

    __tablename__ = "job_runs"
    __table_args__ = (Index("ix_job_runs_ran_at", "ran_at"),)

    task_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    task_name: Mapped[str] = mapped_column(String(200))
    ran_at: Mapped[datetime]
