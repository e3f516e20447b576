"""Score a parsed query against every document of a generation at once, with numpy.

whoosh scores one matching document at a time in Python: at 10,000 articles a query of
common words costs tens of milliseconds before a single snippet is made. The scores here
are whoosh's own (BM25F with its idf, average field lengths and quantized field lengths,
each field's boost, summed over the query's terms), computed as arrays: each term's
contribution to each document's score is read from the postings once per generation and
kept, so a query adds a few arrays together, and counting per section is a mask.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.scoring import BM25F
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from .postings import VOCABULARY_FIELD, SegmentPostings
from .prefixes import Vocabulary
from .schema import SEARCH_FIELDS

#: The postings kept per generation (about 16 bytes each): every term of a usual query
#: stays in memory, and a flood of odd words cannot grow a process without bound.
MAX_CACHED_POSTINGS = 4_000_000
#: Phrase matches, usergroup masks and spelling corrections kept per generation.
MAX_CACHED_ITEMS = 10_000

K = TypeVar("K")
V = TypeVar("V")


class BoundedCache(OrderedDict):
    """A least-recently-used mapping whose items each have a cost; the total is bounded."""

    def __init__(self, budget: int):
        super().__init__()
        self.budget, self.spent = budget, 0
        self._lock = threading.Lock()

    def get_or_make(self, key: K, make: Callable[[], V], cost: Callable[[V], int]) -> V:
        with self._lock:
            if key in self:
                self.move_to_end(key)
                return self[key][0]
        value = make()  # outside the lock: two threads may both make it, and that is fine
        price = cost(value)
        with self._lock:
            if key not in self:
                self[key] = (value, price)
                self.spent += price
                while self.spent > self.budget and len(self) > 1:
                    _, (_, freed) = self.popitem(last=False)
                    self.spent -= freed
        return value


class Tables:
    """One generation's arrays: field lengths, sections, usergroups, term contributions."""

    def __init__(
        self,
        searcher: Searcher,
        folder: Path | None = None,
        max_postings: int = MAX_CACHED_POSTINGS,
    ):
        self.searcher = searcher
        self.folder = folder
        self.size = searcher.doc_count_all()
        self._leaves = searcher.reader().leaf_readers()
        weighting = searcher.weighting
        if not isinstance(weighting, BM25F):
            raise TypeError(f"scores are computed for BM25F, not {type(weighting).__name__}")
        self._weighting = weighting
        self._lengths: dict[str, np.ndarray] = {}
        self._sections: list[str] | None = None
        self._segment_postings: list[SegmentPostings | None] | None = None
        self._live: list[np.ndarray | None] | None = None
        self._terms = BoundedCache(max_postings)
        self._masks = BoundedCache(MAX_CACHED_ITEMS)
        self.corrections = BoundedCache(MAX_CACHED_ITEMS)
        self._vocabulary: Vocabulary | None = None
        self._making_vocabulary = threading.Lock()
        # whoosh's files are read by seek-then-read: one thread at a time per generation.
        self.reading = threading.Lock()

    # Per document -------------------------------------------------------------------------

    def field_lengths(self, field: str) -> np.ndarray:
        """Each document's length of `field`, as whoosh stores it (approximately)."""
        lengths = self._lengths.get(field)
        if lengths is None:
            lengths = np.zeros(self.size, dtype=np.float64)
            with self.reading:
                for leaf, offset in self._leaves:
                    count = leaf.doc_count_all()
                    lengths[offset : offset + count] = _leaf_lengths(leaf, field, count)
            self._lengths[field] = lengths
        return lengths

    def postings(self, field: str, text) -> tuple[np.ndarray, np.ndarray]:
        """The documents that hold the term (deleted ones left out) and its frequency in each."""
        btext = self.searcher.schema[field].to_bytes(text)
        files, live = self._segment_files()
        ids, weights = [], []
        with self.reading:
            for (leaf, offset), postings, alive in zip(self._leaves, files, live, strict=True):
                found = postings.get(field, btext) if postings is not None else None
                if found is None:
                    found = _whoosh_postings(leaf, field, btext)
                elif alive is not None:
                    found = tuple(array[alive[found[0]]] for array in found)
                ids.append(found[0].astype(np.int64) + offset)
                weights.append(found[1].astype(np.float64))
        return np.concatenate(ids), np.concatenate(weights)

    def _segment_files(self) -> tuple[list, list]:
        """Each segment's postings file (None: read through whoosh), and which documents live."""
        if self._segment_postings is None:
            with self.reading:
                files = [
                    SegmentPostings.load(self.folder, leaf) if self.folder else None
                    for leaf, _offset in self._leaves
                ]
                live = [_live_documents(leaf) for leaf, _offset in self._leaves]
            self._segment_postings, self._live = files, live
        return self._segment_postings, self._live

    def doc_frequencies(self, field: str) -> dict[str, int]:
        """Every term of `field` and how many documents have it.

        Counted per segment as written: a document deleted since still counts, so the
        figures can be a little high until whoosh merges the segment.
        """
        files, _live = self._segment_files()
        counts: dict[str, int] = {}
        with self.reading:
            for (leaf, _offset), postings in zip(self._leaves, files, strict=True):
                found = postings.doc_frequencies(field) if postings is not None else None
                if found is None:  # a segment written before its file listed the field
                    found = {}
                    if field in leaf.indexed_field_names():
                        found = {
                            text: info.doc_frequency() for text, info in leaf.iter_field(field)
                        }
                for text, count in found.items():
                    term = text.decode("utf-8")
                    counts[term] = counts.get(term, 0) + count
        return counts

    def vocabulary(self) -> Vocabulary:
        """The words and terms a word being typed is completed from, made once per generation."""
        if self._vocabulary is None:
            with self._making_vocabulary:
                if self._vocabulary is None:
                    terms: dict[str, int] = {}
                    for field in SEARCH_FIELDS:
                        for term, count in self.doc_frequencies(field).items():
                            terms[term] = max(count, terms.get(term, 0))
                    words = self.doc_frequencies(VOCABULARY_FIELD)
                    self._vocabulary = Vocabulary(words, terms)
        return self._vocabulary

    def term(self, field: str, text) -> tuple[np.ndarray, np.ndarray]:
        """The documents that hold the term, and what it adds to each one's score (boost 1)."""
        return self._terms.get_or_make(
            (field, text), lambda: self._contributions(field, text), lambda pair: len(pair[0])
        )

    def _contributions(self, field: str, text) -> tuple[np.ndarray, np.ndarray]:
        ids, frequencies = self.postings(field, text)
        if not len(ids):
            return ids, frequencies
        # whoosh.scoring.bm25, for the whole postings list at once.
        k1 = self._weighting.K1
        b = self._weighting._field_B.get(field, self._weighting.B)
        with self.reading:
            idf = self.searcher.idf(field, text)
            average = self.searcher.avg_field_length(field) or 1
        lengths = self.field_lengths(field)[ids]
        scores = idf * (
            (frequencies * (k1 + 1)) / (frequencies + k1 * ((1 - b) + b * lengths / average))
        )
        return ids, scores

    def mask(self, query: wq.Query) -> np.ndarray:
        """The documents a query matches, as booleans; kept for the generation."""

        def make() -> np.ndarray:
            matched = np.zeros(self.size, dtype=bool)
            if isinstance(query, wq.Term):
                matched[self.postings(query.fieldname, query.text)[0]] = True
            else:
                with self.reading:
                    matched[list(query.docs(self.searcher))] = True
            return matched

        return self._masks.get_or_make(repr(query), make, lambda _mask: 1)

    def holders(self, field: str, terms: frozenset[str]) -> np.ndarray:
        """The documents whose `field` has at least one of these terms."""
        found = np.zeros(self.size, dtype=bool)
        for text in terms:
            found[self.term(field, text)[0]] = True
        return found

    def sections(self) -> list[str]:
        """The sections documents are in (article, news…), from the index itself."""
        if self._sections is None:
            with self.reading:
                names = [
                    t.decode() if isinstance(t, bytes) else t
                    for t in self.searcher.lexicon("section")
                ]
            self._sections = sorted(names)
        return self._sections

    def section(self, name: str) -> np.ndarray:
        return self.mask(wq.Term("section", name))

    def visible(self, usergroups: frozenset[str], is_agent: bool) -> np.ndarray | None:
        """Public documents and those of these usergroups; None (everything) for agents."""
        if is_agent:
            return None
        allowed = ~self.mask(wq.Term("restricted", True))
        for group in sorted({g.strip().lower() for g in usergroups}):
            allowed = allowed | self.mask(wq.Term("usergroups", group))
        return allowed

    def stored(self, docnum: int) -> dict:
        """What the index stores for a document: title, URL, body text…"""
        with self.reading:
            return self.searcher.stored_fields(docnum)

    # Scoring ------------------------------------------------------------------------------

    def score(self, query: wq.Query) -> tuple[np.ndarray, np.ndarray]:
        """Every document's score for the query, and which documents it matches."""
        scores = np.zeros(self.size, dtype=np.float64)
        matched = np.zeros(self.size, dtype=bool)
        self._add(query, 1.0, scores, matched)
        return scores, matched

    def _add(self, query: wq.Query, boost: float, scores: np.ndarray, matched: np.ndarray):
        boost *= getattr(query, "boost", 1.0)
        if isinstance(query, wq.Term):
            ids, contributions = self.term(query.fieldname, query.text)
            scores[ids] += contributions * boost
            matched[ids] = True
        elif isinstance(query, wq.Phrase):
            # Scored as its words together, in the documents that have them in order.
            where = self.mask(query)
            phrase = np.zeros(self.size, dtype=np.float64)
            for word in query.words:
                ids, contributions = self.term(query.fieldname, word)
                phrase[ids] += contributions * boost
            scores += np.where(where, phrase, 0.0)
            matched |= where
        elif isinstance(query, wq.DisjunctionMax):
            # The best of its parts (a word being typed: the word itself or a completion).
            best = np.zeros(self.size, dtype=np.float64)
            for child in query.subqueries:
                child_scores = np.zeros(self.size, dtype=np.float64)
                self._add(child, boost, child_scores, matched)
                np.maximum(best, child_scores, out=best)
            scores += best
        elif isinstance(query, wq.Or):
            for child in query.subqueries:
                self._add(child, boost, scores, matched)
        elif isinstance(query, wq.And):
            both = np.ones(self.size, dtype=bool)
            total = np.zeros(self.size, dtype=np.float64)
            for child in query.subqueries:
                child_matched = np.zeros(self.size, dtype=bool)
                self._add(child, boost, total, child_matched)
                both &= child_matched
            scores += np.where(both, total, 0.0)
            matched |= both
        elif query is wq.NullQuery:
            return
        else:
            # Nothing the parser makes today: match as whoosh does, each at its boost.
            where = self.mask(query)
            scores += np.where(where, boost, 0.0)
            matched |= where


