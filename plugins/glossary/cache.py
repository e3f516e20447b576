"""Annotated HTML kept between builds, keyed by the glossary and the document's own HTML.

A change to glossary.yml changes every key, so everything is annotated again; a change to one
article changes only its key. Used when Pelican's content cache is on (CACHE_CONTENT).
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from pathlib import Path

logger = logging.getLogger(__name__)
FORMAT = 1


class AnnotationCache:
    def __init__(self, path: Path, fingerprint: bytes, load: bool = True):
        self.path = path
        self.fingerprint = fingerprint
        self.entries: dict[bytes, str] = {}
        self.used: dict[bytes, str] = {}
        if load and path.is_file():
            try:
                with path.open("rb") as handle:
                    version, entries = pickle.load(handle)
                if version == FORMAT:
                    self.entries = entries
            except (OSError, pickle.PickleError, EOFError, ValueError, TypeError):
                logger.info("glossary: annotation cache %s unreadable, starting afresh", path)

    def key(self, html: str) -> bytes:
        return hashlib.blake2b(self.fingerprint + html.encode(), digest_size=20).digest()

    def get(self, key: bytes) -> str | None:
        found = self.entries.get(key)
        if found is not None:
            self.used[key] = found
        return found

    def put(self, key: bytes, html: str) -> None:
        self.used[key] = html

    def save(self) -> None:
        """Keep only what this build used, so the file never grows past the site's size."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        with temporary.open("wb") as handle:
            pickle.dump((FORMAT, self.used), handle, protocol=pickle.HIGHEST_PROTOCOL)
        temporary.replace(self.path)
