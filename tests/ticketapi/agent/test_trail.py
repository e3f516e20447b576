"""The ticket page's trail (agent/trail.py): opened from a list, it links the previous and the
next ticket of that list as it is now (what j and k follow), keeps them through its forms,
and offers nothing for a list the agent does not have."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.support.world import World
from tests.ticketapi.agent.pages import (
    EVERYTHING,
    form_values,
    signed_in,
    ticket_path,
    with_password,
)
from tests.ticketapi.portal.pages import page_of, text_of
from ticketapi.agent import saved_views
from ticketapi.extensions import db
from ticketapi.people.services import agent_actor
from ticketapi.tickets import services as tickets
from ticketapi.timeutil import utcnow


@pytest.fixture
def queue(world):
    """Five unassigned tickets of the Support team, oldest first A to E; one of Billing's,
    which Dana may not see."""
    support, billing = world.team("Support"), world.team("Billing")
    dana = with_password(world.agent("Dana", permissions=EVERYTHING, teams=[support]))
    admin = agent_actor(world.admin().row)
    ann = world.user("Ann Lee", email="ann@acme.example")
    made = {}
    teams = [("A", support), ("B", support), ("Billing's", billing)]
    for minute, (subject, team) in enumerate(teams + [(s, support) for s in "CDE"]):
        made[subject] = tickets.open_ticket(
            admin,
            {"user_id": ann.id, "subject": subject, "message": "Hi", "team_id": team.id},
            now=world.now - timedelta(hours=1) + timedelta(minutes=minute),
        )
        db.session.commit()
    signed_in(world, dana)
    return {"dana": dana, "admin": admin, "tickets": made}


OLDEST = "/agent/?queue=unassigned&sort=oldest"


def opened(world, path: str):
    """The "Open the ticket" link of the summary the list's link shows."""
    summary = page_of(world.get(path))
    link = summary.select_one(".detail-pane a", string="Open the ticket")
    assert link is not None, text_of(summary)
    return link["href"]


def trail(world, href: str) -> dict[str, str]:
    """What the ticket page's trail links to: subjects by link text."""
    html = page_of(world.get(href))
    found = {}
    for link in html.select("nav.trail a"):
        target = page_of(world.get(link["href"])) if "tickets" in link["href"] else None
        title = target.select_one("#ticket-title") if target is not None else None
        found[text_of(link)] = text_of(title) if title is not None else link["href"]
    return found


def test_the_summary_opens_the_ticket_with_its_place_in_the_list(world, queue):
    third = queue["tickets"]["C"]
    href = opened(world, f"{OLDEST}&ticket={third.id}")
    parts = urlsplit(href)
    assert parts.path == ticket_path(third)
    assert parse_qs(parts.query) == {"queue": ["unassigned"], "sort": ["oldest"], "at": ["2"]}
    # The selected row's own link opens it too (Enter after j/k).
    row = page_of(world.get(f"{OLDEST}&ticket={third.id}")).select_one(".is-selected a")
    assert row["href"] == href
    links = trail(world, href)
    assert links["← Previous ticket"] == "B" and links["Next ticket →"] == "D"
    assert "Back to Unassigned" in links


def test_the_ends_of_the_list_have_one_neighbour(world, queue):
    first = opened(world, f"{OLDEST}&ticket={queue['tickets']['A'].id}")
    assert set(trail(world, first)) == {"Back to Unassigned", "Next ticket →"}
    last = opened(world, f"{OLDEST}&ticket={queue['tickets']['E'].id}")
    html = page_of(world.get(last))
    assert "The last ticket of the list" in text_of(html.select_one("nav.trail"))
    assert trail(world, last)["← Previous ticket"] == "D"


def test_a_ticket_that_left_the_list_is_followed_by_the_one_after_it(world, queue):
    second = queue["tickets"]["B"]
    href = opened(world, f"{OLDEST}&ticket={second.id}")
    page = world.get(href)
    data = {**form_values(page, "form.properties"), "agent_id": str(queue["dana"].id)}
    answer = world.post(page_of(page).select_one("form.properties")["action"], data=data)
    assert answer.status_code == 303
    back = urlsplit(answer.headers["Location"])
    assert back.path == ticket_path(second) and parse_qs(back.query)["at"] == ["1"]
    links = trail(world, answer.headers["Location"])
    assert links["← Previous ticket"] == "A" and links["Next ticket →"] == "C"


def test_a_filter_and_its_sort_are_the_trail(world, queue):
    for subject in ("B", "D"):
        ticket = queue["tickets"][subject]
        tickets.update_ticket(
            queue["admin"], ticket.id, {"labels": ["vpn"]}, version=ticket.version, now=utcnow()
        )
    db.session.commit()
    listed = "/agent/?queue=filter&label=vpn&sort=newest"
    href = opened(world, f"{listed}&ticket={queue['tickets']['D'].id}")
    assert set(parse_qs(urlsplit(href).query)) == {"queue", "label", "sort", "at"}
    links = trail(world, href)
    assert set(links) == {"Back to Filtered tickets", "Next ticket →"}
    assert links["Next ticket →"] == "B"


def test_a_saved_view_is_a_trail_for_its_owner_only(world, app, queue):
    view = saved_views.create(queue["dana"].row, "Newest VPN", {"q": "A"}, now=utcnow())
    db.session.commit()
    first = queue["tickets"]["A"]
    href = f"{ticket_path(first)}?queue=view-{view.id}&at=0"
    assert "Back to Newest VPN" in trail(world, href)
    sam = with_password(world.agent("Sam", permissions=EVERYTHING))
    sam_world = World(app.test_client())
    signed_in(sam_world, sam)
    html = page_of(sam_world.get(href))
    assert html.select_one("nav.trail") is None  # Dana's view is not Sam's list


@pytest.mark.parametrize(
    "query",
    [
        "queue=unassigned",
        "queue=nope&at=0",
        "queue=unassigned&at=-1",
        "queue=unassigned&at=x",
        "queue=unassigned&at=99999999999",
        "queue=filter&urgency=99&at=0",
    ],
)
def test_an_address_without_a_readable_trail_shows_none(world, queue, query):
    response = world.get(f"{ticket_path(queue['tickets']['A'])}?{query}")
    assert response.status_code == 200
    assert page_of(response).select_one("nav.trail") is None


def test_the_neighbours_are_those_the_agent_may_see(world, queue):
    # Billing's ticket lies between B and C by age; Dana's list never had it.
    href = opened(world, f"{OLDEST}&ticket={queue['tickets']['B'].id}")
    assert trail(world, href)["Next ticket →"] == "C"


def test_a_ticket_that_moved_up_one_keeps_its_true_neighbours(world, queue):
    made = queue["tickets"]
    listed = "/agent/?queue=unassigned&sort=urgency"  # then the newest first: E D C B A
    href = opened(world, f"{listed}&ticket={made['C'].id}")
    assert "at=2" in href
    lower = made["D"]
    tickets.update_ticket(
        queue["admin"], lower.id, {"urgency": 4}, version=lower.version, now=utcnow()
    )
    db.session.commit()  # now E C B A D: C moved up one
    links = trail(world, href)
    assert links["← Previous ticket"] == "E" and links["Next ticket →"] == "B"
