"""Quoted history and signatures trimmed from the reply shown on a ticket.

Mail programs quote the whole conversation under (or over) each answer. The ticket keeps
only what is new; the untrimmed text and HTML stay on the inbound message (its `original`)
and in the raw mail. Trimming only ever cuts at a marker a mail program writes ("On … wrote:",
Outlook's header block, `>` quotes, the `-- ` signature line, the HTML quote containers), and
never leaves nothing: when everything would go (a forward, a mail that is all quote), the
whole text is shown.
"""

from __future__ import annotations

import re

# A line that starts the quoted history: what follows is the earlier conversation.
HISTORY_STARTS = [
    re.compile(r"^\s*On\b.{0,300}\bwrote:\s*$", re.IGNORECASE),  # Gmail, Apple Mail, Thunderbird
    re.compile(r"^\s*Am\b.{0,300}\bschrieb\b.{0,100}:\s*$", re.IGNORECASE),
    re.compile(r"^\s*Le\b.{0,300}\ba écrit\s*:\s*$", re.IGNORECASE),
    re.compile(r"^\s*-{2,}\s*Original Message\s*-{2,}\s*$", re.IGNORECASE),
    re.compile(r"^\s*-{2,}\s*Forwarded message\s*-{2,}\s*$", re.IGNORECASE),
    re.compile(r"^\s*_{10,}\s*$"),  # Outlook's rule above its header block
    re.compile(r"^\s*From:\s.+$", re.IGNORECASE),  # Outlook's block without the rule
]
SIGNATURE_STARTS = [
    re.compile(r"^-- ?$"),  # the standard separator
    re.compile(r"^\s*Sent from my \w+", re.IGNORECASE),
    re.compile(r"^\s*Get Outlook for \w+", re.IGNORECASE),
]
# Where the quote begins in HTML from the common mail programs.
HTML_HISTORY_STARTS = re.compile(
    r"<(?:div|blockquote)\b[^>]*(?:"
    r"class=[\"']?[^\"'>]*\b(?:gmail_quote|yahoo_quoted|moz-cite-prefix|protonmail_quote)\b"
    r"|id=[\"']?(?:divRplyFwdMsg|appendonsend|mail-editor-reference-message-container)\b"
    r"|type=[\"']?cite\b"
    r")",
    re.IGNORECASE,
)
HTML_RULE_BEFORE_HISTORY = re.compile(r"<hr\b[^>]*>\s*(?=<div\b[^>]*id=[\"']?divRplyFwdMsg)", re.I)


def trim_text(text: str) -> str:
    """The new part of a plain-text reply: no quoted history, no signature."""
    lines = text.replace("\r\n", "\n").split("\n")
    end = len(lines)
    for index, line in enumerate(lines):
        if any(pattern.match(line) for pattern in HISTORY_STARTS):
            # A "From:" line alone is only history when a header block follows it.
            if line.lstrip().lower().startswith("from:") and not _header_block(lines, index):
                continue
            end = index
            break
    kept = lines[:end]
    # Trailing `>` lines (a quote at the bottom, however it was introduced).
    while kept and (kept[-1].startswith(">") or not kept[-1].strip()):
        kept.pop()
    for index, line in enumerate(kept):
        if any(pattern.match(line) for pattern in SIGNATURE_STARTS):
            kept = kept[:index]
            break
    trimmed = "\n".join(kept).strip()
    return trimmed or text.strip()


def _header_block(lines: list[str], index: int) -> bool:
    following = " ".join(lines[index + 1 : index + 5]).lower()
    return any(name in following for name in ("sent:", "date:", "to:", "subject:"))


def trim_html(markup: str) -> str:
    """The new part of an HTML reply (before sanitizing): cut where the quote begins."""
    found = HTML_HISTORY_STARTS.search(markup)
    if found is None:
        return markup
    start = found.start()
    # Outlook draws a rule just before its header block: it goes with the history.
    rules = list(HTML_RULE_BEFORE_HISTORY.finditer(markup[: found.end()]))
    if rules and rules[-1].end() >= start - 1:
        start = rules[-1].start()
    trimmed = markup[:start]
    if not re.sub(r"<[^>]*>|&nbsp;|\s", "", trimmed):
        return markup  # nothing before the quote: a forward, shown whole
    return trimmed
