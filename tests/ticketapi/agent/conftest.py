"""Fixtures for the agent pages: the theme's context, an agent who signs in with a password."""

from __future__ import annotations

import pytest

from tests.support.browser import serve_app
from tests.ticketapi.agent.pages import with_password
from ticketapi import create_app
from ticketapi.extensions import db


@pytest.fixture(autouse=True)
def portal(app, monkeypatch, portal_dir):
    monkeypatch.setitem(app.config, "PORTAL_DIR", str(portal_dir))


@pytest.fixture
def dana(world):
    """An agent of the Support team who signs in with a password."""
    team = world.team("Support")
    account = world.agent("Dana", permissions=["tickets.reply"], teams=[team])
    return with_password(account)


@pytest.fixture(scope="module")
def base_url(app, portal_dir):
    """The app served on a free port for Chromium, with the theme's context."""
    served = create_app({**app.config, "PORTAL_DIR": str(portal_dir)})
    with serve_app(served) as url:
        yield url
    with served.app_context():
        db.engine.dispose()


@pytest.fixture
def page(browser):
    """A page that fails the test on a script error, a refused script or a failed file."""
    context = browser.new_context()
    page = context.new_page()
    page.problems = []
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    # A page answered 4xx (a form with errors) is logged as a failed load: judged below.
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and not message.text.startswith("Failed to load resource")
            and page.problems.append(message.text)
        ),
    )
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and response.request.resource_type != "document"
            and page.problems.append(f"{response.status} {response.url}")
        ),
    )
    yield page
    problems = page.problems
    context.close()
    assert problems == []
