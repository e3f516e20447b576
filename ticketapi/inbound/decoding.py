"""Bytes and headers into text without losing a character, whatever the mail declared.

A declared charset is tried first, then UTF-8, then Windows-1252 (what "latin-1" mail
usually is), then Latin-1, which maps every byte to a character: the last step never fails,
so no byte becomes a replacement mark. Headers with raw 8-bit bytes (the email package
keeps them as surrogates) and RFC 2047 encoded words in unknown charsets go the same way.
"""

from __future__ import annotations

import codecs
import email.header
import re

from ticketapi import text as text_rules

FALLBACKS = ("utf-8", "cp1252", "latin-1")
# Charsets mail programs name that Python knows by another name, or that lie.
ALIASES = {"unknown-8bit": None, "x-unknown": None, "us-ascii": "utf-8", "ascii": "utf-8"}
WHITESPACE = re.compile(r"\s+")
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def charset_name(charset: str | None) -> str | None:
    """A codec Python knows for the declared charset, or None."""
    if not charset:
        return None
    name = charset.strip().strip('"').lower()
    if name in ALIASES:
        return ALIASES[name]
    try:
        return codecs.lookup(name).name
    except (LookupError, ValueError):
        return None


def decode_bytes(data: bytes, charset: str | None = None) -> str:
    """The text of `data`: the declared charset if it fits, else the fallbacks."""
    declared = charset_name(charset)
    for name in (declared, *FALLBACKS) if declared else FALLBACKS:
        try:
            return data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def undo_surrogates(value: str) -> str:
    """A header value the parser read with raw 8-bit bytes, as text."""
    if not any("\udc80" <= ch <= "\udcff" for ch in value):
        return value
    return decode_bytes(value.encode("utf-8", "surrogateescape"))


def decode_header(value: str | None) -> str:
    """A header's text: raw bytes and encoded words decoded, folding and controls gone."""
    if value is None:
        return ""
    text = undo_surrogates(str(value))
    try:
        chunks = email.header.decode_header(text)
    except (ValueError, IndexError, AssertionError, LookupError):
        chunks = [(text, None)]
    pieces = []
    for chunk, charset in chunks:
        pieces.append(chunk if isinstance(chunk, str) else decode_bytes(chunk, charset))
    return one_line("".join(pieces))


def one_line(text: str) -> str:
    """Whitespace and control runs (line folds among them) as one space (ticketapi/text.py)."""
    return WHITESPACE.sub(" ", text_rules.one_line(text)).strip()


def storable(text: str) -> str:
    """Body text as a database stores it: NUL (which PostgreSQL refuses) and anything that
    is not a character marked U+FFFD, so nothing goes missing unseen."""
    return UNSTORABLE.sub("\ufffd", text)
