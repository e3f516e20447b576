"""The pure core of the glossary plugin: annotate glossary terms in an HTML fragment.

One pass over the HTML's tokens finds the text that may be annotated (SPEC §5 rule 2); one
pass of the term automaton over the whole fragment finds the candidates; the leftmost and
longest candidate that lies inside annotatable text wins.
"""

from __future__ import annotations

import re
from html import escape
from weakref import WeakKeyDictionary

from helpdesk.publish.terms import TermMatcher

#: Elements whose text is never annotated: links, code, headings (SPEC §5), and elements whose
#: content is not prose (raw text, forms, foreign content).
EXCLUDED = frozenset(
    [
        "a",
        "code",
        "pre",
        "kbd",
        "samp",
        "script",
        "style",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "textarea",
        "title",
        "button",
        "select",
        "option",
        "label",
        "svg",
        "math",
        "template",
    ]
)
VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
TOKEN = re.compile(
    r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<[!?][^>]*>"
    r"|<(/?)([a-zA-Z][\w:.-]*)((?:[^>\"']+|\"[^\"]*\"|'[^']*')*)>"
    r"|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);",
    re.DOTALL,
)
ANNOTATED = re.compile(r"""\bdata-glossary\s*=\s*["']?([^"'\s>]+)""")
CLASS = "glossary-term"


def annotatable_text(html: str) -> tuple[list[int], list[int], set[str]]:
    """Start and end offsets of the text runs that may be annotated, and slugs already annotated."""
    starts: list[int] = []
    ends: list[int] = []
    annotated: set[str] = set()
    excluded_name: str | None = None
    depth = 0
    position = 0
    for token in TOKEN.finditer(html):
        if excluded_name is None and token.start() > position:
            starts.append(position)
            ends.append(token.start())
        position = token.end()
        name = token.group(2)
        if name is None:
            continue  # comment, doctype or character reference
        name = name.lower()
        closing = token.group(1) == "/"
        attributes = token.group(3) or ""
        if excluded_name is not None:
            if name == excluded_name and name not in VOID:
                depth += -1 if closing else (0 if attributes.rstrip().endswith("/") else 1)
                if depth == 0:
                    excluded_name = None
            if not closing and (marked := ANNOTATED.search(attributes)):
                annotated.add(marked.group(1))
            continue
        if closing or name in VOID or attributes.rstrip().endswith("/"):
            continue
        marked = ANNOTATED.search(attributes)
        if marked:
            annotated.add(marked.group(1))
        if marked or name in EXCLUDED:
            excluded_name, depth = name, 1
    if excluded_name is None and position < len(html):
        starts.append(position)
        ends.append(len(html))
    return starts, ends, annotated


_OPENING_TAGS: WeakKeyDictionary[TermMatcher, dict[str, list[str]]] = WeakKeyDictionary()


def opening_tags(terms: TermMatcher, glossary_url: str) -> list[str]:
    """The annotation's start tag for each term, made once per glossary and URL."""
    by_url = _OPENING_TAGS.setdefault(terms, {})
    if glossary_url not in by_url:
        by_url[glossary_url] = [
            f'<a class="{CLASS}" data-glossary="{t.slug}" href="{glossary_url}#{t.slug}" '
            f'aria-description="{escape(t.definition)}">'
            for t in terms.terms
        ]
    return by_url[glossary_url]


def annotate(
    html: str, terms: TermMatcher, first_only: bool = True, glossary_url: str = "/glossary/"
) -> str:
    """Wrap glossary terms in `<a class="glossary-term" data-glossary=SLUG>`; text is unchanged."""
    starts, ends, seen = annotatable_text(html)
    if not starts:
        return html
    openings = opening_tags(terms, glossary_url)
    pieces, position, taken_until, run, runs = [], 0, -1, 0, len(starts)
    for start, _, end, index in terms.spans(html):
        if start < taken_until:
            continue
        while run < runs and ends[run] <= start:
            run += 1
        if run == runs:
            break
        if start < starts[run] or end > ends[run]:
            continue  # in a tag, an attribute, an excluded element or across a reference
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


ANNOTATION = re.compile(rf'<a class="{CLASS}" data-glossary="[^"]*"[^>]*>(.*?)</a>', re.DOTALL)


def remove_annotations(html: str) -> str:
    """Undo annotate(): unwrap every annotation element, keeping its text."""
    return ANNOTATION.sub(r"\1", html)
