"""The job queue: one huey per app, chosen by configuration, and the jobs declared on it."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from huey import RedisHuey, SqliteHuey
from huey.api import Huey, TaskWrapper
from huey.signals import SIGNAL_ERROR

from ticketapi.timeutil import utcnow

# Retries wait 30 s, 1, 2, 4 then 8 minutes: about a quarter of an hour before a job is
# kept as failed. huey only knows a fixed delay; `on_error` doubles it for the next try.
DEFAULT_RETRIES = 5
DEFAULT_RETRY_DELAY = 30.0
BACKOFF_FACTOR = 2


@dataclass(frozen=True)
class Job:
    name: str
    function: Callable[..., Any]
    retries: int
    retry_delay: float


JOBS: dict[str, Job] = {}


def job(
    name: str | None = None,
    *,
    retries: int = DEFAULT_RETRIES,
    retry_delay: float = DEFAULT_RETRY_DELAY,
) -> Callable:
    """Declare a background job: it runs in an app context and retries with backoff."""

    def decorator(function: Callable) -> Callable:
        declared = Job(
            name or f"{function.__module__}.{function.__qualname__}", function, retries, retry_delay
        )
        JOBS[declared.name] = declared
        function.job_name = declared.name
        return function

    return decorator


@dataclass
class JobQueue:
    """The app's huey, with a huey task for each declared job."""

    app: Flask
    huey: Huey
    tasks: dict[str, TaskWrapper]

    def task(self, name: str) -> TaskWrapper:
        if name not in self.tasks:
            declared = JOBS[name]  # KeyError: no module declared it
            run = _in_app(self.app, declared.function)
            self.tasks[name] = self.huey.task(
                name=name, retries=declared.retries, retry_delay=declared.retry_delay
            )(run)
        return self.tasks[name]

    def register_all(self) -> None:
        """Give huey every declared job, so a consumer can run what it dequeues."""
        for name in list(JOBS):
            self.task(name)

    def enqueue(self, name: str, args: tuple, kwargs: dict, delay: float | None = None) -> str:
        # Arguments must survive a round trip through JSON: a failed job keeps them so.
        json.dumps([args, kwargs])
        # huey keeps times as naive UTC (its default `utc=True`), as the database does.
        eta = utcnow() + timedelta(seconds=delay) if delay else None
        task = self.task(name).task_class(args, kwargs, eta=eta)
        self.huey.enqueue(task)
        return task.id

    def close(self) -> None:
        storage = self.huey.storage
        if hasattr(storage, "pool"):
            storage.pool.disconnect()
        else:
            storage.close()


def _in_app(app: Flask, function: Callable) -> Callable:
    def run(*args, **kwargs) -> Any:
        with app.app_context():
            return function(*args, **kwargs)

    run.__module__ = function.__module__
    return run


def build_queue(app: Flask) -> JobQueue:
    """SQLite in the instance folder by default; Redis when HELPDESK_REDIS_URL is set."""
    name = app.config.get("JOBS_QUEUE_NAME", "helpdesk")
    if url := app.config.get("REDIS_URL"):
        huey = RedisHuey(name, url=url, results=False)
    else:
        filename = Path(app.config["INSTANCE_DIR"]) / "jobs.db"
        huey = SqliteHuey(name, filename=str(filename), results=False)
    queue = JobQueue(app=app, huey=huey, tasks={})
    huey.signal(SIGNAL_ERROR)(partial(on_error, queue))
    return queue


def queue_for(app: Flask) -> JobQueue:
    """The app's queue, built on first use."""
    if app.extensions.get("jobs") is None:
        app.extensions["jobs"] = build_queue(app)
    return app.extensions["jobs"]


def close_queue(app: Flask) -> None:
    if (queue := app.extensions.pop("jobs", None)) is not None:
        queue.close()


def enqueue(target: str | Callable, *args, delay: float | None = None, **kwargs) -> str:
    """Queue a declared job (by function or name) for a worker; return the task id."""
    name = target if isinstance(target, str) else target.job_name
    return queue_for(current_app._get_current_object()).enqueue(name, args, kwargs, delay)


def on_error(queue: JobQueue, _signal: str, task, exc: Exception) -> None:
    """Grow the delay before the next try; after the last one, keep the job as failed."""
    from ticketapi.jobs import services
    from ticketapi.timeutil import utcnow

    declared = JOBS.get(task.name)
    if declared is None:
        return
    now = utcnow()
    attempt = declared.retries - task.retries + 1  # huey counts retries down after this
    first_failure_key = f"first-failure:{task.id}"
    queue.huey.put_if_empty(first_failure_key, now)
    if task.retries:
        task.retry_delay = declared.retry_delay * BACKOFF_FACTOR ** (attempt - 1)
        return
    first_failed_at = queue.huey.get(first_failure_key) or now
    with queue.app.app_context():
        services.record_failure(
            task_name=declared.name,
            args=list(task.args),
            kwargs=dict(task.kwargs),
            error=exc,
            attempts=attempt,
            first_failed_at=first_failed_at,
            now=now,
        )
