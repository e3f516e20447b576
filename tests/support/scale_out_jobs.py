"""The scale-out story's job checks (tests/test_scale_out.py): two workers, a killed worker
and a restarted Redis lose nothing and run nothing twice; SLA clocks are acted on once."""

from __future__ import annotations

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from tests.support.deployment import (
    query,
    wait_until,
)
from tests.support.scale_out import (
    ADMIN,
    ADMIN_PASSWORD,
    AGENT_PASSWORD,
    Api,
    Desk,
    all_mailed,
    assigned_mail,
    mail_counts,
    open_ticket,
    sign_in,
    token_of,
)

SLA_LABEL = "sla-missed"  # what an SLA of the story adds when its clock fails


def check_jobs_run_once_with_two_workers(desk: Desk, via, agents, sla_tickets) -> None:
    first, second = desk.start_workers("1", "2")
    desk.wait_started(first, second)
    # Jobs queued by either server while no worker ran, and jobs queued now, run once each:
    # one "Assigned to you" mail per ticket.
    opened = [
        open_ticket(
            via[n % 2],
            {
                "email": "dee@acme.example",
                "name": "Dee",
                "subject": f"Laptop {n}",
                "agent_id": agents["sam"]["id"],
            },
        )
        for n in range(6)
    ]
    expected = [assigned_mail(t) for t in sla_tickets + opened]
    assert wait_until(lambda: all_mailed(desk.sink, expected), 60), desk.processes.tails()

    # PostgreSQL closes every connection (a restart, a fail-over): the next requests and
    # jobs get new ones, and nothing fails or waits for a retry.
    query(
        desk.database_url,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    after = [
        open_ticket(
            via[n % 2],
            {
                "email": "dee@acme.example",
                "name": "Dee",
                "subject": f"Dock {n}",
                "agent_id": agents["sam"]["id"],
            },
        )
        for n in range(4)
    ]
    expected += [assigned_mail(t) for t in after]
    assert wait_until(lambda: all_mailed(desk.sink, expected), 20), desk.processes.tails()
    time.sleep(2)  # two relay passes and polls: time enough for a second copy to arrive
    assert mail_counts(desk.sink, expected) == dict.fromkeys(expected, 1)
    assert desk.outbox_rows() == 0
    for worker in (first, second):
        assert "notifications.routed" in worker.output, "a worker ran nothing"
        assert desk.processes.stop(worker) == 0  # gracefully: running jobs finish first


def check_a_killed_worker_loses_nothing_queued(desk: Desk, via, agents) -> None:
    # With no worker running, six tickets are each assigned to one of six agents: six
    # notification jobs wait in the outbox, each of which queues one mail.
    def tickets(subject: str, count: int) -> list[dict]:
        return [
            open_ticket(
                via[n % 2],
                {
                    "email": "eve@acme.example",
                    "name": "Eve",
                    "subject": f"{subject} {n}",
                    "agent_id": agents[f"lee{n}"]["id"],
                },
            )
            for n in range(count)
        ]

    first_wave = tickets("Printer", 6)
    assert desk.outbox_rows() == 6

    # A worker starts; the mail server takes each message but holds its answer, so the
    # worker's two threads are in the middle of sending when it is killed.
    desk.sink.holding = True
    (doomed,) = desk.start_workers("3")
    assert wait_until(lambda: len(desk.sink.held) == 2, 60), desk.processes.tails()
    in_flight = {delivery.subject for delivery in desk.sink.held}
    desk.processes.kill(doomed)
    assert wait_until(lambda: not desk.sink.held, 10)
    desk.sink.holding = False

    second_wave = tickets("Scanner", 2)  # their jobs wait in the outbox
    assert desk.outbox_rows() >= 2

    (successor,) = desk.start_workers("4")
    everything = {assigned_mail(t) for t in first_wave + second_wave}
    expected = everything - in_flight
    assert wait_until(lambda: all_mailed(desk.sink, expected), 60), (
        f"lost: {expected - set(desk.sink.subjects())}\n{desk.processes.tails()}"
    )
    time.sleep(2)
    # Every job that was queued or in the outbox ran once. The two that were running when
    # their worker was killed are gone, as docs/ticketapi.md says ("At most once while
    # running"): not sent, not retried, not kept as failed.
    assert mail_counts(desk.sink, everything) == {
        subject: 0 if subject in in_flight else 1 for subject in everything
    }
    failed = Api(desk.web_ports[0], token_of(sign_in(desk.web_ports[0], ADMIN, ADMIN_PASSWORD)))
    assert failed.get("/jobs/failed").json["items"] == []
    assert desk.outbox_rows() == 0
    assert desk.processes.stop(successor) == 0


def check_a_redis_restart_loses_no_job(desk: Desk, via, agents) -> list[str]:
    """Redis stops: the web processes go on; the jobs asked for meanwhile wait, then run."""
    desk.processes.stop(desk.redis.process)
    # Sign-in is rate-limited: its counters move to each process's memory meanwhile.
    for port in desk.web_ports:
        assert sign_in(port, "sam@example.com", AGENT_PASSWORD, source="127.0.0.6").status == 201
    waiting = open_ticket(
        via[1],
        {"email": "flo@acme.example", "name": "Flo", "subject": "Wifi",
         "agent_id": agents["sam"]["id"]},
    )  # fmt: skip
    desk.redis.start()
    return [assigned_mail(waiting)]


def check_two_workers_act_once_on_each_sla_clock(desk, via, sla_tickets, due, late) -> None:
    # Every worker so far has stopped before the clocks reached their target, so the first
    # check to find them due is one of the two started together now (each worker's
    # scheduler queues `slas.check` as it starts, then once a minute).
    assert all(not worker.running() for worker in desk.workers)
    assert datetime.now(UTC) < due, "the checks before took longer than the SLA's target"
    wait_until(lambda: datetime.now(UTC) > due, 90)
    pair = desk.start_workers("5", "6")
    expected = [f"[#{t['ref']}] SLA missed: Quick reply: {t['subject']}" for t in sla_tickets]
    assert wait_until(lambda: all_mailed(desk.sink, expected + late), 60), desk.processes.tails()
    time.sleep(2)
    assert Counter(s for s in desk.sink.subjects() if "SLA missed" in s) == Counter(expected)
    assert mail_counts(desk.sink, late) == dict.fromkeys(late, 1)  # waited out Redis's restart

    def acted_on(ticket: dict) -> tuple:
        read = via[1].get(f"/tickets/{ticket['id']}").json
        history = via[0].get(f"/tickets/{ticket['id']}/history?per_page=100").json["items"]
        sla_events = [event["data"]["state"] for event in history if event["kind"] == "sla"]
        return read["labels"].count(SLA_LABEL), read["sla"][0]["state"], tuple(sla_events)

    with ThreadPoolExecutor(4) as pool:
        assert set(pool.map(acted_on, sla_tickets)) == {(1, "failed", ("failed",))}
    # Both workers checked the clocks: each scheduler queued the check, and both ran.
    checks = sum(w.output.count("Executing ticketapi.slas.check.slas.check") for w in pair)
    assert checks >= 2, desk.processes.tails()
    for worker in pair:
        assert desk.processes.stop(worker) == 0
