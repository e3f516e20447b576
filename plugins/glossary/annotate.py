"""The pure core of the glossary plugin: annotate glossary terms in an HTML fragment.

One pass of the term automaton over the whole fragment finds the candidates; one regular
expression pass finds where the tags are, and a second the few elements whose text is off
limits (SPEC §5 rule 2); the leftmost and longest candidate in annotatable text wins.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from html import escape
from weakref import WeakKeyDictionary

from helpdesk.publish.terms import TermMatcher

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
    r"|</?[a-zA-Z][\w:.-]*(?:[^>\"']+|\"[^\"]*\"|'[^']*')*>"
    r"|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);",
    re.DOTALL,
)
#: The start of an element whose text is off limits by its name; `data-glossary` is found apart.
EXCLUDED_NAME = re.compile(r"<(" + "|".join(sorted(EXCLUDED)) + r")\b", re.IGNORECASE)
ANNOTATED = re.compile(r"""\bdata-glossary\s*=\s*["']?([^"'\s>]+)""")
TAG_NAME = re.compile(r"<([a-zA-Z][\w:.-]*)")
TAG_REST = re.compile(r"(?:[^>\"']+|\"[^\"]*\"|'[^']*')*>")
#: Compiled patterns by tag name. Process-wide on purpose: a pattern depends on the name only,
#: so every build may share them; nothing of one build's content is kept here.
_END_TAGS: dict[str, re.Pattern] = {}


def _same_name_tags(name: str) -> re.Pattern:
    if name not in _END_TAGS:
        _END_TAGS[name] = re.compile(
            rf"<(/?){re.escape(name)}\b(?:[^>\"']+|\"[^\"]*\"|'[^']*')*>", re.I
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


#: Start tags by glossary: a memo of a pure function, not state a build shares. Each build
#: makes its own TermMatcher, and its entry goes with it (weak keys).
_OPENING_TAGS: WeakKeyDictionary[TermMatcher, dict[str, list[str]]] = WeakKeyDictionary()


def opening_tags(terms: TermMatcher, glossary_url: str) -> list[str]:
    """The annotation's start tag for each term, made once per glossary and URL.

    The definition is not repeated in every page: the tooltip script reads it once from the
    glossary's definitions.json (see plugins/glossary/__init__.py).
    """
    by_url = _OPENING_TAGS.setdefault(terms, {})
    if glossary_url not in by_url:
        by_url[glossary_url] = [
            f'<a data-glossary="{escape(t.slug)}" href="{glossary_url}#{escape(t.slug)}">'
            for t in terms.terms
        ]
    return by_url[glossary_url]


def annotate(
    html: str, terms: TermMatcher, first_only: bool = True, glossary_url: str = "/glossary/"
) -> str:
    """Wrap glossary terms in `<a data-glossary=SLUG href=GLOSSARY#SLUG>`; text is unchanged."""
    spans = terms.spans(html)
    if not spans:
        return html
    where = layout(html)
    seen = where.annotated
    openings = opening_tags(terms, glossary_url)
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


ANNOTATION = re.compile(r'<a data-glossary="[^"]*" href="[^"]*">(.*?)</a>', re.DOTALL)


def remove_annotations(html: str) -> str:
    """Undo annotate(): unwrap every annotation element, keeping its text."""
    return ANNOTATION.sub(r"\1", html)
