"""`helpdesk worker` runs queued jobs, and a job survives the worker's restart, run once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_devserver import wait_for
from ticketapi import create_app
from ticketapi.jobs.queue import close_queue, queue_for

HELPDESK = Path(sys.executable).parent / "helpdesk"
REPOSITORY = Path(__file__).parents[3]
REDIS_URL = os.environ.get("HELPDESK_TEST_REDIS_URL")


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    env = {
        **os.environ,
        "HELPDESK_INSTANCE_DIR": str(tmp_path / "instance"),
        "HELPDESK_SECRET_KEY": "test",
        "PYTHONPATH": str(REPOSITORY),  # the worker imports the test jobs
    }
    for name in ("HELPDESK_DATABASE_URL", "HELPDESK_REDIS_URL"):
        env.pop(name, None)
    return env


def enqueue(env, *jobs: tuple[str, tuple, float | None]) -> None:
    """Queue jobs from a process of our own, as the web server would."""
    import tests.ticketapi.jobs.sample_jobs  # noqa: F401  (declares the jobs)

    app = create_app(
        {
            "INSTANCE_DIR": env["HELPDESK_INSTANCE_DIR"],
            "SECRET_KEY": "test",
            "REDIS_URL": env.get("HELPDESK_REDIS_URL"),
        }
    )
    try:
        for name, args, delay in jobs:
            queue_for(app).enqueue(name, args, {}, delay)
    finally:
        close_queue(app)


def start_worker(env) -> subprocess.Popen:
    return subprocess.Popen(
        [str(HELPDESK), "worker", "--import", "tests.ticketapi.jobs.sample_jobs"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def stop(worker: subprocess.Popen, sig: int = signal.SIGTERM) -> str:
    os.killpg(worker.pid, sig)
    output, _ = worker.communicate(timeout=30)
    return output


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def test_a_job_survives_a_worker_restart_and_runs_once(env, tmp_path):
    log = tmp_path / "log"
    queued_at = time.monotonic()
    # Queued with no worker running: one job due now, one the first worker cannot reach.
    enqueue(
        env,
        ("tests.write_line", (str(log), "now"), None),
        ("tests.write_line", (str(log), "later"), 6),
    )
    first = start_worker(env)
    try:
        assert wait_for(lambda: lines(log) == ["now"]), "the first worker ran nothing"
    finally:
        stop(first, signal.SIGKILL)  # a crash: no chance to tidy up
    assert time.monotonic() - queued_at < 6, "too slow: the first worker may have run both"
    assert lines(log) == ["now"]

    second = start_worker(env)
    try:
        assert wait_for(lambda: "later" in lines(log)), "the delayed job was lost"
        time.sleep(1.5)  # time enough to run anything twice
    finally:
        output = stop(second)
    assert lines(log) == ["now", "later"]
    assert "Worker running jobs from jobs.db with 2 threads" in output
    assert "Worker stopped." in output
    assert second.returncode == 0


@pytest.mark.skipif(not REDIS_URL, reason="set HELPDESK_TEST_REDIS_URL to a Redis server")
def test_the_redis_queue_runs_jobs_across_processes(env, tmp_path):
    env = {**env, "HELPDESK_REDIS_URL": REDIS_URL}
    log = tmp_path / "log"
    enqueue(env, ("tests.write_line", (str(log), "via redis"), None))
    worker = start_worker(env)
    try:
        assert wait_for(lambda: lines(log) == ["via redis"]), "the worker ran nothing"
    finally:
        output = stop(worker)
    assert "Worker running jobs from Redis (HELPDESK_REDIS_URL)" in output
    assert not (tmp_path / "instance" / "jobs.db").exists()
