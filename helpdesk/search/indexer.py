"""Index documents: only what changed since the served generation, or everything on demand."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import re
import time
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.multiproc import MpWriter

from .postings import write_segment_postings
from .schema import SCHEMA_VERSION, make_schema
from .store import IndexStore, Manifest
from .text import html_to_text

#: Below this many documents to add, one writer is quicker than starting processes.
MULTIPROCESS_MIN_DOCUMENTS = 1000
#: Writer processes for a large batch: this machine, and most build servers, have 2 cores.
WRITER_PROCESSES = 2
_WORD = re.compile(r"[^\W\d_]{3,}")


@dataclass(frozen=True)
class Document:
    """One searchable page of the portal; `body` and `summary` may be HTML."""

    url: str
    title: str
    section: str
    body: str = ""
    summary: str = ""
    tags: tuple[str, ...] = ()
    category: str = ""
    date: str = ""
    #: Empty for a public document; otherwise only these usergroups (and agents) find it.
    usergroups: tuple[str, ...] = ()

    def digest(self) -> str:
        """A hash of everything indexed: an unchanged digest means nothing to re-index."""
        parts = [
            self.url, self.title, self.section, self.body, self.summary, "\x1f".join(self.tags),
            self.category, self.date, "\x1f".join(self.usergroups),
        ]  # fmt: skip
        return hashlib.blake2b("\x00".join(parts).encode(), digest_size=16).hexdigest()

    def fields(self) -> dict:
        """The values whoosh indexes and stores for this document."""
        body = html_to_text(self.body)
        summary = html_to_text(self.summary)
        tags = ", ".join(self.tags)
        words = {w.lower() for w in _WORD.findall(f"{self.title} {tags} {summary} {body}")}
        return {
            "url": self.url,
            "section": self.section,
            "category": self.category,
            "title": self.title,
            "tags": tags,
            "summary": summary,
            "body": body,
            "date": self.date,
            "restricted": bool(self.usergroups),
            "usergroups": ",".join(g.strip().lower() for g in self.usergroups),
            "spell": " ".join(sorted(words)),
        }


@dataclass
class IndexResult:
    """What a run of the indexer did."""

    folder: Path | None
    full: bool = False
    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    #: From start to finish; what the caller spent in it (comparing digests, then waiting in
    #: `finish()`, publishing); and writing the index, in whichever process did.
    seconds: float = 0.0
    blocking: float = 0.0
    writing: float = 0.0
    published: bool = False
    urls: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.deleted) or self.full

    def describe(self) -> str:
        if self.full:
            what = f"indexed {self.added} documents"
        else:
            what = (
                f"{self.added} added, {self.updated} updated, {self.deleted} removed, "
                f"{self.unchanged} unchanged"
            )
        return f"{what} ({self.blocking:.2f} s of the build's time, {self.writing:.2f} s writing)"


@dataclass
class Plan:
    """What a build must write: the documents that changed, the URLs that went away."""

    full: bool
    changed: list[Document]
    removed: list[str]
    digests: dict[str, str]
    result: IndexResult


def plan(store: IndexStore, documents: Iterable[Document], full: bool = False) -> Plan:
    """Compare the documents with the served generation's manifest."""
    by_url = {document.url: document for document in documents}
    digests = {url: document.digest() for url, document in by_url.items()}
    current = store.current()
    manifest = Manifest.read(current) if current else None
    full = full or manifest is None or manifest.schema != SCHEMA_VERSION
    previous = {} if full else manifest.digests
    changed = [by_url[url] for url, digest in digests.items() if previous.get(url) != digest]
    removed = [url for url in previous if url not in digests]
    result = IndexResult(
        folder=None,
        full=full,
        added=sum(1 for d in changed if d.url not in previous),
        updated=sum(1 for d in changed if d.url in previous),
        deleted=len(removed),
        unchanged=len(digests) - len(changed),
        urls=[d.url for d in changed] + removed,
    )
    return Plan(full, changed, removed, digests, result)


