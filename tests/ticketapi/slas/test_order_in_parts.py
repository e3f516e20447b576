"""A long list in SLA order is read in two parts (clocks along their index, then the tickets
without one by id): every page holds what the one-statement order puts there."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from ticketapi.extensions import db
from ticketapi.people.services import agent_actor
from ticketapi.slas.models import TicketSlaDue
from ticketapi.tickets import queries
from ticketapi.tickets.models import Ticket, ticket_followers
from ticketapi.timeutil import utcnow

TICKETS = 40
STATUSES = ("awaiting_agent", "awaiting_user", "pending", "resolved")


@pytest.fixture
def desk(world):
    """40 tickets: about half with a due time (some of them the same), some merged, some
    followed by the restricted agent, of two teams and two agents."""
    admin = world.admin()
    team = world.team("Billing")
    restricted = world.agent("Rita", permissions=["tickets.reply"], teams=[team])
    user = world.user("Una")
    rng = random.Random(9)
    now = utcnow()
    rows, dues, follows = [], [], []
    for n in range(1, TICKETS + 1):
        rows.append(
            {
                "id": n,
                "ref": f"T-{n:04d}",
                "subject": f"Ticket {n}",
                "status": rng.choice(STATUSES),
                "source": "portal",
                "urgency": 5,
                "user_id": user.id,
                "agent_id": rng.choice((None, admin.id, restricted.id)),
                "team_id": rng.choice((None, team.id)),
                "merged_into_id": 1 if n % 13 == 0 else None,
                "created_at": now - timedelta(hours=n),
                "updated_at": now,
                "status_changed_at": now,
                "version": 1,
            }
        )
        if rng.random() < 0.5:  # a few share a due time: the tie goes to the newest id
            dues.append({"ticket_id": n, "due_at": now + timedelta(hours=rng.randint(0, 6))})
        if n % 7 == 0:
            follows.append({"ticket_id": n, "agent_id": restricted.id})
    db.session.execute(Ticket.__table__.insert(), rows)
    db.session.execute(TicketSlaDue.__table__.insert(), dues)
    db.session.execute(ticket_followers.insert(), follows)
    db.session.commit()
    return {"admin": agent_actor(admin.row), "restricted": agent_actor(restricted.row)}


FILTERS = (
    {},
    {"status": ["awaiting_agent", "awaiting_user", "pending"]},
    {"status": ["resolved"], "include_merged": True},
    {"team_id": 0},
)


def whole_order(actor, filters) -> list[int]:
    query = queries.tickets_query(actor, {**filters, "order": "sla_due_at"}, loads=False)
    return list(db.session.scalars(query.with_only_columns(Ticket.id)))


def paged(actor, filters, per_page: int, long_from: int) -> list[list[int]]:
    pages, number = [], 1
    while True:
        page = queries.tickets_page(
            actor, {**filters, "order": "sla_due_at"}, number, per_page, long_from=long_from
        )
        if not page.items:
            return pages
        pages.append([ticket.id for ticket in page.items])
        number += 1


@pytest.mark.parametrize("who", ["admin", "restricted"])
@pytest.mark.parametrize("filters", FILTERS)
def test_every_page_read_in_parts_is_the_whole_orders_page(desk, who, filters):
    actor = desk[who]
    expected = whole_order(actor, filters)
    with_due = set(db.session.scalars(db.select(TicketSlaDue.ticket_id)))
    assert any(i in with_due for i in expected) and any(i not in with_due for i in expected)

    # long_from 0: every part is walked along its index; 3: short parts are sorted; 1,000:
    # the list is short, read whole. Page sizes put the boundary between parts mid-page,
    # at a page's end, and past the last page.
    for long_from in (0, 3, 1_000):
        for per_page in (1, 3, 4, 7, 100):
            pages = paged(actor, filters, per_page, long_from)
            assert [i for page in pages for i in page] == expected, (long_from, per_page)
            assert all(len(page) == per_page for page in pages[:-1])


def test_tickets_without_a_clock_come_last_newest_first(desk):
    ids = whole_order(desk["admin"], {"include_merged": True})
    page = queries.tickets_page(
        desk["admin"], {"include_merged": True, "order": "sla_due_at"}, 1, 100, long_from=0
    )
    due = {row.ticket_id: row.due_at for row in db.session.scalars(db.select(TicketSlaDue))}
    clocked = [i for i in ids if i in due]
    assert [t.id for t in page.items] == ids
    assert ids[: len(clocked)] == sorted(clocked, key=lambda i: (due[i], -i))
    assert ids[len(clocked) :] == sorted((i for i in ids if i not in due), reverse=True)
    assert page.total == TICKETS


def test_a_page_past_the_end_is_empty_and_counted(desk):
    page = queries.tickets_page(desk["admin"], {"order": "sla_due_at"}, 99, 10, long_from=0)
    assert page.items == [] and page.total == len(whole_order(desk["admin"], {}))


def test_the_api_pages_the_sla_order_as_before(desk, world, app):
    """The API's list in SLA order: the same tickets, in the same order, page by page."""
    admin = world.admin("Second admin")
    expected = whole_order(agent_actor(admin.row), {})
    seen = []
    for number in (1, 2, 3, 4):
        answer = world.get(f"/api/v1/tickets?order=sla_due_at&per_page=10&page={number}", admin)
        assert answer.status_code == 200
        assert answer.json["total"] == len(expected)
        seen += [item["id"] for item in answer.json["items"]]
    assert seen == expected
