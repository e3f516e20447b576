"""Read a Markdown body outside its code: the links (with their lines) and the prose."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
INLINE = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)")
REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?")
HTML_ATTR = re.compile(r"""\b(?:href|src)\s*=\s*(["'])(.*?)\1""", re.IGNORECASE)
LINK_TARGET = re.compile(r"\]\([^)]*\)|^\s{0,3}\[[^\]]+\]:.*$|<[^>]+>")
INTRASITE = re.compile(r"^[{|](?P<what>[a-z]+)[|}](?P<value>.*)$")


@dataclass(frozen=True)
class Link:
    target: str
    line: int


def lines_outside_code(body: str) -> Iterator[tuple[int, str]]:
    """(offset, line) for every line outside fenced code blocks, code spans blanked out."""
    fence: str | None = None
    for offset, line in enumerate(body.split("\n")):
        marker = FENCE.match(line) if ("```" in line or "~~~" in line) else None
        if fence:
            if marker and marker.group(1)[0] == fence[0] and len(marker.group(1)) >= len(fence):
                fence = None
            continue
        if marker:
            fence = marker.group(1)
            continue
        yield (
            offset,
            (CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line) if "`" in line else line),
        )


def extract(body: str, first_line: int) -> Iterator[Link]:
    """Yield every link and image target outside code blocks and code spans."""
    for offset, text in lines_outside_code(body):
        if "](" not in text and "]:" not in text and "=" not in text:
            continue  # most lines hold no link: skip the regular expressions
        number = first_line + offset
        for match in INLINE.finditer(text):
            yield Link(match.group(1), number)
        reference = REFERENCE.match(text)
        if reference:
            yield Link(reference.group(1), number)
        for match in HTML_ATTR.finditer(text):
            yield Link(match.group(2), number)


def prose(body: str) -> str:
    """The words a reader sees: the body without code, link targets and HTML tags."""
    return "\n".join(LINK_TARGET.sub(" ", line) for _, line in lines_outside_code(body))


def split_intrasite(target: str) -> tuple[str, str] | None:
    """Split Pelican's `{filename}path` style into ("filename", "path")."""
    match = INTRASITE.match(target)
    return (match.group("what"), match.group("value")) if match else None
