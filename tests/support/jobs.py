"""The test app's job queue, emptied around each test, and ways to run it here.

Registered as a plugin (tests/conftest.py), so the `queue` and `throwaway_redis` fixtures
reach every ticketapi test without being imported.
"""

from __future__ import annotations

import socket
import subprocess
import time
from datetime import timedelta

import pytest

from tests.support.processes import free_port
from ticketapi.extensions import db
from ticketapi.jobs.models import OutboxEntry
from ticketapi.jobs.outbox import relay_pending
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


def relay(queue: JobQueue) -> int:
    """Queue what the committed transactions wrote to the outbox, as a worker's relay would."""
    db.session.commit()  # the test holds no write lock while the relay writes
    return relay_pending(queue)


def drain(queue: JobQueue) -> int:
    """Relay the outbox and run every queued job here, as a worker would; return how many ran."""
    queue.register_all()
    ran = 0
    while True:
        relay(queue)  # the jobs' own jobs (a notification's mail) too
        if (task := queue.huey.dequeue()) is None:
            return ran
        queue.huey.execute(task)
        ran += 1


def drain_with_retries(queue: JobQueue) -> int:
    """Run queued jobs and every retry they schedule at once, as if the waits had passed."""
    ran = drain(queue)
    while due := queue.huey.read_schedule(utcnow() + timedelta(days=1)):
        for task in due:
            queue.huey.execute(task, timestamp=task.eta)
        ran += len(due) + drain(queue)
    return ran


def outbox_rows() -> int:
    """How many committed transactions have jobs waiting in the outbox."""
    return db.session.scalar(db.select(db.func.count()).select_from(OutboxEntry))


class ThrowawayRedis:
    """A redis-server of the test's own on a free loopback port, to stop and start at will.

    Never the shared server: stopping that one would pull Redis from under other suites.
    """

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *("redis-server", "--bind", "127.0.0.1", "--port", str(self.port)),
                *("--save", "", "--appendonly", "no"),
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not listen on port {self.port}")

    def kill(self) -> None:
        """Gone at once, as in a crash: nothing listens on the port any more."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def throwaway_redis():
    redis = ThrowawayRedis()
    redis.start()
    yield redis
    redis.kill()
