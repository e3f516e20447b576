"""The periodic SLA check: warning before failure, and each SLA's actions, once."""

from __future__ import annotations

import email
from email import policy
from pathlib import Path

from sqlalchemy import select

from tests.support.jobs import drain, relay
from ticketapi.extensions import db
from ticketapi.slas.check import due_clocks, run_check
from ticketapi.tickets.models import Ticket, TicketEvent

from .clock import minutes


def sla_events(ticket: Ticket) -> list[dict]:
    query = select(TicketEvent).where(TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "sla")
    return [
        {"actor": e.actor_name, **e.data}
        for e in db.session.scalars(query.order_by(TicketEvent.id))
    ]


def test_the_check_moves_a_clock_to_warning_then_to_failed(desk, jobs):
    desk.sla("First reply", target_minutes=60, warning_minutes=45)
    ticket = desk.open()
    assert run_check(now=minutes(44)) == 0  # nothing due yet
    assert run_check(now=minutes(46)) == 1
    assert desk.clocks(ticket)["First reply"].state == "warning"
    assert run_check(now=minutes(50)) == 0  # nothing more until the due time
    assert run_check(now=minutes(61)) == 1
    clock = desk.clocks(ticket)["First reply"]
    assert (clock.state, clock.next_check_at) == ("failed", None)
    assert [e["state"] for e in sla_events(ticket)] == ["warning", "failed"]
    assert run_check(now=minutes(5000)) == 0


def test_a_paused_clock_is_not_checked_and_a_done_one_never_fails(desk, jobs):
    desk.sla("Resolve", kind="resolution", target_minutes=60)
    paused, answered = desk.open(), desk.open()
    desk.change(paused, 10, status="pending")
    desk.reply(answered, 20, status="resolved")
    assert due_clocks(minutes(10_000)) == []
    assert run_check(now=minutes(10_000)) == 0
    assert desk.clocks(paused)["Resolve"].state == "ok"
    assert desk.clocks(answered)["Resolve"].state == "done"


def test_failure_actions_raise_urgency_move_the_team_and_label_the_ticket_once(desk, world, jobs):
    escalations = world.team("Escalations")
    desk.sla(
        "Resolve",
        kind="resolution",
        target_minutes=60,
        warning_minutes=30,
        on_warning={"add_label": "sla-warning"},
        on_failure={
            "raise_urgency_to": 9,
            "assign_team_id": escalations.id,
            "add_label": "breached",
        },
    )
    ticket = desk.open(urgency=4)
    version = db.session.get(Ticket, ticket.id).version
    run_check(now=minutes(31))
    warned = db.session.get(Ticket, ticket.id)
    assert (warned.labels, warned.urgency, warned.team_id) == (["sla-warning"], 4, None)
    run_check(now=minutes(61))
    run_check(now=minutes(62))  # a second check (another worker) changes nothing more
    db.session.expire_all()
    failed = db.session.get(Ticket, ticket.id)
    assert (failed.urgency, failed.team_id) == (9, escalations.id)
    assert failed.labels == ["breached", "sla-warning"]
    assert failed.version == version + 2  # one change per action run, each a new version
    history = [
        (e.kind, e.actor_type, e.actor_name)
        for e in db.session.scalars(
            select(TicketEvent).where(TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id)
        )
    ]
    assert history.count(("sla", "system", "SLA Resolve")) == 2
    assert ("team", "system", "SLA Resolve") in history
    assert ("urgency", "system", "SLA Resolve") in history


def test_an_action_never_lowers_urgency(desk, jobs):
    desk.sla("Resolve", kind="resolution", target_minutes=60, on_failure={"raise_urgency_to": 6})
    ticket = desk.open(urgency=8)
    run_check(now=minutes(61))
    assert db.session.get(Ticket, ticket.id).urgency == 8


def test_a_ticket_moved_into_an_already_failed_sla_runs_its_failure_actions(desk, world, jobs):
    vip = world.team("VIP")
    desk.sla(
        "VIP",
        kind="resolution",
        target_minutes=30,
        applies_to={"team_ids": [vip.id]},
        on_failure={"add_label": "vip-breach"},
    )
    ticket = desk.open()
    desk.change(ticket, 100, team_id=vip.id)
    assert desk.clocks(ticket)["VIP"].state == "failed"
    run_check(now=minutes(101))
    assert "vip-breach" in db.session.get(Ticket, ticket.id).labels


def test_notify_mails_the_assignee_team_and_followers_who_want_it(desk, world, jobs, app):
    outbox = Path(app.config["INSTANCE_DIR"]) / "mail"
    before = set(outbox.glob("*.eml")) if outbox.exists() else set()
    owner = world.agent("Olga", email="olga@agents.example")
    mate = world.agent("Mo", email="mo@agents.example")
    follower = world.agent("Fay", email="fay@agents.example")
    team = world.team("Sync", agents=[mate])
    desk.sla(
        "First reply",
        target_minutes=60,
        on_failure={"notify": ["agent", "team", "followers"]},
    )
    relay(jobs)
    jobs.huey.flush()  # its recompute would judge at today's date, not the test's
    ticket = desk.open()
    desk.change(ticket, 5, agent_id=owner.id, team_id=team.id, followers=[follower.id])
    drain(jobs)  # the assignment notices
    seen = set(outbox.glob("*.eml"))
    assert run_check(now=minutes(61)) == 1
    drain(jobs)
    mails = [
        email.message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in set(outbox.glob("*.eml")) - seen - before
    ]
    assert sorted(m["To"] for m in mails) == [
        "fay@agents.example",
        "mo@agents.example",
        "olga@agents.example",
    ]
    ref = db.session.get(Ticket, ticket.id).ref
    assert all(f"[#{ref}]" in m["Subject"] for m in mails)
    assert all("First reply" in m.get_content() for m in mails)
