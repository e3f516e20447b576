"""`helpdesk worker` runs queued jobs, and a job survives the worker's restart, run once."""

from __future__ import annotations

import email
import os
import signal
import sqlite3
import subprocess
from email import policy
from pathlib import Path

import pytest

from tests.support.jobs import outbox_rows
from tests.support.processes import HELPDESK, Output, free_port, get, helpdesk, post_json, wait_for
from ticketapi import create_app
from ticketapi.cli import upgrade_database
from ticketapi.extensions import db
from ticketapi.jobs.queue import close_queue, queue_for
from ticketapi.mail.outbound import queue_mail
from ticketapi.people.models import Organization

# Its processes run on an instance of their own: the same whatever engine the suite runs on.
pytestmark = pytest.mark.own_database

REPOSITORY = Path(__file__).parents[3]
REDIS_URL = os.environ.get("HELPDESK_TEST_REDIS_URL")
ADMIN, PASSWORD = "ada@tidewater.example", "tidewater-admin"


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


def app_for(env):
    """An app on the same instance (and so the same queue) as the processes under test."""
    return create_app(
        {
            "INSTANCE_DIR": env["HELPDESK_INSTANCE_DIR"],
            "SECRET_KEY": "test",
            "REDIS_URL": env.get("HELPDESK_REDIS_URL"),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{env['HELPDESK_INSTANCE_DIR']}/helpdesk.db",
        }
    )


def enqueue(env, *jobs: tuple[str, tuple, float | None]) -> None:
    """Queue jobs from a process of our own, as the web server would."""
    import tests.ticketapi.jobs.sample_jobs  # noqa: F401  (declares the jobs)

    app = app_for(env)
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


def waiting_jobs(app) -> tuple[int, int]:
    """How many jobs wait in the instance's queue (due now) and in its schedule (due later)."""
    huey = queue_for(app).huey
    return huey.pending_count(), huey.scheduled_count()


def test_a_job_survives_a_worker_restart_and_runs_once(env, tmp_path):
    log = tmp_path / "log"
    enqueue(env, ("tests.write_line", (str(log), "now"), None))  # queued with no worker running
    app = app_for(env)
    try:
        first = start_worker(env)
        try:
            assert wait_for(lambda: lines(log) == ["now"]), "the first worker ran nothing"
            # A job due in 3 s: the worker takes it from the queue into its schedule (it polls
            # every second at most), where the crash finds it.
            enqueue(env, ("tests.write_line", (str(log), "later"), 3))
            assert wait_for(lambda: waiting_jobs(app) == (0, 1)), waiting_jobs(app)
        finally:
            stop(first, signal.SIGKILL)  # a crash: no chance to tidy up
        assert lines(log) == ["now"], "the first worker ran the delayed job before it was due"
        assert waiting_jobs(app) == (0, 1), "the crash lost the delayed job"

        second = start_worker(env)
        try:
            assert wait_for(lambda: "later" in lines(log)), "the second worker never ran it"
            # Nothing is left to run: a second run could only be one under way, and SIGTERM
            # lets running jobs finish before the worker stops.
            assert wait_for(lambda: waiting_jobs(app) == (0, 0)), waiting_jobs(app)
        finally:
            output = stop(second)
    finally:
        close_queue(app)
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


