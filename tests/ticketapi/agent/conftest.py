"""Fixtures for the agent pages: the theme's context, agents who sign in with a password, a
ticket to work on, the app served for Chromium and a watched page."""

from __future__ import annotations

import pytest

from tests.ticketapi.agent.pages import (
    EVERYTHING,
    serve_agent_pages,
    signed_in,
    watched_page,
    with_password,
)
from ticketapi.agent import presence
from ticketapi.extensions import db
from ticketapi.people.services import agent_actor
from ticketapi.tickets import conversation
from ticketapi.tickets import services as tickets


@pytest.fixture(autouse=True)
def portal(app, monkeypatch, portal_dir):
    monkeypatch.setitem(app.config, "PORTAL_DIR", str(portal_dir))


@pytest.fixture
def dana(world):
    """An agent of the Support team who signs in with a password."""
    team = world.team("Support")
    account = world.agent("Dana", permissions=["tickets.reply"], teams=[team])
    return with_password(account)


@pytest.fixture
def ticket_desk(world):
    """Dana (every ticket permission), signed in, and a ticket of Ann's with a note; no
    presence marks of another test (they live in this process's memory here)."""
    presence._memory.clear()
    team = world.team("Support")
    dana = with_password(world.agent("Dana", permissions=EVERYTHING, teams=[team]))
    admin = agent_actor(world.admin().row)
    ann = world.user("Ann Lee", email="ann@acme.example", organization=world.organization("Acme"))
    ticket = tickets.open_ticket(
        admin,
        {"user_id": ann.id, "subject": "Printer on fire", "message": "It **burns**."},
        now=world.now,
    )
    db.session.flush()
    conversation.post_message(admin, ticket.id, body="Checking the logs.", note=True, now=world.now)
    db.session.commit()
    signed_in(world, dana)
    yield {"dana": dana, "admin": admin, "ann": ann, "ticket": ticket, "team": team}
    presence._memory.clear()


@pytest.fixture(scope="module")
def base_url(app, portal_dir):
    """The app served on a free port for Chromium, with the theme's context."""
    with serve_agent_pages(app, portal_dir) as url:
        yield url


@pytest.fixture
def page(browser):
    """A page that fails the test on a script error, a refused script, a failed file or a
    dialog (pages.watched_page)."""
    context, page = watched_page(browser)
    yield page
    problems = page.problems
    context.close()
    assert problems == []
