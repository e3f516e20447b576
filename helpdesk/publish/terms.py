"""Find glossary terms in text (SPEC §5): whole words, longest match first, acronyms by case.

One Aho-Corasick automaton (pyahocorasick) holds every term, alias and regular plural, so a
document is scanned once whatever the size of the glossary.
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


def is_word_character(character: str) -> bool:
    return character.isalnum() or character == "_"


def lower_same_length(text: str) -> str:
    """Lower-case text without changing its length, so positions stay true (İ stays İ)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


class TermMatcher:
    """Every place in a text where a glossary term, alias or plural stands as a whole word."""

    def __init__(self, terms: Iterable[Term]):
        self.terms = list(terms)
        self.collisions: list[Collision] = []
        self._exact = ahocorasick.Automaton()
        self._folded = ahocorasick.Automaton()
        for term in self.terms:
            for name in term.names:
                exact = matches_case_sensitively(term, name)
                automaton = self._exact if exact else self._folded
                for form in forms(name):
                    key = form if exact else lower_same_length(form)
                    existing = automaton.get(key, None)
                    if existing is None:
                        automaton.add_word(key, (len(key), term))
                    elif existing[1] is not term:
                        self.collisions.append(Collision(key, existing[1], term))
        for automaton in (self._exact, self._folded):
            if len(automaton):
                automaton.make_automaton()

    def candidates(self, text: str) -> list[Match]:
        """Every whole-word occurrence, overlapping ones included, in no particular order."""
        found = []
        last = len(text) - 1
        for automaton, haystack in ((self._exact, text), (self._folded, None)):
            if not len(automaton):
                continue
            if haystack is None:
                haystack = lower_same_length(text)
            for end, (length, term) in automaton.iter(haystack):
                start = end - length + 1
                if start > 0 and is_word_character(text[start - 1]):
                    continue
                if end < last and is_word_character(text[end + 1]):
                    continue
                found.append(Match(start, end + 1, term))
        return found

    def find(self, text: str) -> list[Match]:
        """Non-overlapping occurrences, the leftmost and then the longest winning."""
        return choose_longest(self.candidates(text))


def choose_longest(candidates: list[Match]) -> list[Match]:
    chosen, taken_until = [], -1
    for match in sorted(candidates, key=lambda m: (m.start, m.start - m.end)):
        if match.start >= taken_until:
            chosen.append(match)
            taken_until = match.end
    return chosen
