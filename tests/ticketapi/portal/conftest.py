"""Every portal test sees the small search index and the built context (tests/support/portal.py)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def portal(app, monkeypatch, built_index, portal_dir):
    """Every portal test sees the index and the context above."""
    monkeypatch.setitem(app.config, "SEARCH_INDEX", str(built_index))
    monkeypatch.setitem(app.config, "PORTAL_DIR", str(portal_dir))
