"""HTML mail made safe to show: an allow-list, inline images from our store, no remote ones.

Sanitized twice with nh3. The first pass keeps only the allow-list of tickets/rendering.py
(no scripts, event handlers, styles, forms, iframes or objects), and its output is HTML we
can read with a pattern: every attribute written `name="value"` with no `"` inside. In it,
an image's remote `src` becomes `data-src`, which no browser loads: remote images (often a
tracking pixel that tells the sender the mail was read) wait until an agent asks for them,
when a script of the page may copy `data-src` back. An inline image (`cid:`) points at its
stored attachment instead. The second pass sanitizes the result again, so the rewriting
can only ever remove: an `img src` other than one of our attachments is dropped there.
"""

from __future__ import annotations

import html
import re

import nh3

from ticketapi.tickets.rendering import ALLOWED_ATTRIBUTES, ALLOWED_TAGS

ATTACHMENT_URL = "/api/v1/attachments/{id}/download"
OURS = re.compile(r"/api/v1/attachments/[0-9]+/download")
REMOTE = re.compile(r"https?://", re.IGNORECASE)
IMG = re.compile(r"<img\b((?:\s+[^\s=>]+(?:=\"[^\"]*\")?)*)\s*/?>")
ATTRIBUTE = re.compile(r"\s+([^\s=>]+)(?:=\"([^\"]*)\")?")
BREAKS = re.compile(r"<br\s*/?>|</(?:p|div|tr|li|h[1-6]|blockquote|pre|table)>", re.IGNORECASE)
BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")
# Tags whose content is never text (removed with the tag, not only the tag).
DROPPED_WITH_CONTENT = {"script", "style", "title", "head", "template", "noscript", "xmp"}

FIRST_PASS_ATTRIBUTES = {**ALLOWED_ATTRIBUTES, "img": {"src", "alt", "title"}}
SECOND_PASS_ATTRIBUTES = {**ALLOWED_ATTRIBUTES, "img": {"src", "alt", "title", "data-src"}}


def _first_pass(markup: str) -> str:
    return nh3.clean(
        markup,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=FIRST_PASS_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "cid"},
        link_rel="noopener noreferrer nofollow",
    )


def _second_pass_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src" and not OURS.fullmatch(value):
        return None
    if tag == "img" and attribute == "data-src" and not REMOTE.match(value):
        return None
    return value


def _second_pass(markup: str) -> str:
    return nh3.clean(
        markup,
        tags=ALLOWED_TAGS,
        attributes=SECOND_PASS_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        attribute_filter=_second_pass_filter,
    )


def sanitize_mail_html(markup: str, inline: dict[str, int]) -> str:
    """Safe HTML of a mail; `inline` maps a Content-ID to its stored attachment's id."""

    def rewrite(match: re.Match) -> str:
        attributes = []
        for name, value in ATTRIBUTE.findall(match.group(1)):
            if name == "src":
                url = html.unescape(value)
                if url.lower().startswith("cid:"):
                    found = inline.get(url[4:].strip("<>"))
                    if found is None:
                        continue
                    value, name = ATTACHMENT_URL.format(id=found), "src"
                elif REMOTE.match(url):
                    name = "data-src"
                else:
                    continue
            attributes.append(f' {name}="{value}"')
        return f"<img{''.join(attributes)}>"

    return _second_pass(IMG.sub(rewrite, _first_pass(markup)))


def html_to_text(markup: str) -> str:
    """The text of an HTML body (for mail without a plain-text part): lines kept."""
    marked = BREAKS.sub(lambda m: m.group(0) + "\n", markup)
    text = html.unescape(nh3.clean(marked, tags=set(), clean_content_tags=DROPPED_WITH_CONTENT))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
