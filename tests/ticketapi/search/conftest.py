"""A small portal indexed into a temporary folder, and the app pointed at it."""

from __future__ import annotations

import pytest

from helpdesk.search.indexer import index_documents
from tests.ticketapi.search.documents import DOCUMENTS


@pytest.fixture
def index_dir(app, tmp_path, monkeypatch):
    """An empty index folder the app searches (no build has published anything yet)."""
    folder = tmp_path / "search-index"
    monkeypatch.setitem(app.config, "SEARCH_INDEX", str(folder))
    return folder


@pytest.fixture
def indexed(index_dir):
    """The documents above, indexed and published where the app looks."""
    index_documents(index_dir, DOCUMENTS)
    return index_dir
