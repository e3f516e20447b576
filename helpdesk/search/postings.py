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
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .schema import SEARCH_FIELDS

SUFFIX = ".postings.npz"
#: The searched fields, and those every query filters or counts by.
FIELDS = (*SEARCH_FIELDS, "section", "restricted", "usergroups")
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


class SegmentPostings:
    """One segment's file, loaded: a term's documents (segment numbering) and frequencies."""

    def __init__(self, path: Path):
        with np.load(path) as data:
            self._fields = {}
            for field in FIELDS:
                blob = data[f"{field}.terms"].tobytes()
                terms = blob.split(_SEPARATOR) if blob else []
                self._fields[field] = (
                    {term: number for number, term in enumerate(terms)},
                    data[f"{field}.offsets"],
                    data[f"{field}.documents"],
                    data[f"{field}.frequencies"],
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
