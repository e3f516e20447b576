"""Plain text out of the HTML Pelican renders: what a reader reads, without markup.

The text keeps the page's blocks: each paragraph, heading, list item, table cell and line
of code is a line of its own (`BLOCK_BREAK` between them), so a snippet never runs a
heading into the paragraph under it or two cells together. The analyzer treats the line
breaks as spaces: the words indexed are the same either way.
"""

from __future__ import annotations

import html
import re

#: Between two blocks of the text. Never inside one: a block's whitespace is one space.
BLOCK_BREAK = "\n"

#: Elements whose content is never text a reader reads on the page.
_HIDDEN = re.compile(r"<(script|style|template)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
#: Heading permalinks (`<a class="headerlink">#</a>`) are decoration, not words.
_PERMALINK = re.compile(r"<a\b[^>]*\bclass=\"headerlink\"[^>]*>.*?</a>", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
#: Code keeps its lines: each is a block, where elsewhere a line break in the source is a space.
_PRE = re.compile(r"<pre\b.*?</pre\s*>", re.IGNORECASE | re.DOTALL)
#: Tags that end a block: block elements, line breaks, cells. Others (em, a, span) do not.
_BREAKING = re.compile(
    r"</?(?:p|div|br|hr|li|ul|ol|dl|dt|dd|h[1-6]|pre|blockquote|table|thead|tbody|tfoot|tr|td"
    r"|th|caption|section|article|aside|header|footer|main|details|summary|figure|figcaption"
    r"|img|input|label|nav|form|select|option|textarea|button)\b[^>]*>",
    re.IGNORECASE,
)
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def html_to_text(markup: str) -> str:
    """The text of an HTML fragment: its blocks one a line, entities decoded.

    Glossary annotations (`<a data-glossary>`) are ordinary inline elements, so the text
    is the same with or without them (SPEC §5, rule 7).
    """
    if "<" not in markup and "&" not in markup:
        return _SPACE.sub(" ", markup).strip()
    text = _COMMENT.sub(" ", markup)
    text = _HIDDEN.sub(" ", text)
    text = _PERMALINK.sub("", text)
    text = _PRE.sub(lambda pre: pre.group(0).replace("\n", "<br>"), text)
    text = _SPACE.sub(" ", text)  # a line break in the source is a space...
    text = _BREAKING.sub(BLOCK_BREAK, text)  # ...a block's end is a line break
    text = html.unescape(_TAG.sub("", text))
    blocks = (" ".join(line.split()) for line in text.split(BLOCK_BREAK))
    return BLOCK_BREAK.join(block for block in blocks if block)
