"""A job that keeps failing is retried with backoff, kept, shown to admins and sent again."""

from __future__ import annotations

import pytest

from tests.support.jobs import drain, drain_with_retries, outbox_rows
from tests.ticketapi.jobs.sample_jobs import always_fail, fail_until_allowed, give_up
from ticketapi.jobs.queue import enqueue
from ticketapi.timeutil import utcnow


def lines(path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def test_a_failing_job_is_retried_then_kept_and_can_be_sent_again(world, queue, tmp_path):
    admin = world.admin()
    log = tmp_path / "log"
    enqueue(fail_until_allowed, str(log))
    drain(queue)
    assert lines(log) == ["failed"] * 3  # the first try and two retries

    listed = world.get("/api/v1/jobs/failed", admin)
    assert listed.status_code == 200
    assert listed.json["total"] == 1
    failed = listed.json["items"][0]
    assert failed["task_name"] == "tests.fail_until_allowed"
    assert failed["arguments"] == {"args": [str(log)], "kwargs": {}}
    assert failed["attempts"] == 3
    assert "RuntimeError: not allowed yet" in failed["error"]
    assert failed["retried_at"] is None
    assert failed["first_failed_at"] <= failed["last_failed_at"]

    (tmp_path / "log.allowed").touch()
    retried = world.post(f"/api/v1/jobs/failed/{failed['id']}/retry", admin)
    assert retried.status_code == 200
    assert retried.json["retried_at"] is not None
    assert world.post(f"/api/v1/jobs/failed/{failed['id']}/retry", admin).status_code == 409
    assert drain(queue) == 1
    assert lines(log) == ["failed"] * 3 + ["ran"]
    assert world.get("/api/v1/jobs/failed", admin).json["total"] == 1


@pytest.mark.parametrize(("who", "status"), [("agent", 403), ("user", 403), ("anonymous", 401)])
def test_only_admins_see_and_retry_failed_jobs(world, queue, tmp_path, who, status):
    enqueue(fail_until_allowed, str(tmp_path / "log"))
    drain(queue)
    failed_id = world.get("/api/v1/jobs/failed", world.admin()).json["items"][0]["id"]
    account = {
        "agent": lambda: world.agent(permissions=["tickets.view_all", "tickets.edit"]),
        "user": lambda: world.user(),
        "anonymous": lambda: None,
    }[who]()
    kwargs = {"who": account} if account else {}
    assert world.get("/api/v1/jobs/failed", **kwargs).status_code == status
    assert world.post(f"/api/v1/jobs/failed/{failed_id}/retry", **kwargs).status_code == status
    assert outbox_rows() == 0
    assert queue.huey.pending_count() == 0


def test_an_unknown_failed_job_is_not_found(world, queue):
    assert world.post("/api/v1/jobs/failed/999/retry", world.admin()).status_code == 404


def test_each_retry_waits_twice_as_long(queue):
    enqueue(always_fail)
    drain(queue)
    delays = []
    for _ in range(3):
        (task,) = queue.huey.scheduled()
        delays.append(round((task.eta - utcnow()).total_seconds()))
        (due,) = queue.huey.read_schedule(task.eta)
        queue.huey.execute(due, timestamp=due.eta)
    assert delays == [10, 20, 40]
    assert queue.huey.scheduled() == []


def test_a_job_that_gives_up_is_kept_at_once_without_retries(world, queue, tmp_path):
    log = tmp_path / "log"
    enqueue(give_up, str(log))
    assert drain_with_retries(queue) == 1
    assert lines(log) == ["tried"]
    assert queue.huey.scheduled() == []
    (failed,) = world.get("/api/v1/jobs/failed", world.admin()).json["items"]
    assert failed["attempts"] == 1
    assert "PermanentError: trying again cannot help" in failed["error"]
