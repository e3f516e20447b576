"""Counts that stop at a cap ("N+") and a start page whose statements do not grow with queues."""

from __future__ import annotations

import pytest
from flask import current_app

from tests.ticketapi.agent.pages import page_text, signed_in, statements_of
from tests.ticketapi.portal.pages import page_of, text_of
from ticketapi.agent.models import SavedView
from ticketapi.agent.queues import counts, queues_for
from ticketapi.config import ConfigError, from_environ
from ticketapi.extensions import db
from ticketapi.pagination import paginate
from ticketapi.people.services import agent_actor
from ticketapi.tickets import queries
from ticketapi.tickets import services as tickets


@pytest.fixture
def busy(world, dana):
    """Five of Dana's open tickets, three nobody's, one resolved; Dana signed in."""
    admin = agent_actor(world.admin().row)
    ann = world.user("Ann Lee", email="ann@acme.example")

    def open_one(subject: str, **changes):
        ticket = tickets.open_ticket(
            admin,
            {"user_id": ann.id, "subject": subject, "message": "Hi", **changes},
            now=world.now,
        )
        db.session.commit()
        return ticket

    for n in range(5):
        open_one(f"Dana's {n}", agent_id=dana.id)
    for n in range(3):
        open_one(f"Nobody's {n}")
    done = open_one("Solved", agent_id=dana.id)
    tickets.update_ticket(
        admin, done.id, {"status": "resolved"}, version=done.version, now=world.now
    )
    db.session.commit()
    signed_in(world, dana)
    return admin


@pytest.fixture
def cap(app):
    def set_cap(value: int) -> None:
        current_app.config["AGENT_COUNT_CAP"] = value

    before = app.config["AGENT_COUNT_CAP"]
    yield set_cap
    app.config["AGENT_COUNT_CAP"] = before


def sidebar(response) -> dict[str, str]:
    """Each queue's count as the sidebar shows it, e.g. {"mine": "3+"}."""
    found = {}
    for link in page_of(response).select(".sidebar a"):
        if (count := link.select_one(".queue-count")) is not None:
            found[link["href"].split("queue=")[1]] = text_of(count).strip(" ,").split()[0]
    return found


def test_counts_below_the_cap_are_the_list_services_totals(world, busy, dana, cap):
    cap(8)
    shown = sidebar(world.get("/agent/"))
    actor = agent_actor(dana.row)
    for queue in queues_for(dana.row):
        total = paginate(queries.tickets_query(actor, queue.filters), 1, 1).total
        assert total <= 8 and shown[queue.key] == str(total), queue.key
    assert shown["mine"] == "5" and shown["unassigned"] == "3"


def test_counts_above_the_cap_say_there_are_more(world, busy, dana, cap):
    cap(4)
    shown = sidebar(world.get("/agent/"))
    # Dana's own five and the eight awaiting an agent pass the cap; three and one do not.
    assert shown["mine"] == "4+" and shown["status-awaiting_agent"] == "4+"
    assert shown["unassigned"] == "3" and shown["status-resolved"] == "1"
    tallies = counts(agent_actor(dana.row), queues_for(dana.row))
    assert (tallies["mine"].number, tallies["mine"].more) == (4, True)
    assert (tallies["unassigned"].number, tallies["unassigned"].more) == (3, False)


def test_a_list_longer_than_the_cap_says_more_and_keeps_its_pages(world, busy, dana, cap):
    cap(2)
    # The list counts up to its page's end at least (25 here): eight is counted exactly.
    assert "8 open tickets" in page_text(world.get("/agent/?queue=status-awaiting_agent"))
    cap(1)
    page = world.get("/agent/?queue=mine&page=1")
    assert "5 open tickets" in page_text(page)  # never short of the page shown


def test_a_long_list_says_more_with_a_next_page(world, busy, dana, cap, monkeypatch):
    monkeypatch.setattr("ticketapi.agent.start.PER_PAGE", 2)
    cap(3)
    first = world.get("/agent/?queue=mine")
    assert "3+ open tickets" in page_text(first)
    pager = page_of(first).select_one(".pager")
    assert "Page 1 of 2+" in text_of(pager)
    second = world.get(pager.select_one("a")["href"])
    assert "Page 2 of 2+" in text_of(page_of(second).select_one(".pager"))
    third = world.get("/agent/?queue=mine&page=3")
    assert "Page 3 of 3" in text_of(page_of(third).select_one(".pager"))
    assert "Next page" not in text_of(page_of(third).select_one(".pager"))


def test_the_start_page_asks_as_many_statements_whatever_the_number_of_queues(world, busy, dana):
    queues = len(queues_for(dana.row))
    before = statements_of(world, "/agent/")
    for n in range(4):
        team = world.team(f"Team {n}")
        dana.row.teams.append(team)
        db.session.add(SavedView(agent_id=dana.id, name=f"View {n}", filters={"label": "x"}))
    db.session.commit()
    assert len(queues_for(dana.row)) == queues + 8
    after = statements_of(world, "/agent/")
    assert len(after) == len(before)
    assert sum("count(" in s for s in after) == 2  # the sidebar's one and the list's one


@pytest.mark.parametrize("value", ["0", "-5", "many", "1e3", ""])
def test_a_count_cap_that_is_not_a_whole_number_is_refused(tmp_path, value):
    with pytest.raises(ConfigError, match="HELPDESK_AGENT_COUNT_CAP"):
        from_environ({"HELPDESK_INSTANCE_DIR": str(tmp_path), "HELPDESK_AGENT_COUNT_CAP": value})
    cap = from_environ({"HELPDESK_INSTANCE_DIR": str(tmp_path), "HELPDESK_AGENT_COUNT_CAP": "50"})
    assert cap["AGENT_COUNT_CAP"] == 50
