"""The portal's built context for the settings' pages (tests/support/portal.py)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def portal_context(app, monkeypatch, portal_dir):
    """The portal's form renders with a built context, as in the portal's own tests."""
    monkeypatch.setitem(app.config, "PORTAL_DIR", str(portal_dir))
