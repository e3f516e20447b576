"""A job asked for in a transaction is queued once its commit happens, and never after a rollback.

The jobs are written to the outbox by the commit, in the transaction; the relay (a worker's,
here the tests' `relay`) queues them and deletes their row.
"""

from __future__ import annotations

import pytest

from tests.support.jobs import drain, drain_with_retries, outbox_rows, relay
from tests.ticketapi.jobs.sample_jobs import fail_until_allowed, write_line
from ticketapi.extensions import db
from ticketapi.jobs import services
from ticketapi.jobs.outbox import enqueue_after_commit
from ticketapi.people.models import Organization
from ticketapi.people.services import agent_actor
from ticketapi.timeutil import utcnow


class Undone(Exception):
    """Raised inside a transaction to roll it back."""


def lines(path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def test_a_job_is_queued_when_the_transaction_commits_and_only_once(queue, tmp_path):
    log = tmp_path / "log"
    with db.session.begin():
        db.session.add(Organization(name="Acme"))
        assert enqueue_after_commit(write_line, str(log), "committed") is None
        db.session.flush()
        assert outbox_rows() == 0  # written by the commit, with the change
    assert outbox_rows() == 1
    db.session.commit()  # a later commit writes nothing more
    with db.session.begin():
        db.session.add(Organization(name="Beta"))
    assert outbox_rows() == 1
    assert relay(queue) == 1
    assert outbox_rows() == 0  # queued, so deleted
    assert relay(queue) == 0
    assert queue.huey.pending_count() == 1
    drain(queue)
    assert lines(log) == ["committed"]


def test_a_rolled_back_transaction_queues_nothing(queue, tmp_path):
    with pytest.raises(Undone), db.session.begin():
        db.session.add(Organization(name="Acme"))
        enqueue_after_commit(write_line, str(tmp_path / "log"), "never")
        raise Undone
    with db.session.begin():
        db.session.add(Organization(name="Beta"))  # the next transaction commits
    assert outbox_rows() == 0
    assert drain(queue) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(Organization)) == 1


def test_a_rolled_back_savepoint_drops_only_its_own_jobs(queue, tmp_path):
    log = tmp_path / "log"
    with db.session.begin():
        enqueue_after_commit(write_line, str(log), "before")
        with pytest.raises(Undone), db.session.begin_nested():
            enqueue_after_commit(write_line, str(log), "in the undone savepoint")
            raise Undone
        with db.session.begin_nested():
            enqueue_after_commit(write_line, str(log), "in a kept savepoint")
        assert outbox_rows() == 0  # a released savepoint is no commit
        enqueue_after_commit(write_line, str(log), "after")
    assert outbox_rows() == 1  # one row for the transaction
    assert relay(queue) == 3  # the undone savepoint's job is not among them
    drain(queue)
    assert lines(log) == ["before", "in a kept savepoint", "after"]


def test_a_session_closed_without_commit_queues_nothing(queue, tmp_path):
    db.session.add(Organization(name="Acme"))
    db.session.flush()
    enqueue_after_commit(write_line, str(tmp_path / "log"), "never")
    db.session.close()
    db.session.add(Organization(name="Beta"))
    db.session.commit()
    assert outbox_rows() == 0
    assert drain(queue) == 0


def test_outside_a_transaction_the_job_is_written_at_once(queue, tmp_path):
    db.session.commit()
    enqueue_after_commit(write_line, str(tmp_path / "log"), "now")
    db.session.rollback()  # a rollback of what follows cannot undo it
    assert outbox_rows() == 1
    assert relay(queue) == 1


def test_a_delay_counts_from_the_commit(queue, tmp_path):
    with db.session.begin():
        enqueue_after_commit(write_line, str(tmp_path / "log"), "later", delay=60)
    relay(queue)
    (task,) = queue.huey.pending()
    assert 55 < (task.eta - utcnow()).total_seconds() <= 60


def test_mistakes_are_refused_in_the_caller(queue):
    with pytest.raises(KeyError, match="No job called"):
        enqueue_after_commit("no.such.job")
    with pytest.raises(TypeError, match="not JSON serializable"):
        enqueue_after_commit(write_line, object(), "x")


def test_a_rolled_back_retry_of_a_failed_job_queues_nothing(world, queue, tmp_path):
    admin = world.admin()
    enqueue_after_commit(fail_until_allowed, str(tmp_path / "log"))
    drain_with_retries(queue)
    failed_id = world.get("/api/v1/jobs/failed", admin).json["items"][0]["id"]

    actor = agent_actor(admin.row)
    services.retry_failed_job(actor, failed_id, now=utcnow())
    assert outbox_rows() == 0  # waits for the commit
    db.session.rollback()
    assert outbox_rows() == 0

    retried = services.retry_failed_job(actor, failed_id, now=utcnow())
    assert retried.retried_at is not None  # the rollback undid the first retry entirely
    db.session.commit()
    assert relay(queue) == 1
