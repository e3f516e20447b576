"""Nothing lost when the queue is down: jobs wait in the outbox, and a relay queues them once."""

from __future__ import annotations

import logging
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert

from tests.support.jobs import drain, outbox_rows, relay
from tests.support.processes import free_port
from tests.ticketapi.jobs.sample_jobs import write_line
from ticketapi.extensions import db
from ticketapi.jobs.models import FailedJob, JobRun
from ticketapi.jobs.outbox import OUTBOX, relay_pending
from ticketapi.jobs.queue import close_queue, queue_for
from ticketapi.jobs.worker import OutboxRelay
from ticketapi.timeutil import utcnow


def lines(path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def entry(name: str, *args, **kwargs) -> dict:
    """One job as the outbox keeps it."""
    return {"id": uuid.uuid4().hex, "name": name, "args": list(args), "kwargs": kwargs, "eta": None}


def write_rows(*rows: list[dict]) -> None:
    """Outbox rows as commits leave them when the queue cannot be reached."""
    db.session.execute(insert(OUTBOX), [{"jobs": jobs, "created_at": utcnow()} for jobs in rows])
    db.session.commit()


@pytest.fixture
def redis_queue(app, throwaway_redis, monkeypatch):
    """The app's queue on a Redis server of the test's own."""
    close_queue(app)
    monkeypatch.setitem(app.config, "REDIS_URL", throwaway_redis.url)
    yield queue_for(app)
    close_queue(app)


@pytest.fixture
def desk(world):
    admin = world.admin("Ada")
    sam = world.agent("Sam", permissions=["tickets.reply"])
    ann = world.user("Ann Lee", email="ann@acme.example")
    return admin, sam, ann


def assign_new_ticket(world, desk) -> dict:
    """Ada opens a ticket for Ann and gives it to Sam: Sam is to be told by mail."""
    admin, sam, ann = desk
    body = {"user_id": ann.id, "subject": "Backups paused", "message": "Quota?", "agent_id": sam.id}
    response = world.post("/api/v1/tickets", admin, json=body)
    assert response.status_code == 201, response.json
    return response.json


def test_a_mail_asked_for_while_redis_is_down_is_sent_once_it_is_back(
    app, world, desk, throwaway_redis, redis_queue, smtp_server, caplog
):
    throwaway_redis.kill()
    ticket = assign_new_ticket(world, desk)  # the change stands: 201, not a 500
    assert outbox_rows() == 1
    db.session.commit()
    worker_relay = OutboxRelay(app, redis_queue)
    with caplog.at_level(logging.WARNING, logger="ticketapi.jobs.worker"):
        assert worker_relay.relay_once() == 0
    assert "The outbox relay cannot queue jobs (ConnectionError" in caplog.text
    assert outbox_rows() == 1  # still down: the row waits
    db.session.commit()  # the relay runs in a session of its own, as in the worker

    throwaway_redis.start()  # an empty Redis: whatever it held before the crash is gone
    assert worker_relay.relay_once() == 1
    assert outbox_rows() == 0
    db.session.commit()
    drain(redis_queue)  # the notification job, then the mail it asked for
    (mail,) = smtp_server.received
    assert mail.rcpt_tos == ["sam@agents.example"]
    assert mail.message["Subject"] == f"[#{ticket['ref']}] Assigned to you: Backups paused"

    assert worker_relay.relay_once() == 0
    assert drain(redis_queue) == 0
    assert len(smtp_server.received) == 1


def test_a_job_handed_over_twice_mails_once(world, desk, queue, smtp_server, caplog):
    assign_new_ticket(world, desk)
    relay(queue)
    # A relay that died after queueing the job and before deleting its row queues it again,
    # under the same task id.
    (task,) = queue.huey.pending()
    queue.huey.enqueue(task)
    with caplog.at_level(logging.INFO, logger="ticketapi.jobs.runs"):
        assert drain(queue) == 3  # two copies of the notification, one mail
    assert [mail.rcpt_tos for mail in smtp_server.received] == [["sam@agents.example"]]
    assert f"Job notifications.routed (task {task.id}) already ran" in caplog.text


def test_a_mail_handed_over_twice_is_sent_once(app, queue, smtp_server):
    mail = entry(
        "mail.send_mail",
        message_id="<once@tidewater.example>",
        date="Thu, 03 Dec 2026 10:00:00 +0000",
        to=["ann@acme.example"],
        subject="Your ticket",
        text="Hello",
    )
    write_rows([mail])
    queue.push(mail)  # queued by a relay that died before it deleted the row
    assert relay_pending(queue) == 1
    assert queue.huey.pending_count() == 2
    drain(queue)
    assert [m.message["Message-ID"] for m in smtp_server.received] == ["<once@tidewater.example>"]
    assert db.session.get(JobRun, mail["id"]).task_name == "mail.send_mail"


def test_a_mail_whose_first_try_failed_is_sent_by_its_retry(app, queue, mail_settings):
    # The try that failed recorded no run: the retry, under the same task id, sends it.
    mail_settings["SMTP_URL"] = f"smtp+insecure://127.0.0.1:{free_port()}"  # nothing listens
    mail = entry(
        "mail.send_mail",
        message_id="<retried@tidewater.example>",
        date="Thu, 03 Dec 2026 10:00:00 +0000",
        to=["ann@acme.example"],
        subject="Your ticket",
        text="Hello",
    )
    queue.push(mail)
    drain(queue)
    assert db.session.get(JobRun, mail["id"]) is None
    db.session.commit()  # the test holds no write lock while the job writes
    (retry,) = queue.huey.read_schedule(utcnow() + timedelta(days=1))
    assert retry.id == mail["id"]
    mail_settings["SMTP_URL"] = None  # the .eml folder
    queue.huey.execute(retry, timestamp=retry.eta)  # as if the wait had passed
    folder = Path(mail_settings["INSTANCE_DIR"]) / "mail"
    assert len(list(folder.glob("*.eml"))) == 1
    assert db.session.get(JobRun, mail["id"]) is not None


def test_two_relays_at_once_queue_each_job_once(app, queue, tmp_path):
    log = str(tmp_path / "log")
    jobs = [
        [entry(write_line.job_name, log, f"row {n} job {i}") for i in range(2)] for n in range(150)
    ]
    write_rows(*jobs)
    start = threading.Barrier(2)

    def relay() -> int:
        with app.app_context():
            start.wait()
            return relay_pending(queue, batch=10)

    with ThreadPoolExecutor(2) as pool:
        counts = list(pool.map(lambda _: relay(), range(2)))
    assert sum(counts) == 300
    queued = [task.id for task in queue.huey.pending()]
    assert sorted(queued) == sorted(job["id"] for row in jobs for job in row)
    assert outbox_rows() == 0


def test_a_job_no_module_declares_any_more_is_kept_as_failed(app, queue, tmp_path):
    log = tmp_path / "log"
    write_rows([entry("plugins.gone", 1)], [entry(write_line.job_name, str(log), "behind it")])
    assert relay_pending(queue) == 1
    assert outbox_rows() == 0
    (failed,) = db.session.scalars(db.select(FailedJob))
    assert failed.task_name == "plugins.gone"
    assert failed.arguments == {"args": [1], "kwargs": {}}
    assert "No job called 'plugins.gone' is declared" in failed.error
    drain(queue)
    assert lines(log) == ["behind it"]
