"""Did you mean: each word no document has, replaced by the closest word some document has.

A word that begins words the documents have is never replaced by another spelling: the
word being typed is searched as a prefix (prefixes.py) and needs no correction, and a
complete word (`snaps restore`) is completed instead, to the most frequent word that
begins with it (`snapshot restore`). No other correction is as close as that.
"""

from __future__ import annotations

import re

from whoosh.searching import Searcher

from .ranking import Tables
from .schema import SEARCH_FIELDS, english_analyzer

_WORD = re.compile(r"[^\W\d_]+")
_analyzer = english_analyzer()


def correct(tables: Tables, text: str, prefixes: frozenset[str] = frozenset()) -> str | None:
    """The query with its unknown words corrected, or None when there is nothing to correct.

    `prefixes`: the query's words that are searched as prefixes (lower-cased).
    Each word's correction is worked out once per generation and kept (`tables.corrections`):
    people type the same few misspellings, and a search-as-you-type box sends them often.
    """
    replacements: dict[str, str] = {}
    for word in {w.lower() for w in _WORD.findall(text)}:
        if len(word) < 3:
            continue
        prefix = word in prefixes
        found = tables.corrections.get_or_make(
            (word, prefix),
            lambda word=word, prefix=prefix: _correction(tables, word, prefix),
            lambda _found: 1,
        )
        if found:
            replacements[word] = found
    if not replacements:
        return None
    return _WORD.sub(lambda m: replacements.get(m.group(0).lower(), m.group(0)), text)


def _correction(tables: Tables, word: str, prefix: bool) -> str | None:
    with tables.reading:
        if _known(tables.searcher, word):
            return None
    vocabulary = tables.vocabulary()
    if vocabulary.begins(word):
        return None if prefix else vocabulary.completion(word)
    with tables.reading:
        corrector = tables.searcher.corrector("spell")
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