def index_documents(
    root: Path | str,
    documents: Iterable[Document],
    *,
    full: bool = False,
    build_id: str | None = None,
    publish: bool = True,
    processes: int = WRITER_PROCESSES,
) -> IndexResult:
    """Bring the index in `root` up to date with `documents`, the whole published site.

    A document whose digest is unchanged is left alone, one no longer listed is deleted.
    `full` (or an index of another schema version) indexes everything into a fresh
    generation. With `publish`, readers see the new generation when this returns; otherwise
    the caller publishes `result.folder` with `IndexStore.publish` or discards it. Nothing
    changed: no new generation, and `result.folder` is None.
    """
    job = start_indexing(root, documents, full=full, build_id=build_id, processes=processes)
    return job.finish(publish=publish)


def start_indexing(
    root: Path | str,
    documents: Iterable[Document],
    *,
    full: bool = False,
    build_id: str | None = None,
    processes: int = WRITER_PROCESSES,
) -> IndexJob:
    """Start `index_documents`' work; a large batch is written meanwhile by other processes.

    The Pelican plugin starts the job once every document is read and finishes it once
    every page is written, so a full index and Pelican's writing share the machine's cores.
    """
    started = time.perf_counter()
    store = IndexStore(root)
    store.root.mkdir(parents=True, exist_ok=True)
    return IndexJob(
        store, plan(store, documents, full), build_id or str(os.getpid()), processes, started
    )


class IndexJob:
    """An index update under way."""

    def __init__(
        self, store: IndexStore, work: Plan, build_id: str, processes: int, started: float
    ):
        self.store, self.work, self.build_id, self.started = store, work, build_id, started
        self.planning = time.perf_counter() - started
        self._pool: ProcessPoolExecutor | None = None
        self._future = None
        if (
            work.result.changed
            and processes > 1
            and len(work.changed) >= MULTIPROCESS_MIN_DOCUMENTS
        ):
            # whoosh's multiprocessing writer forks; forking is safe only in a process without
            # threads (a test session, a server, `helpdesk build` with its parallel check have
            # them), so the batch goes to a fresh process of its own.
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
            self._future = self._pool.submit(write, store.root, work, build_id, processes)

    def finish(self, publish: bool = True) -> IndexResult:
        """Wait for the new generation and publish it, or leave it for the caller."""
        waiting = time.perf_counter()
        try:
            if not self.work.result.changed:
                result = self.work.result
            elif self._future is not None:
                result = self._future.result()
            else:
                result = write(self.store.root, self.work, self.build_id, 1)
        finally:
            self._close()
        if publish and result.folder is not None:
            result.folder = self.store.publish(result.folder)
            result.published = True
        result.blocking = self.planning + time.perf_counter() - waiting
        result.seconds = time.perf_counter() - self.started
        return result

    def abandon(self) -> None:
        """Let a running update end, and throw away what it wrote."""
        try:
            if self._future is not None:
                self._future.exception()
        finally:
            self._close()
            self.store.discard(self.store.building(self.build_id))

    def _close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None


def write(root: Path, work: Plan, build_id: str, processes: int) -> IndexResult:
    """Write a plan into a new, unpublished generation: `building-<build_id>`."""
    started = time.perf_counter()
    store = IndexStore(root)
    folder = store.start(build_id, from_current=not work.full)
    try:
        if work.full:
            ix = whoosh_index.create_in(folder, make_schema())
        else:
            ix = whoosh_index.open_dir(folder)
        writer = _writer(ix, len(work.changed), processes)
        try:
            if not work.full:
                for url in work.removed + [d.url for d in work.changed]:
                    writer.delete_by_term("url", url)
            for document in work.changed:
                writer.add_document(**document.fields())
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        write_segment_postings(folder, ix)
        ix.close()
        Manifest(SCHEMA_VERSION, work.digests).write(folder)
    except BaseException:
        store.discard(folder)
        raise
    result = work.result
    result.folder = folder
    result.writing = time.perf_counter() - started
    return result


def _writer(ix, documents: int, processes: int):
    """One writer for a few documents; for many, one process a core, each its own segment."""
    if processes > 1 and documents >= MULTIPROCESS_MIN_DOCUMENTS:
        return MpWriter(ix, procs=processes, batchsize=256, multisegment=True)
    return ix.writer()
