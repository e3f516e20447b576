"""SLA clocks following real tickets: which SLAs apply, pause, resume, reopen, moves."""

from __future__ import annotations

from ticketapi.extensions import db
from ticketapi.slas import services as slas
from ticketapi.slas.recompute import recompute_all
from ticketapi.tickets.models import Ticket

from .clock import minutes


def due_at(ticket: Ticket):
    """The most pressing due time of the ticket's clocks, which `order=sla_due_at` sorts by."""
    due = db.session.get(Ticket, ticket.id).sla_due
    return None if due is None else due.due_at


def test_a_new_ticket_gets_the_clocks_of_the_slas_that_apply_to_it(desk, world, jobs):
    vip = world.team("VIP")
    desk.sla("Everyone", target_minutes=60, warning_minutes=45)
    desk.sla("Urgent", target_minutes=30, applies_to={"urgency": [9, 10]})
    desk.sla("VIP team", kind="resolution", target_minutes=240, applies_to={"team_ids": [vip.id]})
    desk.sla("Paused one", target_minutes=10, active=False)

    ticket = desk.open(urgency=5)
    clocks = desk.clocks(ticket)
    assert set(clocks) == {"Everyone"}
    assert (clocks["Everyone"].state, clocks["Everyone"].due_at) == ("ok", minutes(60))
    assert clocks["Everyone"].warning_at == minutes(45)
    assert due_at(ticket) == minutes(60)

    urgent = desk.open(urgency=9)
    assert set(desk.clocks(urgent)) == {"Everyone", "Urgent"}
    assert due_at(urgent) == minutes(30)  # the soonest


def test_conditions_on_organization_usergroup_and_label_all_have_to_match(desk, world, jobs):
    acme = world.organization("Acme")
    gold = world.usergroup("Gold")
    desk.sla("Acme gold", applies_to={"organization_ids": [acme.id], "usergroup_ids": [gold.id]})
    desk.sla("Tagged", applies_to={"labels": ["outage"]})
    member = world.user("Gina", organization=acme, usergroups=[gold])
    plain = world.user("Pat", organization=acme)
    from ticketapi.people.services import user_actor
    from ticketapi.tickets import services as tickets

    def open_as(account, **values):
        body = {"subject": "Sync stuck", "message": "Since Monday.", **values}
        ticket = tickets.open_ticket(user_actor(account.row), body, now=minutes(0))
        db.session.commit()
        return ticket

    assert set(desk.clocks(open_as(member))) == {"Acme gold"}
    assert set(desk.clocks(open_as(plain))) == set()
    labelled = desk.open()
    desk.change(labelled, 5, labels=["outage"])
    assert set(desk.clocks(labelled)) == {"Tagged"}


def test_the_first_public_reply_completes_first_response_but_a_note_does_not(desk, jobs):
    desk.sla("First reply", target_minutes=60)
    desk.sla("Resolve", kind="resolution", target_minutes=480)
    ticket = desk.open()
    desk.reply(ticket, 10, note=True)
    assert desk.clocks(ticket)["First reply"].state == "ok"
    desk.reply(ticket, 20)
    clocks = desk.clocks(ticket)
    assert (clocks["First reply"].state, clocks["First reply"].due_at) == ("done", None)
    assert clocks["Resolve"].state == "ok"
    assert due_at(ticket) == minutes(480)


def test_pending_pauses_the_clock_and_a_reply_resumes_it_with_the_time_left(desk, jobs):
    desk.sla("Resolve", kind="resolution", target_minutes=120)
    ticket = desk.open()
    desk.change(ticket, 30, status="pending")
    paused = desk.clocks(ticket)["Resolve"]
    assert (paused.state, paused.due_at, paused.paused, paused.used_minutes) == (
        "ok",
        None,
        True,
        30,
    )
    assert due_at(ticket) is None
    desk.reply(ticket, 200, by_agent=False)  # the user writes: awaiting_agent again
    resumed = desk.clocks(ticket)["Resolve"]
    assert (resumed.paused, resumed.due_at) == (False, minutes(290))  # 90 left from 200
    assert due_at(ticket) == minutes(290)


def test_a_ticket_reopened_after_resolution_runs_on_from_the_time_it_had_used(desk, jobs):
    desk.sla("Resolve", kind="resolution", target_minutes=120, warning_minutes=100)
    ticket = desk.open()
    desk.reply(ticket, 40, status="resolved")
    done = desk.clocks(ticket)["Resolve"]
    assert (done.state, done.completed_at) == ("done", minutes(40))
    desk.reply(ticket, 1000, by_agent=False)  # the user replies to the resolved ticket
    reopened = desk.clocks(ticket)["Resolve"]
    assert (reopened.state, reopened.completed_at) == ("ok", None)
    assert (reopened.warning_at, reopened.due_at) == (minutes(1060), minutes(1080))