def test_serve_runs_queued_jobs_in_its_child_worker(env, tmp_path):
    port = free_port()
    server = subprocess.Popen(
        [str(HELPDESK), "serve", "--port", str(port), "--workers", "1"],
        env={**env, "HELPDESK_PORTAL_DIR": str(tmp_path / "portal")},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        api = f"http://127.0.0.1:{port}/api/v1/openapi.json"
        assert wait_for(lambda: get(api)[0] == 200 or None), "the server never answered"
        # Queued from this process into the server's jobs.db, as a request of its would.
        app = app_for(env)
        try:
            with app.app_context():
                message_id = queue_mail(to=["ana@acme.example"], subject="Hi", text="Served")
                db.session.remove()
        finally:
            close_queue(app)
        mail = Path(env["HELPDESK_INSTANCE_DIR"]) / "mail"
        eml = wait_for(lambda: next(mail.glob("*.eml"), None))
        assert eml, "the server's worker sent nothing"
    finally:
        output = stop(server)
    message = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert message["Message-ID"] == message_id
    assert "Worker running jobs from jobs.db" in output
    assert f"Outbound mail is written to {mail}/ as .eml files" in output


def test_a_mail_committed_while_the_queue_file_is_locked_is_sent_once_by_the_worker(env):
    instance = Path(env["HELPDESK_INSTANCE_DIR"])
    app = app_for(env)
    with app.app_context():
        upgrade_database()
    worker = start_worker(env)
    output = Output(worker)
    try:
        assert wait_for(lambda: output.has("Huey consumer started")), "the worker never started"
        # Another process holds huey's SQLite file for writing: no job goes in or out.
        holder = sqlite3.connect(instance / "jobs.db", isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            with app.app_context():
                db.session.add(Organization(name="Acme"))
                message_id = queue_mail(to=["ana@acme.example"], subject="Welcome", text="Hi")
                db.session.commit()  # the change and its mail are kept
                assert outbox_rows() == 1
                db.session.remove()
            assert wait_for(lambda: output.has("The outbox relay cannot queue jobs")), "no try"
            with app.app_context():
                assert outbox_rows() == 1  # kept for the next try
                db.session.remove()
        finally:
            holder.rollback()
            holder.close()
        mail = instance / "mail"
        assert wait_for(lambda: list(mail.glob("*.eml"))), "the worker's relay sent nothing"

        def nothing_left_to_send() -> bool:
            with app.app_context():
                left = outbox_rows(), *waiting_jobs(app)
                db.session.remove()
            return left == (0, 0, 0)

        # Empty outbox, empty queue: a second copy could only be one being sent, and SIGTERM
        # lets it finish before the worker stops.
        assert wait_for(nothing_left_to_send), "the outbox or the queue still holds the mail"
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
        close_queue(app)
    (eml,) = mail.glob("*.eml")
    assert email.message_from_bytes(eml.read_bytes())["Message-ID"] == message_id
    text = output.text
    assert "The outbox relay cannot queue jobs (OperationalError: database is locked)" in text
    assert "The outbox relay queues jobs again" in text
    assert "Relayed 1 jobs from the outbox to the queue" in text
    with app.app_context():
        assert outbox_rows() == 0
        db.session.remove()


def job_worker_of(server_pid: int) -> int | None:
    """The pid of the `helpdesk worker` child of a `helpdesk serve`, if one runs."""
    for proc in Path("/proc").iterdir():
        try:
            stat = (proc / "stat").read_text()
            arguments = (proc / "cmdline").read_bytes().split(b"\0")
        except (OSError, ValueError):
            continue  # not a process, or gone meanwhile
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == server_pid and b"worker" in arguments and " Z " not in stat:
            return int(proc.name)
    return None


def test_serve_starts_a_new_worker_when_its_worker_is_killed(env, tmp_path):
    created = helpdesk(env, "create-admin", "--email", ADMIN, "--password", PASSWORD)
    assert created.returncode == 0, created.stderr
    port = free_port()
    server = subprocess.Popen(
        [str(HELPDESK), "serve", "--port", str(port), "--workers", "1"],
        env={**env, "HELPDESK_PORTAL_DIR": str(tmp_path / "portal")},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    mail = Path(env["HELPDESK_INSTANCE_DIR"]) / "mail"
    try:
        api = f"http://127.0.0.1:{port}/api/v1"
        assert wait_for(lambda: get(f"{api}/openapi.json")[0] == 200 or None), "no answer"
        first = wait_for(lambda: job_worker_of(server.pid))
        assert first, "serve started no worker"
        os.kill(first, signal.SIGKILL)  # as the OOM killer would
        second = wait_for(lambda: job_worker_of(server.pid) not in (None, first))
        assert second, "serve did not start a new worker"

        # A job queued through the API after the crash: assigning a ticket mails the agent.
        _, body = post_json(f"{api}/auth/token", {"email": ADMIN, "password": PASSWORD})
        token = body["token"]
        _, sam = post_json(
            f"{api}/agents", {"email": "sam@tidewater.example", "name": "Sam"}, token
        )
        status, _ = post_json(
            f"{api}/tickets",
            {
                "email": "ann@acme.example",
                "name": "Ann",
                "subject": "Backups paused",
                "message": "Quota?",
                "agent_id": sam["id"],
            },
            token,
        )
        assert status == 201
        eml = wait_for(lambda: next(mail.glob("*.eml"), None))
        assert eml, "the new worker ran nothing"
    finally:
        output = stop(server)
    message = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert message["To"] == "sam@tidewater.example"
    assert message["Subject"].endswith("Assigned to you: Backups paused")
    assert f"The job worker (pid {first})" in output
    assert "starting a new one in 1 s" in output
    assert output.count("Worker stopped.") == 1  # the new worker, stopped with serve
    assert server.returncode == 0
