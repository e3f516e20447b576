"""Indexing: what is found after a build, and what an incremental build leaves alone."""

from __future__ import annotations

from dataclasses import replace

from helpdesk.search import indexer
from helpdesk.search.indexer import index_documents
from helpdesk.search.query import search
from helpdesk.search.reader import open_reader
from helpdesk.search.store import IndexStore, Manifest

from .documents import DOCUMENTS


def urls(answer) -> list[str]:
    return [result.url for result in answer.results]


def test_every_section_is_found_by_its_words(indexed):
    assert urls(search(indexed, "snapshot timeline"))[0] == "/kb/backup/restore-files/"
    assert urls(search(indexed, "maintenance sunday")) == ["/news/maintenance/"]
    assert urls(search(indexed, "exclusion patterns")) == ["/downloads/exclusions/"]
    assert urls(search(indexed, "contact support hours")) == ["/contact/"]


def test_title_tags_summary_and_body_are_all_searched(indexed):
    assert "/kb/billing/invoices/" in urls(search(indexed, "accountant"))  # body
    assert "/kb/billing/invoices/" in urls(search(indexed, "billing"))  # tag
    assert "/kb/backup/restore-files/" in urls(search(indexed, "deleted"))  # summary, body


def test_markup_is_not_indexed_but_its_text_is(indexed):
    assert search(indexed, "strong").total == 0
    assert search(indexed, "em").total == 0
    assert urls(search(indexed, "restore"))[0] == "/kb/backup/restore-files/"


def test_an_unchanged_build_writes_no_new_generation(index_dir):
    first = index_documents(index_dir, DOCUMENTS)
    again = index_documents(index_dir, DOCUMENTS)
    assert first.published and first.added == len(DOCUMENTS)
    assert again.folder is None and again.unchanged == len(DOCUMENTS)
    assert IndexStore(index_dir).current() == first.folder


def test_only_the_changed_document_is_indexed_again(index_dir, monkeypatch):
    index_documents(index_dir, DOCUMENTS)
    reader = open_reader(index_dir)
    assert search(reader, "kayak").total == 0
    written = []
    original = indexer.Document.fields
    monkeypatch.setattr(indexer.Document, "fields", lambda d: written.append(d.url) or original(d))
    changed = [replace(DOCUMENTS[1], body="<p>Invoices can be paid by kayak courier.</p>")]
    result = index_documents(index_dir, changed + DOCUMENTS[:1] + DOCUMENTS[2:])
    assert written == ["/kb/billing/invoices/"]
    assert (result.updated, result.added, result.deleted) == (1, 0, 0)
    assert urls(search(reader, "kayak")) == ["/kb/billing/invoices/"]
    assert search(reader, "accountant").total == 0, "the old text is gone"
    assert search(reader, "snapshot").total >= 1, "unchanged documents are still there"


def test_a_removed_document_is_deleted_from_the_index(index_dir):
    index_documents(index_dir, DOCUMENTS)
    reader = open_reader(index_dir)
    assert search(reader, "maintenance").total == 1
    result = index_documents(index_dir, [d for d in DOCUMENTS if d.url != "/news/maintenance/"])
    assert result.deleted == 1
    assert search(reader, "maintenance").total == 0
    assert "news" not in search(reader, "console").sections


def test_a_full_rebuild_indexes_everything_again_from_scratch(index_dir):
    index_documents(index_dir, DOCUMENTS)
    result = index_documents(index_dir, DOCUMENTS, full=True)
    assert result.full and result.added == len(DOCUMENTS)
    assert IndexStore(index_dir).current().name == "gen-000002"
    assert search(open_reader(index_dir), "invoice").total == 1


def test_an_index_of_an_older_schema_is_rebuilt_in_full(index_dir):
    first = index_documents(index_dir, DOCUMENTS)
    Manifest(schema=0, digests=Manifest.read(first.folder).digests).write(first.folder)
    assert index_documents(index_dir, DOCUMENTS).full


def test_many_documents_are_written_by_two_processes(index_dir, monkeypatch):
    monkeypatch.setattr(indexer, "MULTIPROCESS_MIN_DOCUMENTS", 20)
    documents = [
        replace(DOCUMENTS[0], url=f"/kb/backup/copy-{n}/", title=f"Copy {n} of restore")
        for n in range(40)
    ]
    result = index_documents(index_dir, documents)
    assert result.added == 40
    answer = search(open_reader(index_dir), "restore", limit=50)
    assert answer.total == 40 and len(answer.results) == 40