def test_moving_a_ticket_moves_its_clocks_with_it(desk, world, jobs):
    vip = world.team("VIP")
    desk.sla(
        "Standard", kind="resolution", target_minutes=480, applies_to={"urgency": [1, 2, 3, 4, 5]}
    )
    desk.sla("VIP", kind="resolution", target_minutes=60, applies_to={"team_ids": [vip.id]})
    ticket = desk.open(urgency=5)
    assert set(desk.clocks(ticket)) == {"Standard"}
    desk.change(ticket, 20, team_id=vip.id, urgency=8)
    clocks = desk.clocks(ticket)
    # The VIP SLA counts the ticket's life from its opening, as if it had always applied.
    assert set(clocks) == {"VIP"}
    assert clocks["VIP"].due_at == minutes(60)
    assert due_at(ticket) == minutes(60)


def test_a_ticket_moved_into_an_sla_after_a_pause_counts_only_the_running_time(desk, world, jobs):
    vip = world.team("VIP")
    desk.sla("VIP", kind="resolution", target_minutes=60, applies_to={"team_ids": [vip.id]})
    ticket = desk.open()
    desk.change(ticket, 10, status="pending")
    desk.change(ticket, 100, status="awaiting_agent")
    desk.change(ticket, 110, team_id=vip.id)
    clock = desk.clocks(ticket)["VIP"]
    assert clock.used_minutes == 20  # 0-10 and 100-110: the pending hour does not count
    assert clock.due_at == minutes(150)


def test_an_sla_added_while_tickets_are_open_judges_them_from_their_opening(desk, jobs):
    old = desk.open(at=0)
    resolved = desk.open(at=0)
    desk.reply(resolved, 5, status="resolved")
    fresh = desk.open(at=100)
    desk.sla("Late arrival", target_minutes=60, warning_minutes=30)
    summary = recompute_all(now=minutes(110))
    assert summary.tickets == 2  # the open ones
    old_clock, fresh_clock = desk.clocks(old)["Late arrival"], desk.clocks(fresh)["Late arrival"]
    assert (old_clock.state, old_clock.due_at) == ("failed", minutes(60))
    assert (fresh_clock.state, fresh_clock.due_at) == ("ok", minutes(160))
    assert desk.clocks(resolved) == {}
    # What happened before the SLA existed runs no actions: the check finds nothing to do.
    assert old_clock.actions_level == 2 and old_clock.next_check_at is None


def test_an_sla_removed_or_switched_off_leaves_the_open_tickets(desk, jobs):
    keep = desk.sla("Keep", kind="resolution", target_minutes=600)
    drop = desk.sla("Drop", target_minutes=30)
    ticket = desk.open()
    closed = desk.open()
    desk.reply(closed, 10, status="resolved")
    assert set(desk.clocks(ticket)) == {"Keep", "Drop"}
    assert due_at(ticket) == minutes(30)

    slas.update_sla(desk.admin, drop.id, {"active": False}, now=minutes(20))
    db.session.commit()
    recompute_all(now=minutes(20))
    assert set(desk.clocks(ticket)) == {"Keep"}
    assert due_at(ticket) == minutes(600)
    # A resolved ticket keeps the record of how its SLAs ended.
    assert set(desk.clocks(closed)) == {"Keep", "Drop"}

    slas.delete_sla(desk.admin, keep.id)
    db.session.commit()
    recompute_all(now=minutes(30))
    assert desk.clocks(ticket) == {}
    assert due_at(ticket) is None


def test_a_changed_target_moves_the_due_times_of_open_tickets(desk, jobs):
    sla = desk.sla("Resolve", kind="resolution", target_minutes=600)
    ticket = desk.open()
    slas.update_sla(desk.admin, sla.id, {"target_minutes": 120}, now=minutes(10))
    db.session.commit()
    recompute_all(now=minutes(10))
    assert desk.clocks(ticket)["Resolve"].due_at == minutes(120)


def test_a_merged_ticket_stops_its_clocks(desk, jobs):
    from ticketapi.tickets.merge import merge_tickets

    desk.sla("Resolve", kind="resolution", target_minutes=120)
    duplicate, survivor = desk.open(at=0), desk.open(at=5)
    merge_tickets(desk.admin, duplicate.id, survivor.id, now=minutes(30))
    db.session.commit()
    assert desk.clocks(duplicate)["Resolve"].state == "done"
    assert desk.clocks(survivor)["Resolve"].state == "ok"
