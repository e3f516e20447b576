"""Plain text out of the HTML Pelican renders: what a reader reads, without markup."""

from __future__ import annotations

import html
import re

#: Elements whose content is never text a reader reads on the page.
_HIDDEN = re.compile(r"<(script|style|template)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
#: Heading permalinks (`<a class="headerlink">#</a>`) are decoration, not words.
_PERMALINK = re.compile(r"<a\b[^>]*\bclass=\"headerlink\"[^>]*>.*?</a>", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
#: Tags that end a word: block elements, line breaks, cells. Others (em, a, span) do not.
_BREAKING = re.compile(
    r"</?(?:p|div|br|hr|li|ul|ol|dl|dt|dd|h[1-6]|pre|blockquote|table|thead|tbody|tr|td|th"
    r"|section|article|aside|details|summary|figure|figcaption|img|input|label|nav)\b[^>]*>",
    re.IGNORECASE,
)
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def html_to_text(markup: str) -> str:
    """The text of an HTML fragment, with block boundaries as spaces and entities decoded.

    Glossary annotations (`<a data-glossary>`) are ordinary inline elements, so the text
    is the same with or without them (SPEC §5, rule 7).
    """
    if "<" not in markup and "&" not in markup:
        return _SPACE.sub(" ", markup).strip()
    text = _COMMENT.sub(" ", markup)
    text = _HIDDEN.sub(" ", text)
    text = _PERMALINK.sub("", text)
    text = _BREAKING.sub(" ", text)
    text = _TAG.sub("", text)
    return _SPACE.sub(" ", html.unescape(text)).strip()
