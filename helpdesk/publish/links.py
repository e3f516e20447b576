"""Find the links in a Markdown body, with the line each is on."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
INLINE = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)")
REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?")
HTML_ATTR = re.compile(r"""\b(?:href|src)\s*=\s*(["'])(.*?)\1""", re.IGNORECASE)
INTRASITE = re.compile(r"^[{|](?P<what>[a-z]+)[|}](?P<value>.*)$")


@dataclass(frozen=True)
class Link:
    target: str
    line: int


def extract(body: str, first_line: int) -> Iterator[Link]:
    """Yield every link and image target outside code blocks and code spans."""
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
        if "](" not in line and "]:" not in line and "=" not in line:
            continue  # most lines hold no link: skip the regular expressions
        text = CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)
        number = first_line + offset
        for match in INLINE.finditer(text):
            yield Link(match.group(1), number)
        reference = REFERENCE.match(text)
        if reference:
            yield Link(reference.group(1), number)
        for match in HTML_ATTR.finditer(text):
            yield Link(match.group(2), number)


def split_intrasite(target: str) -> tuple[str, str] | None:
    """Split Pelican's `{filename}path` style into ("filename", "path")."""
    match = INTRASITE.match(target)
    return (match.group("what"), match.group("value")) if match else None
