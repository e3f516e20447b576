"""The glossary annotator as it was before the text path (plugins/glossary/annotate.py), frozen.

tests/plugins/test_glossary_paths.py compares today's annotator with this one over generated
HTML, so that a faster path cannot drift from the rules the first version was tested against.
Copied, not imported: a change to the plugin must not change the reference as well. One
change from the first version: its tag patterns are possessive (`*+`), which changes no match
but stops the exponential backtracking the first version fell into on a `<p` followed by a
long run and an unclosed quote (found by the test that uses this copy).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

import ahocorasick

from helpdesk.publish.glossary import Term


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
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


class ReferenceMatcher:
    """Every place in a text where a glossary term, alias or plural stands as a whole word."""

    def __init__(self, terms: Iterable[Term]):
        self.terms = list(terms)
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
                        automaton.add_word(key, (len(key) - 1, index))
        for automaton in (self._exact, self._folded):
            if len(automaton):
                automaton.make_automaton()

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
            for end, (span, index) in automaton.iter(haystack):
                start = end - span
                if start > 0:
                    before = text[start - 1]
                    if before.isalnum() or before == "_":
                        continue
                if end < last:
                    after = text[end + 1]
                    if after.isalnum() or after == "_":
                        continue
                append((start, -span - 1, end + 1, index))
        found.sort()
        return found


#: Elements whose text is never annotated: links, code, headings (SPEC §5), and elements whose
#: content is not prose (raw text, forms, foreign content).
EXCLUDED = frozenset((
    "a", "code", "pre", "kbd", "samp", "script", "style", "h1", "h2", "h3", "h4", "h5", "h6",
    "textarea", "title", "button", "select", "option", "label", "svg", "math", "template",
))  # fmt: skip
VOID = frozenset((
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
))  # fmt: skip
#: Everything that is not text: tags (attribute values may hold `>` when quoted), comments,
#: declarations and character references.
TOKEN = re.compile(
    r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<[!?][^>]*>"
    r"|</?[a-zA-Z][\w:.-]*+(?:[^>\"']++|\"[^\"]*+\"|'[^']*+')*+>"
    r"|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);",
    re.DOTALL,
)
#: The start of an element whose text is off limits by its name; `data-glossary` is found apart.
EXCLUDED_NAME = re.compile(r"<(" + "|".join(sorted(EXCLUDED)) + r")\b", re.IGNORECASE)
ANNOTATED = re.compile(r"""\bdata-glossary\s*=\s*["']?([^"'\s>]+)""")
TAG_NAME = re.compile(r"<([a-zA-Z][\w:.-]*)")
TAG_REST = re.compile(r"(?:[^>\"']++|\"[^\"]*+\"|'[^']*+')*+>")
_END_TAGS: dict[str, re.Pattern] = {}


def _same_name_tags(name: str) -> re.Pattern:
    if name not in _END_TAGS:
        _END_TAGS[name] = re.compile(
            rf"<(/?){re.escape(name)}\b(?:[^>\"']++|\"[^\"]*+\"|'[^']*+')*+>", re.I
        )
    return _END_TAGS[name]


@dataclass
class Layout:
    """Where a fragment's tags and off-limits elements are, to test candidates against."""

    token_starts: list[int]
    token_ends: list[int]
    excluded_starts: list[int]
    excluded_ends: list[int]
    annotated: set[str]


def _excluded_start_tags(html: str, annotated: set[str]) -> list[tuple[int, str]]:
    """(position, name) of each start tag of an element whose text is off limits, in order."""
    found = {m.start(): m.group(1).lower() for m in EXCLUDED_NAME.finditer(html)}
    for mark in ANNOTATED.finditer(html):
        annotated.add(mark.group(1))
        opening = html.rfind("<", 0, mark.start())
        name = TAG_NAME.match(html, opening) if opening >= 0 else None
        if name:
            found.setdefault(opening, name.group(1).lower())
    return sorted(found.items())


def layout(html: str) -> Layout:
    """Find every tag with one regular-expression pass, and the few excluded elements."""
    spans = [token.span() for token in TOKEN.finditer(html)]
    annotated: set[str] = set()
    excluded_starts, excluded_ends = [], []
    covered_until = 0
    for position, name in _excluded_start_tags(html, annotated):
        rest = TAG_REST.match(html, position + len(name) + 1)
        if position < covered_until or rest is None:
            continue
        end = rest.end()
        if name not in VOID and not html.endswith("/>", 0, end):
            depth, end = 1, len(html)
            for tag in _same_name_tags(name).finditer(html, rest.end()):
                depth += -1 if tag.group(1) else 1
                if depth == 0:
                    end = tag.end()
                    break
        excluded_starts.append(position)
        excluded_ends.append(end)
        covered_until = end
    return Layout(
        [s for s, _ in spans], [e for _, e in spans], excluded_starts, excluded_ends, annotated
    )


def annotate(
    html: str, terms: ReferenceMatcher, first_only: bool = True, glossary_url: str = "/glossary/"
) -> str:
    """Wrap glossary terms in `<a data-glossary=SLUG href=GLOSSARY#SLUG>`; text is unchanged."""
    spans = terms.spans(html)
    if not spans:
        return html
    where = layout(html)
    seen = where.annotated
    openings = [
        f'<a data-glossary="{escape(t.slug)}" href="{glossary_url}#{escape(t.slug)}">'
        for t in terms.terms
    ]
    token_starts, token_ends = where.token_starts, where.token_ends
    excluded_starts, excluded_ends = where.excluded_starts, where.excluded_ends
    tokens = len(token_starts)
    pieces, position, taken_until = [], 0, -1
    # This loop runs for every candidate of every document: kept flat, two bisections each.
    for start, _, end, index in spans:
        if start < taken_until:
            continue
        token = bisect_right(token_starts, start) - 1
        if (token >= 0 and token_ends[token] > start) or (
            token + 1 < tokens and token_starts[token + 1] < end
        ):
            continue  # in a tag or a character reference, or running into one
        region = bisect_right(excluded_starts, start) - 1
        if region >= 0 and excluded_ends[region] > start:
            continue  # in an element whose text is off limits
        taken_until = end  # the leftmost, longest occurrence wins even when not annotated
        slug = terms.terms[index].slug
        if first_only and slug in seen:
            continue
        seen.add(slug)
        pieces += (html[position:start], openings[index], html[start:end], "</a>")
        position = end
    if not pieces:
        return html
    pieces.append(html[position:])
    return "".join(pieces)
