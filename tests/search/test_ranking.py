"""The array scores are whoosh's own BM25F scores, for every document, in every segment,
read from the build's postings files or, without them, through whoosh."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from whoosh import query as wq

from helpdesk.search.indexer import index_documents
from helpdesk.search.postings import SUFFIX, SegmentPostings
from helpdesk.search.query import _parser, _query, search
from helpdesk.search.ranking import BoundedCache, top
from helpdesk.search.reader import open_reader
from helpdesk.search.store import IndexStore

from .documents import DOCUMENTS

QUERIES = [
    "snapshot",
    "restore deleted files",
    "console backups maintenance",
    '"snapshot timeline"',
    "invoices receipts accountant",
    "sso saml",
    "the",
    "qwxzv",
    # the last word being typed: the best of the word and the words it begins
    "snap",
    "resto",
    "restore sna",
    "rest* console",
    "inv",
    "con",  # console, connect, contact: two of them in one document
    "backup con",
]


def whoosh_scores(searcher, parsed) -> dict[int, float]:
    """whoosh's scores; for the best of several parts (a word being typed), the best of
    whoosh's scores of each part. (whoosh's own DisjunctionMax matcher takes the best of its
    parts at wherever each one stands, not at the document scored: a bug.)"""
    if not has_best_of(parsed):
        return {hit.docnum: hit.score for hit in searcher.search(parsed, limit=None)}
    parts = [whoosh_scores(searcher, child) for child in parsed.subqueries]
    combined: dict[int, float] = {}
    for part in parts:
        for docnum, score in part.items():
            if isinstance(parsed, wq.DisjunctionMax):
                combined[docnum] = max(score, combined.get(docnum, 0.0))
            else:
                combined[docnum] = score + combined.get(docnum, 0.0)
    return combined


def has_best_of(query) -> bool:
    return isinstance(query, wq.DisjunctionMax) or any(map(has_best_of, query.children()))


def array_scores(tables, parsed) -> dict[int, float]:
    scores, matched = tables.score(parsed)
    return {int(docnum): float(scores[docnum]) for docnum in np.flatnonzero(matched)}


@pytest.fixture
def segmented(index_dir):
    """An index of two segments in which some documents were replaced (deleted and added)."""
    index_documents(index_dir, DOCUMENTS)
    changed = [replace(d, body=d.body + "<p>Updated for 2027.</p>") for d in DOCUMENTS[:3]]
    index_documents(index_dir, [*changed, *DOCUMENTS[3:]])
    reader = open_reader(index_dir)
    assert len(reader.searcher().reader().leaf_readers()) == 2
    return reader


@pytest.fixture
def without_files(index_dir):
    """An index whose segments have no postings files (built before they existed)."""
    index_documents(index_dir, DOCUMENTS)
    for path in index_dir.glob("gen-*/*" + SUFFIX):
        path.unlink()
    return open_reader(index_dir)


@pytest.fixture
def files_without_words(index_dir):
    """An index whose postings files have no word list (written before they had one)."""
    index_documents(index_dir, DOCUMENTS)
    for path in index_dir.glob("gen-*/*" + SUFFIX):
        with np.load(path) as data:
            kept = {name: data[name] for name in data.files if not name.startswith("spell.")}
        assert len(kept) < len(data.files)
        path.unlink()  # a hard link shared with no other generation here
        with open(path, "wb") as handle:
            np.savez(handle, **kept)
    return open_reader(index_dir)


def test_every_segment_has_its_postings_file(segmented, index_dir):
    generation = IndexStore(index_dir).current()
    leaves = segmented.searcher().reader().leaf_readers()
    segments = {leaf.segment().segment_id() for leaf, _offset in leaves}
    assert {p.name.removesuffix(SUFFIX) for p in generation.glob("*" + SUFFIX)} == segments


FIXTURES = ["indexed", "segmented", "without_files", "files_without_words"]


@pytest.mark.parametrize("fixture", FIXTURES)
@pytest.mark.parametrize("query", QUERIES)
def test_scores_are_whooshs(request, fixture, query):
    reader = request.getfixturevalue(fixture)
    tables = reader.tables()
    parsed, _words = _query(_parser(tables.searcher.schema), tables, query, typing=True)
    expected = whoosh_scores(tables.searcher, parsed)
    found = array_scores(tables, parsed)
    assert found.keys() == expected.keys()
    assert found == pytest.approx(expected, rel=1e-9)


def test_postings_files_list_the_words_as_written(indexed, index_dir):
    [path] = IndexStore(index_dir).current().glob("*" + SUFFIX)
    words = SegmentPostings(path).doc_frequencies("spell")
    assert words[b"restored"] == 1 and words[b"snapshot"] == 2 and words[b"snapshots"] == 1
    assert b"restor" not in words, "as written, not stemmed"


@pytest.mark.parametrize("fixture", FIXTURES)
def test_words_being_typed_are_completed_from_any_of_these_indexes(request, fixture):
    reader = request.getfixturevalue(fixture)
    vocabulary = reader.tables().vocabulary()
    assert vocabulary.expansions("resto") == ["restor"]
    assert vocabulary.completion("snap") == "snapshot"
    assert vocabulary.begins("federat") and not vocabulary.begins("kayak")
    answer = search(reader, "resto")
    assert answer.results[0].url == "/kb/backup/restore-files/" and answer.suggestion is None


def test_top_breaks_ties_by_index_order():
    scores = np.array([1.0, 3.0, 2.0, 3.0, 0.5])
    everything = np.ones(5, dtype=bool)
    assert top(scores, everything, 3) == [1, 3, 2]
    assert top(scores, everything, 1) == [1]
    assert top(scores, np.array([True, False, True, False, True]), 10) == [2, 0, 4]
    assert top(scores, np.zeros(5, dtype=bool), 3) == []


def test_the_term_cache_stays_within_its_budget():
    cache = BoundedCache(budget=10)
    for key in range(5):
        cache.get_or_make(key, lambda key=key: [key] * 4, len)
    assert cache.spent <= 10 and list(cache) == [3, 4]
    assert cache.get_or_make(3, lambda: pytest.fail("made again"), len) == [3] * 4