def _whoosh_postings(leaf, field: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
    """A term's postings in one segment, through whoosh (which leaves deleted documents out)."""
    ids, weights = [], []
    if (field, btext) in leaf:
        matcher = leaf.postings(field, btext)
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
    return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float64)


def _live_documents(leaf) -> np.ndarray | None:
    """Which of a segment's documents are not deleted; None when none is."""
    if not leaf.has_deletions():
        return None
    live = np.zeros(leaf.doc_count_all(), dtype=bool)
    live[list(leaf.all_doc_ids())] = True
    return live


#: whoosh keeps each field length as one byte; this is the length each byte stands for.
_BYTE_LENGTHS = np.array([byte_to_length(code) or 0 for code in range(256)], dtype=np.float64)


def _leaf_lengths(leaf, field: str, count: int) -> np.ndarray:
    """A segment's lengths of `field`, as whoosh's scorer reads them one by one.

    whoosh 2.7 stores them as a column of one byte per document: read at once, that takes
    a millisecond where asking for each document's takes a second at 10,000 documents.
    Another layout (a future whoosh) falls back to asking one by one.
    """
    try:
        column = leaf._perdoc._cached_reader(f"_{field}_len", LENGTHS_COLUMN)
        raw = column._dbfile.get(column._basepos, min(column._count, count))
        codes = np.frombuffer(raw, dtype=np.uint8)
    except (AttributeError, TypeError):
        return np.array([leaf.doc_field_length(d, field) or 0 for d in range(count)], np.float64)
    lengths = np.zeros(count, dtype=np.float64)
    lengths[: len(codes)] = _BYTE_LENGTHS[codes]
    return lengths


def top(scores: np.ndarray, where: np.ndarray, count: int) -> list[int]:
    """The `count` best documents among `where`: highest score first, then index order."""
    candidates = np.flatnonzero(where)
    if count <= 0 or not len(candidates):
        return []
    if len(candidates) > count:
        # Everything that ties with the last place stays in, so ties break by index order.
        threshold = np.partition(scores[candidates], -count)[-count]
        candidates = candidates[scores[candidates] >= threshold]
    order = np.lexsort((candidates, -scores[candidates]))
    return [int(docnum) for docnum in candidates[order[:count]]]
