"""The job queue: one huey per app, chosen by configuration, and the jobs declared on it."""

from __future__ import annotations

import importlib
import json
import logging
import re
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from huey import RedisHuey, SqliteHuey
from huey.api import Huey, Task, TaskWrapper
from huey.signals import SIGNAL_ERROR

from ticketapi.core.errors import PermanentError
from ticketapi.jobs.failures import record_failure
from ticketapi.jobs.runs import run_once
from ticketapi.timeutil import utcnow

logger = logging.getLogger(__name__)

# Retries wait 30 s, 1, 2, 4 then 8 minutes: about a quarter of an hour before a job is
# kept as failed. huey only knows a fixed delay; `on_error` doubles it for the next try.
DEFAULT_RETRIES = 5
DEFAULT_RETRY_DELAY = 30.0
BACKOFF_FACTOR = 2

PACKAGE = Path(__file__).resolve().parent.parent
# A job's declaration: `@job(...)` at the start of a line (a module-level function).
DECLARES_A_JOB = re.compile(rb"^@job\b", re.MULTILINE)


def declaring_modules(package: Path = PACKAGE) -> tuple[str, ...]:
    """Every module of the ticketapi whose text declares a job, found by reading the files."""
    found = []
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package.parent).with_suffix("")
        if "migrations" in relative.parts or path == Path(__file__).resolve():
            continue
        if DECLARES_A_JOB.search(path.read_bytes()):
            found.append(".".join(relative.parts))
    return tuple(found)


# Every module that declares jobs, read from the package rather than kept by hand, so none
# is forgotten. Web processes and workers import them all when they build the queue, so a
# worker can run whatever was queued and an admin can retry any failed job.
JOB_MODULES = declaring_modules()


@dataclass(frozen=True)
class Job:
    name: str
    function: Callable[..., Any]
    retries: int
    retry_delay: float
    # A huey crontab: every consumer queues the job on this schedule (it must be idempotent,
    # since several workers each queue it).
    periodic: Callable[[Any], bool] | None = None
    # A second copy of a task that already ran does nothing (see jobs/runs.py): for jobs
    # whose work is not safe to repeat, since the outbox's relay delivers at least once.
    once: bool = False


JOBS: dict[str, Job] = {}


def job(
    name: str | None = None,
    *,
    retries: int = DEFAULT_RETRIES,
    retry_delay: float = DEFAULT_RETRY_DELAY,
    periodic: Callable[[Any], bool] | None = None,
    once: bool = False,
) -> Callable:
    """Declare a background job: it runs in an app context and retries with backoff."""

    def decorator(function: Callable) -> Callable:
        declared = Job(
            name or f"{function.__module__}.{function.__qualname__}",
            function,
            retries,
            retry_delay,
            periodic,
            once,
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
            run = _in_app(self.app, declared)
            options = {"name": name, "retries": declared.retries}
            options["retry_delay"] = declared.retry_delay
            if declared.periodic is None:
                self.tasks[name] = self.huey.task(**options)(run)
            else:
                self.tasks[name] = self.huey.periodic_task(declared.periodic, **options)(run)
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

    def push(self, entry: dict[str, Any]) -> None:
        """Queue one job of an outbox entry, under the task id it was given when asked for."""
        eta = datetime.fromisoformat(entry["eta"]) if entry.get("eta") else None
        task = self.task(entry["name"]).task_class(
            tuple(entry["args"]), entry["kwargs"], id=entry["id"], eta=eta
        )
        self.huey.enqueue(task)

    def close(self) -> None:
        storage = self.huey.storage
        if hasattr(storage, "pool"):
            storage.pool.disconnect()
        else:
            storage.close()


# The id of the task this thread is running, set by huey's pre-execute hook.
_running_task_id: ContextVar[str | None] = ContextVar("running_task_id", default=None)


def _remember_task(task: Task) -> None:
    _running_task_id.set(task.id)


def _in_app(app: Flask, declared: Job) -> Callable:
    function = declared.function

    def run(*args, **kwargs) -> Any:
        with app.app_context():
            if declared.once and (task_id := _running_task_id.get()) is not None:
                return run_once(declared.name, task_id, function, args, kwargs)
            return function(*args, **kwargs)

    run.__module__ = function.__module__
    return run


def import_job_modules() -> dict[str, Job]:
    """Import every module of JOB_MODULES; return all the jobs declared."""
    for module in JOB_MODULES:
        importlib.import_module(module)
    return JOBS


def build_queue(app: Flask) -> JobQueue:
    """SQLite in the instance folder by default; Redis when HELPDESK_REDIS_URL is set."""
    import_job_modules()
    name = app.config.get("JOBS_QUEUE_NAME", "helpdesk")
    if url := app.config.get("REDIS_URL"):
        huey = RedisHuey(name, url=url, results=False)
    else:
        filename = Path(app.config["INSTANCE_DIR"]) / "jobs.db"
        huey = SqliteHuey(name, filename=str(filename), results=False)
    queue = JobQueue(app=app, huey=huey, tasks={})
    huey.signal(SIGNAL_ERROR)(partial(on_error, queue))
    huey.pre_execute("remember_task")(_remember_task)
    return queue


def queue_for(app: Flask) -> JobQueue:
    """The app's queue, built on first use."""
    if app.extensions.get("jobs") is None:
        app.extensions["jobs"] = build_queue(app)
    return app.extensions["jobs"]


def close_queue(app: Flask) -> None:
    if (queue := app.extensions.pop("jobs", None)) is not None:
        queue.close()


def job_name(target: str | Callable) -> str:
    return target if isinstance(target, str) else target.job_name


def enqueue(target: str | Callable, *args, delay: float | None = None, **kwargs) -> str:
    """Queue a declared job (by function or name) for a worker now; return the task id."""
    return queue_for(current_app._get_current_object()).enqueue(
        job_name(target), args, kwargs, delay
    )


def on_error(queue: JobQueue, _signal: str, task, exc: Exception) -> None:
    """Grow the delay before the next try; after the last one, keep the job as failed."""
    declared = JOBS.get(task.name)
    if declared is None:
        return
    now = utcnow()
    attempt = declared.retries - task.retries + 1  # huey counts retries down after this
    if isinstance(exc, PermanentError):
        task.retries = 0  # huey requeues a task only while it has retries left
    first_failure_key = f"first-failure:{task.id}"
    queue.huey.put_if_empty(first_failure_key, now)
    if task.retries:
        task.retry_delay = declared.retry_delay * BACKOFF_FACTOR ** (attempt - 1)
        return
    first_failed_at = queue.huey.get(first_failure_key) or now
    with queue.app.app_context():
        record_failure(
            task_name=declared.name,
            args=list(task.args),
            kwargs=dict(task.kwargs),
            error=exc,
            attempts=attempt,
            first_failed_at=first_failed_at,
            now=now,
        )
