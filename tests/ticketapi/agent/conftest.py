"""Fixtures for the agent pages: the theme's context, an agent who signs in with a password."""

from __future__ import annotations

import pytest

from tests.ticketapi.agent.pages import with_password


@pytest.fixture(autouse=True)
def portal(app, monkeypatch, portal_dir):
    monkeypatch.setitem(app.config, "PORTAL_DIR", str(portal_dir))


@pytest.fixture
def dana(world):
    """An agent of the Support team who signs in with a password."""
    team = world.team("Support")
    account = world.agent("Dana", permissions=["tickets.reply"], teams=[team])
    return with_password(account)
