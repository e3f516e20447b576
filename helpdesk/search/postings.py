"""Each segment's postings of the searched fields as flat arrays, written by the build.

whoosh keeps every body posting with its word positions (for "quoted phrases"), and reading
a term's postings unpickles the positions too: about 80 µs for each block of 128 documents,
tens of milliseconds for a common word at 10,000 articles, on the first query that has it.
The scorer needs only which documents have the term and how often. So the build writes,
beside each segment it creates, that much of every term of the searched fields
(`<segment id>.postings.npz`), and of the fields every query filters by (section,
usergroups): a reader loads it once per generation, and a term's postings are then a slice
of an array. whoosh never changes a segment once written, so the file
stays true; documents deleted later are left out when read. A segment without one (an
index built before this file existed) is read through whoosh.

The file also lists the segment's words as written (the `spell` field) with how many
documents have each: the vocabulary a word being typed is completed from (prefixes.py).
A file without that list (written before it existed) is still read; the words then come
from whoosh.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .schema import SEARCH_FIELDS

SUFFIX = ".postings.npz"
#: The searched fields, and those every query filters or counts by.
FIELDS = (*SEARCH_FIELDS, "section", "restricted", "usergroups")
#: Only its terms and their document frequencies: no query reads its postings.
VOCABULARY_FIELD = "spell"
_SEPARATOR = b"\n"  # terms are words: no whitespace in them


def segment_name(leaf) -> str:
    return leaf.segment().segment_id()


def write_segment_postings(folder: Path, ix) -> int:
    """Write the file of every segment that lacks one, remove those of merged-away ones."""
    folder = Path(folder)
    written, keep = 0, set()
    with ix.reader() as reader:
        for leaf, _offset in reader.leaf_readers():
            path = folder / (segment_name(leaf) + SUFFIX)
            keep.add(path.name)
            if path.exists():
                continue
            arrays = {}
            for field in FIELDS:
                arrays.update(_field_arrays(leaf, field))
            arrays.update(_vocabulary_arrays(leaf, VOCABULARY_FIELD))
            pending = path.with_name(f".{path.name}.{os.getpid()}")
            with open(pending, "wb") as handle:
                np.savez(handle, **arrays)
            os.replace(pending, path)
            written += 1
    for stale in folder.glob("*" + SUFFIX):
        if stale.name not in keep:
            stale.unlink()
    return written


def _field_arrays(leaf, field: str) -> dict[str, np.ndarray]:
    terms, offsets, documents, frequencies = [], [0], [], []
    if field in leaf.indexed_field_names():
        for text in leaf.lexicon(field):
            matcher = leaf.postings(field, text)
            while matcher.is_active():
                documents.append(matcher.id())
                frequencies.append(matcher.weight())
                matcher.next()
            terms.append(text)
            offsets.append(len(documents))
    return {
        f"{field}.terms": np.frombuffer(_SEPARATOR.join(terms), dtype=np.uint8),
        f"{field}.offsets": np.array(offsets, dtype=np.int64),
        f"{field}.documents": np.array(documents, dtype=np.int32),
        f"{field}.frequencies": np.array(frequencies, dtype=np.float32),
    }


def _vocabulary_arrays(leaf, field: str) -> dict[str, np.ndarray]:
    terms, frequencies = [], []
    if field in leaf.indexed_field_names():
        for text, info in leaf.iter_field(field):
            terms.append(text)
            frequencies.append(info.doc_frequency())
    return {
        f"{field}.terms": np.frombuffer(_SEPARATOR.join(terms), dtype=np.uint8),
        f"{field}.frequencies": np.array(frequencies, dtype=np.int32),
    }


def _split(blob: np.ndarray) -> list[bytes]:
    data = blob.tobytes()
    return data.split(_SEPARATOR) if data else []


class SegmentPostings:
    """One segment's file, loaded: a term's documents (segment numbering) and frequencies."""

    def __init__(self, path: Path):
        with np.load(path) as data:
            self._fields = {}
            for field in FIELDS:
                terms = _split(data[f"{field}.terms"])
                self._fields[field] = (
                    {term: number for number, term in enumerate(terms)},
                    data[f"{field}.offsets"],
                    data[f"{field}.documents"],
                    data[f"{field}.frequencies"],
                )
            self._vocabulary = None
            if f"{VOCABULARY_FIELD}.terms" in data.files:
                words = _split(data[f"{VOCABULARY_FIELD}.terms"])
                self._vocabulary = dict(
                    zip(words, data[f"{VOCABULARY_FIELD}.frequencies"].tolist(), strict=True)
                )

    @classmethod
    def load(cls, folder: Path, leaf) -> SegmentPostings | None:
        path = Path(folder) / (segment_name(leaf) + SUFFIX)
        try:
            return cls(path)
        except (OSError, KeyError, ValueError):
            return None

    def get(self, field: str, text: bytes) -> tuple[np.ndarray, np.ndarray] | None:
        """The term's postings; None when the file does not cover the field."""
        if field not in self._fields:
            return None
        numbers, offsets, documents, frequencies = self._fields[field]
        number = numbers.get(text)
        if number is None:
            return documents[:0], frequencies[:0]
        start, end = offsets[number], offsets[number + 1]
        return documents[start:end], frequencies[start:end]

    def doc_frequencies(self, field: str) -> dict[bytes, int] | None:
        """Each term of the field and how many of the segment's documents have it (deleted
        ones too); None when the file does not cover the field."""
        if field == VOCABULARY_FIELD:
            return self._vocabulary
        if field not in self._fields:
            return None
        numbers, offsets, _documents, _frequencies = self._fields[field]
        counts = np.diff(offsets).tolist()
        return {term: counts[number] for term, number in numbers.items()}
