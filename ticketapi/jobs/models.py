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
