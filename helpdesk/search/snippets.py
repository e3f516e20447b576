"""Highlighted snippets: one or two short passages of a text around the words a query matched.

whoosh's highlighter analyzes a hit's whole body and scores every fragment of it. Here the
text is read word by word only until the passages are settled, each word stemmed as the
index stems it (the same tokenizer pattern, stop words and Porter stemmer, cached), so a
long article whose first match is near the top costs no more than a short one.

A snippet is at most SNIPPET_CHARS characters as a reader sees them: whole words, the
text's blocks (paragraphs, headings, list items, cells, see text.py) separated by
BLOCK_SEPARATOR, a second passage only for a word of the query that the first does not show.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterable
from functools import lru_cache
from html import escape
from typing import NamedTuple

from whoosh.analysis import STOP_WORDS
from whoosh.analysis.tokenizers import default_pattern
from whoosh.lang.porter import stem

from .text import BLOCK_BREAK

#: What a reader sees of a snippet at most, separators and ellipses included.
SNIPPET_CHARS = 200
PASSAGES = 2
PASSAGE_SEPARATOR = " … "
BLOCK_SEPARATOR = " · "
#: Before the first passage, after the last, when the text goes on.
LEADING, TRAILING = "… ", " …"
#: A passage starts this share of its length before its first match, or where its block
#: starts when that is nearer.
CONTEXT_SHARE = 0.25
#: The analyzer drops words shorter than this (StemmingAnalyzer's minsize).
MIN_WORD = 2


@lru_cache(maxsize=100_000)
def index_form(word: str) -> str | None:
    """The term the index holds for a word of text, or None for a word it leaves out."""
    lowered = word.lower()
    if len(lowered) < MIN_WORD or lowered in STOP_WORDS:
        return None
    return stem(lowered)


class Match(NamedTuple):
    start: int
    end: int
    #: Which word of the query it is (see `snippet`'s `groups`).
    word: int


class _Reader:
    """A text's words read in order, once, each looked up by the form the index holds."""

    def __init__(self, text: str, word_of: dict[str, int]):
        self._tokens = default_pattern.finditer(text)
        self._word_of = word_of

    def next_match(self, before: int | None = None) -> Match | None:
        """The next matched word; None at the end of the text or at a word from `before` on."""
        for found in self._tokens:
            if before is not None and found.start() >= before:
                return None
            word = self._word_of.get(index_form(found.group(0)))
            if word is not None:
                return Match(found.start(), found.end(), word)
        return None


def snippet(
    text: str,
    terms: Iterable[str],
    groups: Iterable[Collection[str]] = (),
    expected: Collection[int] | None = None,
) -> str:
    """Up to PASSAGES passages of `text` around the matched words, escaped, the words in <mark>.

    `groups` are the query's words, each the terms it matched (a word being typed matches
    several); a term in no group is a word of its own. A second passage shows a word the
    first does not; `expected` (numbers in `groups`) are the words the text is known to have,
    so that reading stops once all of them are shown.
    """
    groups = list(groups)
    word_of = {term: number for number, group in enumerate(groups) for term in group}
    others = itertools.count(len(groups))
    for term in terms:
        if term not in word_of:
            word_of[term] = next(others)
    if not text or not word_of:
        return ""
    wanted = set(word_of.values()) if expected is None else set(expected)
    reader = _Reader(text, word_of)
    first = reader.next_match()
    if first is None:
        return ""
    start = _start(text, first.start, SNIPPET_CHARS)
    shown, seen, other = [first], {first.word}, None
    # Read on through the passage, and past it only while a word is still to be shown.
    while (
        span := reader.next_match(start + SNIPPET_CHARS if seen >= wanted else None)
    ) is not None:
        if span.end - start <= SNIPPET_CHARS:
            shown.append(span)
            seen.add(span.word)
        elif span.word not in seen:
            other = span
            break
    if other is None or PASSAGES < 2:
        return _render(text, [(start, SNIPPET_CHARS, shown)])
    budget = (SNIPPET_CHARS - len(PASSAGE_SEPARATOR)) // 2
    first_passage = (start, budget, [s for s in shown if s.end - start <= budget])
    second_start = max(_start(text, other.start, budget), start + budget)
    second = [other]
    while (span := reader.next_match(second_start + budget)) is not None:
        if span.end - second_start > budget:
            break
        second.append(span)
    return _render(text, [first_passage, (second_start, budget, second)])


def opening(text: str) -> str:
    """The start of a text as a snippet, when none of its words matched: escaped, no marks."""
    return _render(text, [(0, SNIPPET_CHARS, [])]) if text else ""


def _start(text: str, position: int, budget: int) -> int:
    """Where a passage whose first match is at `position` starts: a block or a word start."""
    block = text.rfind(BLOCK_BREAK, 0, position) + 1
    context = int(budget * CONTEXT_SHARE)
    if position - block <= context:
        return block
    space = text.find(" ", position - context, position)
    return space + 1 if space != -1 else position


def _visible(text: str, start: int, end: int) -> int:
    """What a reader sees of text[start:end]: each block break is a separator."""
    breaks = text.count(BLOCK_BREAK, start, end)
    return end - start + breaks * (len(BLOCK_SEPARATOR) - len(BLOCK_BREAK))


def _end(text: str, start: int, budget: int, first_match_end: int) -> int:
    """Where a passage from `start` ends: within its budget, after a whole word.

    The passage's first match is always in it, however long the word.
    """
    end = min(len(text), start + budget)
    while end > first_match_end:
        fits = _visible(text, start, end) <= budget
        if fits and (end == len(text) or text[end] in (" ", BLOCK_BREAK)):
            return end
        cut = max(text.rfind(" ", start, end), text.rfind(BLOCK_BREAK, start, end))
        if cut <= start:  # one "word" longer than the budget: cut it
            return max(first_match_end, min(len(text), start + budget))
        end = cut
    return first_match_end


def _render(text: str, passages: list[tuple[int, int, list[Match]]]) -> str:
    """The passages as HTML: text escaped, matches in <mark>, blocks and passages separated."""
    rendered, edge_end = [], 0
    for number, (start, budget, marks) in enumerate(passages):
        budget -= len(LEADING) if number == 0 and start > 0 else 0
        budget -= len(TRAILING) if number == len(passages) - 1 else 0
        end = _end(text, start, budget, marks[0].end if marks else start)
        pieces, position = [], start
        for mark in marks:
            if mark.end > end:
                break
            pieces.append(escape(text[position : mark.start], quote=False))
            pieces.append(f"<mark>{escape(text[mark.start : mark.end], quote=False)}</mark>")
            position = mark.end
        pieces.append(escape(text[position:end], quote=False))
        rendered.append("".join(pieces).strip().replace(BLOCK_BREAK, BLOCK_SEPARATOR))
        edge_end = end
    start = passages[0][0]
    leading = LEADING if start > 0 else ""
    trailing = TRAILING if text[edge_end:].strip() else ""
    return leading + PASSAGE_SEPARATOR.join(rendered) + trailing
