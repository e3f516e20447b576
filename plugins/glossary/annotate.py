"""The pure core of the glossary plugin: annotate glossary terms in an HTML fragment.

The fast path (`_annotate_text`): one regular expression splits the fragment into texts and
what is not text (tags, comments, character references); the tags tell which texts lie in an
element whose text is off limits (SPEC §5 rule 2), and each such element is merged into one
tag. The remaining texts are joined with a separator no name holds, and one pass of the term
automaton over that finds the candidates, all in annotatable text; the leftmost and longest
wins. The annotated texts are then put back between the tags. It never works out a position
in the fragment itself, which is what made the first version slow (a loop in Python over
every tag).

Odd fragments take the first version's path (`_annotate_by_layout`), which finds the
candidates in the whole fragment and tests each against where the tags are: those with a `<`
inside a tag or comment (an attribute value `"<b>"`, a commented-out element), which the text
path could not tell from a start tag, those already annotated, those holding NUL or one of
the four characters that IGNORECASE takes for an ASCII letter. Both give the same output for
every fragment; tests/plugins/test_glossary_paths.py compares them with the first version.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from html import escape
from weakref import WeakKeyDictionary

from helpdesk.publish.terms import TermMatcher, lower_each

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
#: declarations and character references. Possessive (`*+`, `++`): a tag ends at its first
#: `>` outside quotes, so they change no match, but without them a `<p` followed by a long run
#: and a quote never closed backtracked in time exponential in the run's length.
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
#: Compiled patterns by tag name. Process-wide on purpose: a pattern depends on the name only,
#: so every build may share them; nothing of one build's content is kept here.
_END_TAGS: dict[str, re.Pattern] = {}
#: The same, for the text path (see the module's docstring): the tag pattern, and character
#: references only where the fragment has an `&` (a pattern that starts with one literal `<`
#: is found much faster than one that starts with either of two characters). A tag ends at its
#: first `>` outside quotes, so the possessive quantifiers change no match.
TAG = (
    r"<(?:/?[a-zA-Z][^>\"']*+(?:(?:\"[^\"]*+\"|'[^']*+')[^>\"']*+)*+>"
    r"|!--.*?-->|!\[CDATA\[.*?\]\]>|[!?][^>]*+>)"
)
REFERENCE = r"&(?:#[0-9]++|#[xX][0-9a-fA-F]++|[a-zA-Z][a-zA-Z0-9]*+);"
SPLIT_TAGS = re.compile(f"({TAG})", re.DOTALL)
SPLIT_TOKENS = re.compile(f"({TAG}|{REFERENCE})", re.DOTALL)
#: Joins the texts, and the tags, on the text path: in no name and in no fragment it takes.
SEPARATOR = "\0"
#: An excluded element's start tag among the tags joined by SEPARATOR and lower-cased.
EXCLUDED_TAG = re.compile(
    r"\0<(a|button|code|h[1-6]|kbd|label|math|option|pre"
    r"|s(?:amp|cript|elect|tyle|vg)|t(?:emplate|extarea|itle))\b"
)
#: Not ASCII, yet IGNORECASE matches them to an ASCII letter: İ ı ſ K.
ASCII_LOOKALIKES = re.compile("[\u0130\u0131\u017f\u212a]")
_SAME_NAME_TAGS: dict[str, re.Pattern] = {}


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
    if not terms.terms:
        return html
    annotated = _annotate_text(html, terms, first_only, glossary_url)
    if annotated is None:
        return _annotate_by_layout(html, terms, first_only, glossary_url)
    return annotated


def _excluded_texts(html: str, tags: list[str]) -> list[tuple[int, int]] | None:
    """(first, last) tag index of each element whose text is off limits (the texts first + 1
    to last), in order; None for a fragment the text path leaves to the layout path."""
    if "data-glossary" in html or not (html.isascii() or not ASCII_LOOKALIKES.search(html)):
        return None
    joined = (SEPARATOR + SEPARATOR.join(tags)).lower()
    if joined.count("<") != joined.count(SEPARATOR + "<"):
        return None  # a `<` inside a tag: a comment or a quoted attribute value holds one
    excluded, counted, index = [], 0, -1
    for start in EXCLUDED_TAG.finditer(joined):
        if start.end() <= counted:
            continue  # inside the element just found
        index += joined.count(SEPARATOR, counted, start.end())
        counted = start.end()
        name, first = start.group(1), index
        if name not in VOID and not tags[first].endswith("/>"):
            depth, index = 1, len(tags)
            tag = _SAME_NAME_TAGS.get(name) or _SAME_NAME_TAGS.setdefault(
                name, re.compile(rf"\0<(/?){name}\b")
            )
            for other in tag.finditer(joined, counted):
                depth += -1 if other.group(1) else 1
                if depth == 0:
                    index = first + joined.count(SEPARATOR, counted, other.end())
                    counted = other.end()
                    break
        excluded.append((first, index))
        if index == len(tags):
            break
    return excluded


def _annotate_text(
    html: str, terms: TermMatcher, first_only: bool, glossary_url: str
) -> str | None:
    """annotate() by the text path (see the module's docstring); None where it does not apply."""
    if terms.odd_names or SEPARATOR in html:
        return None
    parts = (SPLIT_TOKENS if "&" in html else SPLIT_TAGS).split(html)
    excluded = _excluded_texts(html, parts[1::2])
    if excluded is None:
        return None
    # An excluded element, tags and texts, becomes one tag: its texts are not searched.
    for first, last in reversed(excluded):
        inside = slice(2 * first + 1, 2 * last + 2)
        merged = "".join(parts[inside])
        parts[inside] = (merged,) if inside.stop < len(parts) else (merged, "")
    texts = parts[::2]
    # The separator also stands first and last, so every word has a character on each side.
    text = SEPARATOR + SEPARATOR.join(texts) + SEPARATOR
    folded = ""
    if terms.ignores_case:
        # As lower_same_length(html) would: character by character where that changes the
        # length; else str.lower(), whose only context (a final sigma) stops at the
        # separator as it does at the `>` or `;` it stands for.
        folded = text.lower()
        if not html.isascii() and len(html.lower()) != len(html):
            folded = lower_each(text)
    spans = terms.padded_spans(text, folded)
    if not spans:
        return html
    openings = opening_tags(terms, glossary_url)
    slugs = terms.slugs
    seen: set[str] = set()
    pieces, position, taken_until = [], 0, -1
    for start, _, end, index in spans:
        if start < taken_until:
            continue
        taken_until = end  # the leftmost, longest occurrence wins even when not annotated
        slug = slugs[index]
        if first_only and slug in seen:
            continue
        seen.add(slug)
        pieces += (text[position:start], openings[index], text[start:end], "</a>")
        position = end
    if not pieces:
        return html
    pieces.append(text[position:])
    annotated = "".join(pieces).split(SEPARATOR)
    if len(annotated) != len(texts) + 2:
        return None  # the separator in a slug or in the glossary's URL
    parts[::2] = annotated[1:-1]
    return "".join(parts)


def _annotate_by_layout(html: str, terms: TermMatcher, first_only: bool, glossary_url: str) -> str:
    """annotate() by the first version's path: every candidate tested against the layout."""
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
