"""Read a Markdown body as the site renders it: its links (with their lines), ids and prose.

The check must find links where a reader does, so the body is rendered with the site's own
Markdown (`rendering.site_markdown`) rather than scanned by a second parser that could
disagree about what is code. Rendering forgets source lines, so every place that may hold a
link target (`](target`, `[id]: target`, `href=` and `src=`) first gets a numbered marker
instead of its target. A marker that comes out in an element's `href` or `src` is a link a
reader can follow, and its number gives back the target as written and its line; a marker
inside code, an HTML comment or a title comes out as text and is not a link.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser

from markdown import Markdown

#: Where a link target may be; a superset is harmless (a marker that stays text is no link).
#: Three patterns, each run only on a body holding its telltale characters: most hold no HTML.
INLINE = re.compile(  # [text](target "title"), [text](<target>), images alike
    r"\]\(\s*(<[^<>\n]*>|(?:[^\s()\\<]|\\.|\((?:[^\s()\\]|\\.)*\))+)"
)
REFERENCE = re.compile(  # [id]: target "title", also inside block quotes
    r"^[ \t>]*\[(?!\^)[^\]\n]+\]:[ \t]*\n?[ \t>]*(<[^<>\n]*>|\S+)", re.MULTILINE
)
ATTRIBUTE = re.compile(  # HTML: href="target", src='target', href=target
    r"(?<![\w-])(?:href|src)[ \t]*=[ \t]*(?:\"([^\"\n]*)\"|'([^'\n]*)'|([^\s\"'=<>`]+))",
    re.IGNORECASE,
)
BACKSLASH_ESCAPE = re.compile(r"\\(.)")
INTRASITE = re.compile(r"^[{|](?P<what>[a-z]+)[|}](?P<value>.*)$")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
#: Elements whose text is code or script, not prose.
NOT_PROSE = frozenset(("pre", "code", "kbd", "samp", "script", "style"))
#: Elements inside a run of text: no word boundary at their tags.
PHRASING = frozenset((
    "a", "abbr", "b", "bdi", "bdo", "cite", "data", "del", "dfn", "em", "i", "ins", "mark",
    "q", "s", "small", "span", "strong", "sub", "sup", "time", "u",
))  # fmt: skip


@dataclass(frozen=True)
class Link:
    target: str
    line: int


@dataclass
class Rendered:
    """What a reader finds in a rendered document: links, the ids links may name, the prose."""

    links: list[Link] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    prose: str = ""


@dataclass
class _Marked:
    body: str
    marker: re.Pattern
    targets: list[tuple[str, int]]  # (target as the renderer reads it, line), by number


def _marker_prefix(body: str) -> str:
    prefix = "hdlink"
    while prefix in body:  # never mistake the writer's own text for a marker
        prefix += "q"
    return prefix


def _candidates(body: str) -> list[tuple[int, int, bool]]:
    """(start, end, is Markdown syntax) of every possible link target, in order."""
    found = []
    if "](" in body:
        found += [(*m.span(1), True) for m in INLINE.finditer(body)]
    if "]:" in body:
        found += [(*m.span(1), True) for m in REFERENCE.finditer(body)]
    if "=" in body and ("href" in (lowered := body.lower()) or "src" in lowered):
        found += [(*m.span(m.lastindex), False) for m in ATTRIBUTE.finditer(body)]
    return sorted(found)


def _mark(body: str, first_line: int, escaped: list[str]) -> _Marked:
    """Replace every possible link target with a numbered marker, remembering target and line."""
    prefix = _marker_prefix(body)
    targets: list[tuple[str, int]] = []
    pieces: list[str] = []
    position, line = 0, first_line
    for start, end, markdown_syntax in _candidates(body):
        if start < position:
            continue  # inside a target already marked
        written = body[start:end]
        if markdown_syntax:
            if written.startswith("<"):
                written = written[1:-1]
            written = BACKSLASH_ESCAPE.sub(
                lambda m: m.group(1) if m.group(1) in escaped else m.group(0), written
            )
        else:
            written = html.unescape(written)
        line += body.count("\n", position, start)
        pieces += [body[position:start], f"{prefix}{len(targets)}z"]
        targets.append((written, line))
        position = end
    pieces.append(body[position:])
    return _Marked("".join(pieces), _marker(prefix), targets)


@lru_cache(maxsize=8)
def _marker(prefix: str) -> re.Pattern:
    return re.compile(re.escape(prefix) + r"(\d+)z")


class _RenderedReader(HTMLParser):
    """Collect href and src values, ids and the text outside code from rendered HTML."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.targets: list[str] = []
        self.ids: set[str] = set()
        self.text: list[str] = []
        self._code = 0

    def handle_starttag(self, tag, attrs):
        self._attributes(tag, attrs)
        if tag in NOT_PROSE:
            self._code += 1
        elif tag not in PHRASING:
            self.text.append(" ")

    def handle_startendtag(self, tag, attrs):
        self._attributes(tag, attrs)
        self.text.append(" ")

    def handle_endtag(self, tag):
        if tag in NOT_PROSE:
            self._code = max(self._code - 1, 0)
        elif tag not in PHRASING:
            self.text.append(" ")

    def handle_data(self, data):
        if not self._code:
            self.text.append(data)

    def _attributes(self, tag, attrs):
        for name, value in attrs:
            if not value:
                continue
            if name in ("href", "src"):
                self.targets.append(value)
            elif name == "id" or (name == "name" and tag == "a"):
                self.ids.add(value)


def read(body: str, first_line: int, md: Markdown) -> Rendered:
    """Render a body with the site's Markdown; return its links, ids and prose."""
    marked = _mark(body, first_line, md.ESCAPED_CHARS)
    reader = _RenderedReader()
    reader.feed(md.reset().convert(marked.body))
    reader.close()
    found: dict[int, Link] = {}
    unmarked: list[Link] = []
    for value in reader.targets:
        numbers = [int(n) for n in marked.marker.findall(value)]
        if not numbers:
            if not value.startswith("#") and not SCHEME.match(value) and value.strip():
                # A link the markers missed (no known syntax): still checked, at its line.
                unmarked.append(Link(value, _line_of(body, value, first_line)))
            continue
        target = marked.marker.sub(lambda m: marked.targets[int(m.group(1))][0], value)
        found.setdefault(numbers[0], Link(target, marked.targets[numbers[0]][1]))
    links = [found[number] for number in sorted(found)] + unmarked
    # A marker left in the text stood for something that turned out not to be a link.
    return Rendered(links, reader.ids, marked.marker.sub(" ", "".join(reader.text)))


def _line_of(body: str, text: str, first_line: int) -> int:
    position = body.find(text)
    return first_line + body.count("\n", 0, position) if position >= 0 else first_line


def split_intrasite(target: str) -> tuple[str, str] | None:
    """Split Pelican's `{filename}path` style into ("filename", "path")."""
    match = INTRASITE.match(target)
    return (match.group("what"), match.group("value")) if match else None
