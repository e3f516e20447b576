"""Find glossary terms in text (SPEC §5): whole words, longest match first, acronyms by case.

Two Aho-Corasick automata (pyahocorasick), one for names matched by case and one for the
rest, hold every term, alias and regular plural, so a document is scanned in time that does
not grow with the size of the glossary.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

from helpdesk.publish.glossary import Term


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    term: Term


@dataclass(frozen=True)
class Collision:
    """Two glossary entries that would match the same words."""

    key: str
    first: Term
    second: Term


def matches_case_sensitively(term: Term, name: str) -> bool:
    """All-capital names (acronyms such as SLA, CC) match by case, unless the entry says otherwise."""
    if term.case_sensitive is not None:
        return term.case_sensitive
    return name.isupper()


def forms(name: str) -> tuple[str, ...]:
    """The name and its regular plurals: `ticket`, `tickets`; `address`, `addresses`."""
    if name.isupper():
        return (name, name + "s")
    return (name, name + "s", name + "es")


def lower_same_length(text: str) -> str:
    """Lower-case text without changing its length, so positions stay true (İ stays İ)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return lower_each(text)


def lower_each(text: str) -> str:
    """Lower-case character by character, leaving those whose lower case is longer (İ)."""
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


#: Characters that end a word whatever else holds (a quick test before str.isalnum).
SPACE = frozenset(" \n\t\r.,;:!?()[]{}\"'-/\0")


class TermMatcher:
    """Every place in a text where a glossary term, alias or plural stands as a whole word."""

    def __init__(self, terms: Iterable[Term]):
        self.terms = list(terms)
        self.collisions: list[Collision] = []
        self._exact = ahocorasick.Automaton()
        self._folded = ahocorasick.Automaton()
        for index, term in enumerate(self.terms):
            for name in term.names:
                exact = matches_case_sensitively(term, name)
                automaton = self._exact if exact else self._folded
                for form in forms(name):
                    key = form if exact else lower_same_length(form)
                    existing = automaton.get(key, None)
                    if existing is None:
                        automaton.add_word(key, (len(key) - 1, -len(key), index))
                    elif existing[2] != index:
                        self.collisions.append(Collision(key, self.terms[existing[2]], term))
        for automaton in (self._exact, self._folded):
            if len(automaton):
                automaton.make_automaton()
        #: Whether a name holds NUL, which the annotator's text path joins texts with.
        self.odd_names = any("\0" in key for key in self._all_keys())
        #: Whether any name matches regardless of case (then the text is searched lower-cased).
        self.ignores_case = bool(len(self._folded))
        self.slugs = [term.slug for term in self.terms]

    def _all_keys(self):
        yield from self._exact.keys()
        yield from self._folded.keys()

    def spans(self, text: str) -> list[tuple[int, int, int, int]]:
        """Whole-word occurrences as (start, start - end, end, term index), sorted so that the
        leftmost and then the longest comes first; overlapping ones included."""
        found = []
        append = found.append
        last = len(text) - 1
        for automaton, folded in ((self._exact, False), (self._folded, True)):
            if not len(automaton):
                continue
            haystack = lower_same_length(text) if folded else text
            # The hot loop of every build: kept flat, no calls but the string tests.
            for end, (span, longest_first, index) in automaton.iter(haystack):
                start = end - span
                if start > 0:
                    before = text[start - 1]
                    if before.isalnum() or before == "_":
                        continue
                if end < last:
                    after = text[end + 1]
                    if after.isalnum() or after == "_":
                        continue
                append((start, longest_first, end + 1, index))
        found.sort()
        return found

    def padded_spans(self, text: str, folded: str) -> list[tuple[int, int, int, int]]:
        """`spans(text)` for a text whose first and last characters are not part of a word,
        so there are no bounds to test; `folded` is lower_same_length(text), or "" when no
        name ignores case."""
        found = []
        append = found.append
        for automaton, haystack in ((self._exact, text), (self._folded, folded)):
            if not len(automaton):
                continue
            # The hot loop of every build: kept flat; most characters around a word are spaces.
            for end, (span, longest_first, index) in automaton.iter(haystack):
                start = end - span
                before = text[start - 1]
                if before not in SPACE and (before.isalnum() or before == "_"):
                    continue
                after = text[end + 1]
                if after not in SPACE and (after.isalnum() or after == "_"):
                    continue
                append((start, longest_first, end + 1, index))
        found.sort()
        return found

    def candidates(self, text: str) -> list[Match]:
        """Every whole-word occurrence, overlapping ones included."""
        return [Match(start, end, self.terms[index]) for start, _, end, index in self.spans(text)]

    def find(self, text: str) -> list[Match]:
        """Non-overlapping occurrences, the leftmost and then the longest winning."""
        chosen, taken_until = [], -1
        for start, _, end, index in self.spans(text):
            if start >= taken_until:
                chosen.append(Match(start, end, self.terms[index]))
                taken_until = end
        return chosen
