"""Queues: the sidebar's counts against the list service, saved views, sorting, bulk actions."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.ticketapi.agent.pages import csrf_of, page_text, signed_in, with_password
from tests.ticketapi.portal.pages import HOSTILE, page_of, text_of
from ticketapi.agent.models import SavedView
from ticketapi.agent.queues import counts, queues_for
from ticketapi.extensions import db
from ticketapi.pagination import paginate
from ticketapi.people.services import agent_actor
from ticketapi.slas.models import Sla, TicketSla
from ticketapi.tickets import queries
from ticketapi.tickets import services as tickets
from ticketapi.tickets.models import Ticket


@pytest.fixture
def desk(world, dana):
    """Tickets of Dana's, Sam's, nobody's, Billing's (which Dana may not see), one resolved,
    one at risk, one Dana follows."""
    admin = agent_actor(world.admin().row)
    ann = world.user("Ann Lee", email="ann@acme.example", organization=world.organization("Acme"))
    billing = world.team("Billing")
    sam = world.agent("Sam", permissions=["tickets.reply"])
    made = {}

    def open_one(subject: str, **changes) -> Ticket:
        ticket = tickets.open_ticket(
            admin,
            {"user_id": ann.id, "subject": subject, "message": "Hi", **changes},
            now=world.now,
        )
        db.session.commit()
        made[subject] = ticket
        return ticket

    open_one("Printer on fire", agent_id=dana.id, labels=["hardware"], urgency=9)
    open_one("Sam's own ticket", agent_id=sam.id)
    open_one("Nobody has this one")
    open_one("Billing question", team_id=billing.id)
    done = open_one("Solved already", agent_id=dana.id)
    tickets.update_ticket(
        admin, done.id, {"status": "resolved"}, version=done.version, now=world.now
    )
    risky = open_one("Clock running out")
    sla = Sla(name="First reply", type="first_response", target_minutes=60)
    db.session.add(sla)
    db.session.flush()
    db.session.add(TicketSla(ticket_id=risky.id, sla_id=sla.id, state="warning"))
    followed = open_one("Sam's other ticket", agent_id=sam.id)
    followed.followers.append(dana.row)
    db.session.commit()
    signed_in(world, dana)
    return {"admin": admin, "tickets": made, "open_one": open_one, "sam": sam, "ann": ann}


def sidebar_counts(response) -> dict[str, int]:
    found = {}
    for link in page_of(response).select(".sidebar a"):
        count = link.select_one(".queue-count")
        if count is not None:
            found[link["href"].split("queue=")[1]] = int(re.sub(r"\D", "", text_of(count)))
    return found


def subjects(response) -> list[str]:
    return [text_of(s) for s in page_of(response).select(".ticket-list .ticket-subject")]


def test_each_count_is_the_list_services_total(world, desk, dana):
    shown = sidebar_counts(world.get("/agent/"))
    actor = agent_actor(dana.row)
    queues = queues_for(dana.row)
    assert set(shown) == {q.key for q in queues}
    for queue in queues:
        total = paginate(queries.tickets_query(actor, queue.filters), 1, 1).total
        assert shown[queue.key] == total, queue.key
        assert f"{total} " in text_of(
            page_of(world.get(f"/agent/?queue={queue.key}")).select_one(".pane-count")
        )
    assert shown["mine"] == 1 and shown["following"] == 1 and shown["at-risk"] == 1
    assert shown["status-resolved"] == 1


def test_an_agent_without_view_all_counts_only_what_they_may_see(world, desk, dana):
    shown = sidebar_counts(world.get("/agent/"))
    # Dana sees her own, the unassigned two and the one she follows; not Sam's or Billing's.
    assert shown["status-awaiting_agent"] == 4
    assert "Billing question" not in page_text(world.get("/agent/?queue=status-awaiting_agent"))
    boss = agent_actor(world.agent("Boss", permissions=["tickets.view_all"]).row)
    all_counts = counts(boss, queues_for(db.session.get(type(dana.row), boss.id)))
    assert all_counts["status-awaiting_agent"].number == 6


def test_sorting_and_pages(world, desk, dana):
    for n in range(27):
        extra = desk["open_one"](f"Extra {n:02}", agent_id=dana.id)
        extra.created_at = world.now + timedelta(minutes=n + 1)
    db.session.commit()
    newest = world.get("/agent/?queue=mine&sort=newest")
    assert subjects(newest)[0] == "Extra 26" and len(subjects(newest)) == 25
    oldest = world.get("/agent/?queue=mine&sort=oldest")
    assert subjects(oldest)[0] == "Printer on fire"
    assert subjects(world.get("/agent/?queue=mine&sort=urgency"))[0] == "Printer on fire"
    pager = page_of(oldest).select_one(".pager a")
    assert "sort=oldest" in pager["href"] and "page=2" in pager["href"]
    second = world.get(pager["href"])
    assert len(subjects(second)) == 3 and subjects(second)[-1] == "Extra 26"
    # An unknown order falls back to the queue's own (SLA due first for open queues).
    assert "SLA due first" in page_text(world.get("/agent/?queue=mine&sort=evil"))


def test_a_filter_lists_what_it_says_and_refuses_what_it_cannot_read(world, desk):
    found = world.get("/agent/?queue=filter&label=hardware&urgency=9&status=awaiting_agent")
    assert subjects(found) == ["Printer on fire"]
    bad = world.get("/agent/?queue=filter&urgency=99&agent_id=x&status=gone&q=" + "a" * 300)
    problems = text_of(page_of(bad).select_one(".filter-box .error-summary"))
    assert "Urgency is a number from 1 to 10." in problems and "at most 200" in problems


def save_view(world, name: str, **fields):
    token = csrf_of(world.get("/agent/?queue=filter"))
    return world.post("/agent/views", data={"csrf_token": token, "name": name, **fields})


def test_saved_views_are_created_renamed_and_deleted(world, desk, dana):
    response = save_view(world, "Hardware", label="hardware", status="awaiting_agent")
    assert response.status_code == 303
    view = db.session.scalar(db.select(SavedView))
    assert view.filters == {"label": "hardware", "status": ["awaiting_agent"]}
    page = world.get(response.headers["Location"])
    assert subjects(page) == ["Printer on fire"]
    assert sidebar_counts(page)[f"view-{view.id}"] == 1
    token = csrf_of(page)
    world.post(f"/agent/views/{view.id}/rename", data={"csrf_token": token, "name": " Kit  "})
    db.session.expire_all()
    assert db.session.get(SavedView, view.id).name == "Kit"
    world.post(f"/agent/views/{view.id}/delete", data={"csrf_token": token})
    assert db.session.scalar(db.select(SavedView)) is None


@pytest.mark.parametrize(
    ("name", "problem"),
    [("", "Give the view a name."), ("x" * 61, "at most 60"), ("a\u0000b", "at most 60")],
)
def test_a_bad_name_saves_nothing(world, desk, name, problem):
    response = save_view(world, name, label="hardware")
    assert problem in page_text(world.get(response.headers["Location"]))
    assert db.session.scalar(db.select(SavedView)) is None


def test_another_agents_view_is_out_of_reach(world, desk, dana):
    save_view(world, f"Dana's {HOSTILE}", label="hardware")
    view = db.session.scalar(db.select(SavedView))
    world.client = world.client.application.test_client()
    signed_in(world, with_password(world.agent("Bo", permissions=["tickets.reply"])))
    home = world.get("/agent/")
    assert "Dana's" not in page_text(home)
    assert (
        text_of(page_of(world.get(f"/agent/?queue=view-{view.id}")).select_one("h1"))
        == "My tickets"
    )
    token = csrf_of(home)
    for action, data in (("rename", {"name": "Mine now"}), ("delete", {})):
        answer = world.post(f"/agent/views/{view.id}/{action}", data={"csrf_token": token, **data})
        assert answer.status_code == 404
    db.session.expire_all()
    assert db.session.get(SavedView, view.id).name == f"Dana's {HOSTILE}"


def test_forms_without_a_token_are_refused(world, desk, dana):
    mine = desk["tickets"]["Printer on fire"]
    assert world.post("/agent/views", data={"name": "x"}).status_code == 400
    bulk = {"action": "follow", "ticket": mine.id, "csrf_token": "forged"}
    assert world.post("/agent/bulk", data=bulk).status_code == 400
    assert db.session.scalar(db.select(SavedView)) is None


def bulk(world, **fields):
    token = csrf_of(world.get("/agent/"))
    return world.post("/agent/bulk", data={"csrf_token": token, **fields})


def test_a_bulk_action_dana_may_not_take_is_not_offered_nor_accepted(world, desk):
    actions = [o["value"] for o in page_of(world.get("/agent/")).select("#bulk-action option")]
    assert actions == ["follow"]  # Dana has tickets.reply only
    nobody = desk["tickets"]["Nobody has this one"]
    for fields in (
        {"action": "assign", "assign_to": "agent-1"},
        {"action": "status", "status": "pending"},
        {"action": "merge", "into": str(desk["tickets"]["Printer on fire"].id)},
    ):
        answer = bulk(world, ticket=nobody.id, **{f"version-{nobody.id}": 1}, **fields)
        assert answer.status_code == 403, fields
    db.session.expire_all()
    assert db.session.get(Ticket, nobody.id).agent_id is None


def test_bulk_assign_reports_each_ticket(world, desk, dana):
    dana.row.permissions = ["tickets.reply", "tickets.assign", "tickets.edit"]
    db.session.commit()
    made = desk["tickets"]
    nobody, risky, billing = (
        made["Nobody has this one"],
        made["Clock running out"],
        made["Billing question"],
    )
    answer = bulk(
        world,
        action="assign",
        assign_to=f"agent-{dana.id}",
        ticket=[nobody.id, risky.id, billing.id],
        **{
            f"version-{nobody.id}": nobody.version,
            f"version-{risky.id}": 99,
            f"version-{billing.id}": 1,
        },
    )
    assert answer.status_code == 200
    outcomes = [
        text_of(li).replace(" :", ":") for li in page_of(answer).select(".bulk-outcomes li")
    ]
    assert outcomes[0] == f"Ticket {nobody.id}: Done."
    assert "changed" in outcomes[1].lower()  # the version conflict, in words
    assert f"There is no ticket {billing.id}." in outcomes[2]  # not Dana's to see
    assert "2 of 3 tickets were not changed" in page_text(answer)
    db.session.expire_all()
    assert db.session.get(Ticket, nobody.id).agent_id == dana.id
    assert db.session.get(Ticket, risky.id).agent_id is None  # nothing half-applied


def test_bulk_labels_status_follow_and_merge(world, desk, dana):
    dana.row.permissions = ["tickets.reply", "tickets.edit", "tickets.merge"]
    db.session.commit()
    a, b = desk["tickets"]["Nobody has this one"], desk["tickets"]["Clock running out"]
    versions = lambda: {f"version-{t.id}": db.session.get(Ticket, t.id).version for t in (a, b)}  # noqa: E731
    bulk(world, action="add_label", label="Urgent", ticket=[a.id, b.id], **versions())
    db.session.expire_all()
    assert db.session.get(Ticket, a.id).labels == ["urgent"]
    bulk(world, action="remove_label", label="urgent", ticket=[a.id], **versions())
    bulk(world, action="status", status="pending", ticket=[b.id], **versions())
    bulk(world, action="follow", ticket=[a.id])
    db.session.expire_all()
    assert db.session.get(Ticket, a.id).labels == []
    assert db.session.get(Ticket, b.id).status == "pending"
    assert dana.row in db.session.get(Ticket, a.id).followers
    answer = bulk(world, action="merge", into=str(b.id), ticket=[a.id])
    assert f"Ticket {a.id} : Done." in page_text(answer)
    db.session.expire_all()
    assert db.session.get(Ticket, a.id).merged_into_id == b.id


@pytest.mark.parametrize(
    "fields",
    [
        {"action": "evil"},
        {"action": "follow", "ticket": "abc"},
        {"action": "follow"},
        {"action": "follow", "ticket": [str(n) for n in range(1, 102)]},
    ],
)
def test_a_bulk_form_we_cannot_read_changes_nothing(world, desk, fields):
    assert bulk(world, **fields).status_code == 422
