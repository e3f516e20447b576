"""Fixtures for jobs: the test app's queue, emptied around each test, and a way to run it."""

from __future__ import annotations

import pytest

from ticketapi.extensions import db
from ticketapi.jobs.queue import JobQueue, close_queue, queue_for


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
