"""Small hand-written sites indexed into a temporary folder."""

from __future__ import annotations

import pytest

from helpdesk.search.indexer import index_documents
from helpdesk.search.reader import open_reader
from tests.search.documents import DOCUMENTS


@pytest.fixture
def index_dir(tmp_path):
    return tmp_path / "search-index"


@pytest.fixture
def indexed(index_dir):
    """The documents above, indexed and published; returns a reader of them."""
    index_documents(index_dir, DOCUMENTS)
    return open_reader(index_dir)
