"""Highlighted snippets: the first passages of a text that hold the query's words.

whoosh's highlighter analyzes a hit's whole body and scores every fragment of it. Here the
text is read word by word only until the passages are complete, each word stemmed as the
index stems it (the same tokenizer pattern, stop words and Porter stemmer, cached), so a
long article whose first match is near the top costs no more than a short one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from html import escape

from whoosh.analysis import STOP_WORDS
from whoosh.analysis.tokenizers import default_pattern
from whoosh.lang.porter import stem

#: A passage holds this many characters at most, with this many before its first match.
PASSAGE_CHARS = 220
CONTEXT_CHARS = 60
PASSAGES = 2
SEPARATOR = " … "
#: The analyzer drops words shorter than this (StemmingAnalyzer's minsize).
MIN_WORD = 2


@lru_cache(maxsize=100_000)
def index_form(word: str) -> str | None:
    """The term the index holds for a word of text, or None for a word it leaves out."""
    lowered = word.lower()
    if len(lowered) < MIN_WORD or lowered in STOP_WORDS:
        return None
    return stem(lowered)


def matches(text: str, terms: frozenset[str]) -> Iterator[tuple[int, int]]:
    """Where words whose index form is one of `terms` are, in order, found lazily."""
    for found in default_pattern.finditer(text):
        if index_form(found.group(0)) in terms:
            yield found.start(), found.end()


def snippet(text: str, terms: Iterable[str]) -> str:
    """Up to PASSAGES passages of `text` around the words, escaped, the words in <mark>."""
    terms = frozenset(terms)
    if not text or not terms:
        return ""
    spans = matches(text, terms)
    passages: list[list[tuple[int, int]]] = []
    pending = next(spans, None)
    while pending is not None and len(passages) < PASSAGES:
        start = max(0, pending[0] - CONTEXT_CHARS)
        passage = [pending]
        pending = next(spans, None)
        while pending is not None and pending[1] - start <= PASSAGE_CHARS - CONTEXT_CHARS // 2:
            passage.append(pending)
            pending = next(spans, None)
        passages.append(passage)
    return SEPARATOR.join(_render(text, passage) for passage in passages)


def _render(text: str, passage: list[tuple[int, int]]) -> str:
    first, last = passage[0][0], passage[-1][1]
    start = max(0, first - CONTEXT_CHARS)
    end = min(len(text), max(last, start + PASSAGE_CHARS))
    # Whole words only at the edges.
    if start > 0:
        space = text.find(" ", start, first)
        start = space + 1 if space != -1 else first
    if end < len(text):
        space = text.rfind(" ", last, end)
        end = space if space != -1 else last
    pieces, position = [], start
    for match_start, match_end in passage:
        pieces.append(escape(text[position:match_start], quote=False))
        pieces.append(f"<mark>{escape(text[match_start:match_end], quote=False)}</mark>")
        position = match_end
    pieces.append(escape(text[position:end], quote=False))
    return "".join(pieces).strip()
