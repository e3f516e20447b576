"""Fixtures for jobs: the test app's queue, emptied around each test, and a way to run it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ticketapi.extensions import db
from ticketapi.jobs.queue import JobQueue, close_queue, queue_for
from ticketapi.timeutil import utcnow


@pytest.fixture
def queue(app) -> JobQueue:
    import tests.ticketapi.jobs.sample_jobs  # noqa: F401  (declares the jobs)

    jobs = queue_for(app)
    jobs.huey.flush()
    yield jobs
    jobs.huey.flush()
    close_queue(app)


def drain(queue: JobQueue) -> int:
    """Run every queued job here, as a consumer would; return how many ran."""
    db.session.commit()  # the test holds no write lock while the jobs write
    queue.register_all()
    ran = 0
    while (task := queue.huey.dequeue()) is not None:
        queue.huey.execute(task)
        ran += 1
    return ran


def drain_with_retries(queue: JobQueue) -> int:
    """Run queued jobs and every retry they schedule at once, as if the waits had passed."""
    ran = drain(queue)
    while due := queue.huey.read_schedule(utcnow() + timedelta(days=1)):
        for task in due:
            queue.huey.execute(task, timestamp=task.eta)
        ran += len(due) + drain(queue)
    return ran
