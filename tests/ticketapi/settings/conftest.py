"""The notification tests' help desk and mailbox, and the portal's built context."""

from __future__ import annotations

import pytest

from tests.ticketapi.jobs.conftest import queue  # noqa: F401
from tests.ticketapi.notifications.conftest import desk, mailbox  # noqa: F401
from tests.ticketapi.portal.conftest import built_index, portal_dir  # noqa: F401


@pytest.fixture(autouse=True)
def portal_context(app, monkeypatch, portal_dir):  # noqa: F811
    """The portal's form renders with a built context, as in the portal's own tests."""
    monkeypatch.setitem(app.config, "PORTAL_DIR", str(portal_dir))
