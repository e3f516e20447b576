"""Open the served index read-only, and follow the pointer when a build publishes a new one."""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.searching import Searcher

from .ranking import Tables
from .store import IndexStore

logger = logging.getLogger(__name__)


class IndexReader:
    """A web process's view of the index: the generation CURRENT names, re-checked per query.

    The check is one `stat` of the pointer file; a build replaces that file (a new inode),
    and the next query opens the new generation. A query already running finishes on the
    searcher it started with.
    """

    def __init__(self, root: Path | str):
        self.store = IndexStore(root)
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._tables: Tables | None = None
        self.generation: Path | None = None

    def _pointer_stamp(self) -> tuple[int, int] | None:
        try:
            status = os.stat(self.store.pointer)
        except OSError:
            return None
        return status.st_ino, status.st_mtime_ns

    def searcher(self) -> Searcher | None:
        """The searcher of the current generation; None while no build has published one."""
        tables = self.tables()
        return tables.searcher if tables is not None else None

    def tables(self) -> Tables | None:
        """The current generation's searcher and the arrays kept for it (see ranking.py)."""
        stamp = self._pointer_stamp()
        if stamp == self._stamp and self._tables is not None:
            return self._tables
        with self._lock:
            if stamp != self._stamp or self._tables is None:
                self._open(stamp)
            return self._tables

    def _open(self, stamp) -> None:
        generation = self.store.current()
        if generation is None:
            self._tables, self.generation, self._stamp = None, None, stamp
            return
        if generation == self.generation and self._tables is not None:
            self._stamp = stamp
            return
        try:
            ix = whoosh_index.open_dir(generation, readonly=True)
            searcher = ix.searcher()
        except (OSError, whoosh_index.IndexError) as exc:
            # Pruned between reading the pointer and opening it: keep what we have.
            logger.warning("search index %s could not be opened: %s", generation, exc)
            return
        # The old searcher is not closed: a query in another thread may still be using it.
        self._tables, self.generation, self._stamp = Tables(searcher, generation), generation, stamp

    @property
    def available(self) -> bool:
        return self.tables() is not None


def open_reader(root: Path | str) -> IndexReader:
    """A reader of the index folder `root`; it need not hold an index yet."""
    return IndexReader(root)
