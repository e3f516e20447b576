"""Message bodies: plain text kept as sent, HTML only after sanitizing."""

from __future__ import annotations

import html
import re

import markdown
import nh3

ALLOWED_TAGS = {
    "a", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "hr", "i",
    "li", "ol", "p", "pre", "span", "strong", "table", "tbody", "td", "th", "thead", "tr",
    "u", "ul", "img",
}  # fmt: skip
# `data-src`: a remote image of a mail, which no browser loads (inbound/html_mail.py).
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "data-src"}, "td": {"colspan"}}
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def sanitize(markup: str) -> str:
    """Keep formatting, drop scripts, handlers, styles and unsafe URLs."""
    return nh3.clean(
        markup,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "cid"},
        link_rel="noopener noreferrer nofollow",
    )


def text_to_html(text: str) -> str:
    """Render plain text as escaped paragraphs with line breaks."""
    paragraphs = PARAGRAPH_BREAK.split(text.strip())
    return "".join(
        "<p>" + html.escape(part).replace("\n", "<br>") + "</p>" for part in paragraphs if part
    )


def body_html(body: str, markup: str | None = None) -> str:
    return sanitize(markup) if markup else text_to_html(body)


def markdown_html(text: str) -> str:
    """An agent's Markdown (the agent pages' reply box), through the same sanitizer."""
    return sanitize(markdown.markdown(text, extensions=["fenced_code", "tables", "sane_lists"]))
