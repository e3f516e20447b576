"""Did you mean: each word no document has, replaced by the closest word some document has."""

from __future__ import annotations

import re

from whoosh.searching import Searcher

from .ranking import Tables
from .schema import SEARCH_FIELDS, english_analyzer

_WORD = re.compile(r"[^\W\d_]+")
_analyzer = english_analyzer()


def correct(tables: Tables, text: str) -> str | None:
    """The query with its unknown words corrected, or None when there is nothing to correct.

    Each word's correction is worked out once per generation and kept (`tables.corrections`):
    people type the same few misspellings, and a search-as-you-type box sends them often.
    """
    replacements: dict[str, str] = {}
    for word in {w.lower() for w in _WORD.findall(text)}:
        if len(word) < 3:
            continue
        found = tables.corrections.get_or_make(
            word, lambda word=word: _correction(tables, word), lambda _found: 1
        )
        if found:
            replacements[word] = found
    if not replacements:
        return None
    return _WORD.sub(lambda m: replacements.get(m.group(0).lower(), m.group(0)), text)


def _correction(tables: Tables, word: str) -> str | None:
    with tables.reading:
        searcher = tables.searcher
        if _known(searcher, word):
            return None
        corrector = searcher.corrector("spell")
        for distance in (1, 2) if len(word) > 4 else (1,):
            found = corrector.suggest(word, limit=1, maxdist=distance, prefix=1)
            if found:
                return found[0]
    return None


def _known(searcher: Searcher, word: str) -> bool:
    """Whether any document has this word, as written or by its stem (stop words count)."""
    if searcher.doc_frequency("spell", word):
        return True
    stems = [token.text for token in _analyzer(word)]
    if not stems:
        return True
    return any(searcher.doc_frequency(f, stems[0]) for f in SEARCH_FIELDS)
