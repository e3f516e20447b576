"""Search as you type: the word being typed matches the words that begin with it.

The index holds stems (`restore` → `restor`), so what was typed is matched against two
lists kept per generation: the words as the documents write them (the `spell` field:
`restori` begins `restoring`) and the index's own terms (`resto` begins `restor`, and
tokens such as `node_modules` that the word list leaves out). Each word found stands for
its stem; the stems a prefix expands to are the most frequent MAX_EXPANSIONS.

Which words are prefixes (the same rule as the agents' ticket search,
ticketapi/tickets/search_query.py): the last word while it is being typed, that is when
nothing follows it (a query ending in a space ends with a complete word), and any word
ending in `*`; either of at least MIN_PREFIX characters, not a stop word (`the` would
match `their`, `then`, `there`: the commonest words; `canc` finds `cancel`), and not inside
a "quoted phrase".
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from whoosh.analysis import STOP_WORDS

from .snippets import index_form

#: Shorter words being typed match whole words only: `re` would match half the index.
MIN_PREFIX = 3
#: The terms a prefix stands for at most, the most frequent first: each costs its postings.
MAX_EXPANSIONS = 16
#: What a word that only begins with the typed letters scores against the typed word itself.
PREFIX_WEIGHT = 0.6
#: After every character a word can hold: the end of the keys that start with a prefix.
_LAST = "\U0010ffff"
#: A word as the analyzer's tokenizer reads one (`v5.4` is one), without its `*`.
_WORD = re.compile(r"\w+(?:\.\w+)*")


@dataclass(frozen=True)
class Prefix:
    """A word of the query matched as a prefix: where it is in the query, lower-cased."""

    start: int
    end: int
    word: str


def typed_prefixes(text: str, typing: bool) -> list[Prefix]:
    """The words of a query that match as prefixes (see the module's docstring).

    `typing`: whether the query's last word is still being typed (nothing after it).
    """
    found = []
    for token in _WORD.finditer(text):
        start, end = token.span()
        starred = text.startswith("*", end) and text[end + 1 : end + 2] in ("", " ")
        last = typing and end == len(text)
        word = token.group().lower()
        if not (starred or last) or len(word) < MIN_PREFIX or word in STOP_WORDS:
            continue
        if not _in_phrase(text, start):
            found.append(Prefix(start, end, word))
    return found


def _in_phrase(text: str, position: int) -> bool:
    """Whether `position` is between two quotes (an unclosed quote makes no phrase)."""
    return text.count('"', 0, position) % 2 == 1 and '"' in text[position:]


def without(text: str, prefixes: list[Prefix]) -> str:
    """The query with the prefixes (and their `*`) left out: the words matched whole."""
    pieces, position = [], 0
    for prefix in prefixes:
        pieces.append(text[position : prefix.start])
        position = prefix.end + (1 if text.startswith("*", prefix.end) else 0)
    pieces.append(text[position:])
    return " ".join(piece.strip() for piece in pieces if piece.strip())


class _Sorted:
    """Keys in order, each with a count: those that start with a prefix are one slice."""

    def __init__(self, counts: Mapping[str, int]):
        self.keys = sorted(counts)
        self.counts = np.array([counts[key] for key in self.keys], dtype=np.int64)

    def starting(self, prefix: str) -> tuple[list[str], np.ndarray]:
        low = bisect.bisect_left(self.keys, prefix)
        high = bisect.bisect_left(self.keys, prefix + _LAST, lo=low)
        return self.keys[low:high], self.counts[low:high]


class Vocabulary:
    """A generation's words as written and its terms, each with its document frequency."""

    def __init__(self, words: Mapping[str, int], terms: Mapping[str, int]):
        self._words = _Sorted(words)
        self._terms = _Sorted(terms)

    def size(self) -> tuple[int, int]:
        """How many words as written, and how many terms, it holds."""
        return len(self._words.keys), len(self._terms.keys)

    def begins(self, prefix: str) -> bool:
        """Whether some document has a word (or term) that starts with `prefix`."""
        return bool(self._words.starting(prefix)[0] or self._terms.starting(prefix)[0])

    def expansions(self, prefix: str, limit: int = MAX_EXPANSIONS) -> list[str]:
        """The terms of the words that start with `prefix`, most frequent first."""
        words, word_counts = self._words.starting(prefix)
        terms, term_counts = self._terms.starting(prefix)
        keys = words + terms
        counts = np.concatenate([word_counts, term_counts])
        found: dict[str, None] = {}
        # Most frequent first; ties in alphabetical order, words as written first.
        for number in np.lexsort((np.arange(len(keys)), -counts)).tolist():
            term = index_form(keys[number]) if number < len(words) else keys[number]
            if term and term not in found:
                found[term] = None
                if len(found) == limit:
                    break
        return list(found)

    def completion(self, prefix: str) -> str | None:
        """A word as written that is longer than `prefix` and starts with it: of the most
        frequent stem, its shortest word (`snap` → `snapshot`, not `snapshots`)."""
        words, counts = self._words.starting(prefix)
        best: tuple[int, int, str] | None = None
        by_stem: dict[str, int] = {}
        for word, count in zip(words, counts.tolist(), strict=True):
            by_stem[index_form(word)] = max(count, by_stem.get(index_form(word), 0))
        for word in words:
            stem = index_form(word)
            if word == prefix or stem is None:
                continue
            rank = (-by_stem[stem], len(word), word)
            if best is None or rank < best:
                best = rank
        return best[2] if best else None
