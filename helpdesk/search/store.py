"""Where indexes live: numbered generations, and a pointer file naming the one to serve.

    <index dir>/CURRENT          "gen-000007": the generation readers open
    <index dir>/gen-000007/      a complete whoosh index and its manifest.json
    <index dir>/building-<id>/   a build in progress, or one waiting to be published

A build never writes into the generation being served. It starts from a copy of it (hard
links: whoosh never rewrites a file it has written), updates that, and publishing renames
the folder to the next generation and replaces CURRENT with `os.replace`, so a reader sees
the old index or the new one, never half of either.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

POINTER = "CURRENT"
MANIFEST = "manifest.json"
GENERATION = re.compile(r"^gen-(\d+)$")
#: Generations no longer served are kept this long, for readers still answering a query
#: on them; the newest retired generation is always kept.
GRACE_SECONDS = 300.0
#: The index folder's name beside the portal's output folder, when none is configured.
DEFAULT_NAME = "search-index"


def default_index_dir(output: Path) -> Path:
    """Where the index of a portal built into `output` lives: beside it, never inside it.

    The output folder is public (any static host serves it); the index also holds the
    restricted articles.
    """
    return Path(output).resolve().parent / DEFAULT_NAME


@dataclass(frozen=True)
class Manifest:
    """What a generation holds: the schema version and each document's digest by URL."""

    schema: int
    digests: dict[str, str]

    def write(self, folder: Path) -> None:
        data = {"schema": self.schema, "documents": self.digests}
        (folder / MANIFEST).write_text(json.dumps(data, sort_keys=True), encoding="utf-8")

    @classmethod
    def read(cls, folder: Path) -> Manifest | None:
        try:
            data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            return cls(int(data["schema"]), dict(data["documents"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None


class IndexStore:
    """The index folder: which generation is current, building and publishing new ones."""

    def __init__(self, root: Path | str):
        self.root = Path(root)

    @property
    def pointer(self) -> Path:
        return self.root / POINTER

    def current(self) -> Path | None:
        """The generation being served, or None before the first published build."""
        try:
            name = self.pointer.read_text(encoding="utf-8").strip()
        except OSError:
            return None
        folder = self.root / name
        return folder if GENERATION.match(name) and folder.is_dir() else None

    def building(self, build_id: str) -> Path:
        return self.root / f"building-{build_id}"

    def start(self, build_id: str, from_current: bool = True) -> Path:
        """A fresh folder to build in: a hard-linked copy of the current generation, or empty."""
        folder = self.building(build_id)
        shutil.rmtree(folder, ignore_errors=True)
        current = self.current() if from_current else None
        if current is None:
            folder.mkdir(parents=True)
        else:
            shutil.copytree(current, folder, copy_function=_link_or_copy)
        return folder

    def publish(self, folder: Path) -> Path:
        """Make a finished build the current generation; return its folder."""
        generation = self.root / f"gen-{self._next_number():06d}"
        folder.rename(generation)
        pending = self.root / f".{POINTER}.{os.getpid()}"
        pending.write_text(generation.name + "\n", encoding="utf-8")
        with open(pending, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(pending, self.pointer)
        self.prune()
        return generation

    def discard(self, folder: Path) -> None:
        shutil.rmtree(folder, ignore_errors=True)

    def prune(self, now: float | None = None) -> list[Path]:
        """Remove generations retired more than GRACE_SECONDS ago, but never the newest two."""
        now = time.time() if now is None else now
        current = self.current()
        generations = sorted(self.generations(), key=_number)
        removed = []
        for folder in generations[:-2]:
            if folder == current:
                continue
            # A generation stops being served when the next one is published: its successor's
            # folder was renamed into place then, which sets its change time.
            successor = next(g for g in generations if _number(g) > _number(folder))
            if now - successor.stat().st_ctime >= GRACE_SECONDS:
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
        return removed

    def generations(self) -> list[Path]:
        if not self.root.is_dir():
            return []
        return [p for p in self.root.iterdir() if GENERATION.match(p.name) and p.is_dir()]

    def _next_number(self) -> int:
        return max((_number(g) for g in self.generations()), default=0) + 1


def _number(folder: Path) -> int:
    return int(GENERATION.match(folder.name).group(1))


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
