"""Rules for the text people send: what a stored string and a one-line value may hold.

Plain functions, no framework: the API's schemas, the portal's forms and the services that
take names from elsewhere (mail headers, imports) apply the same rules.
"""

from __future__ import annotations

import re

# A lone surrogate (JSON allows the escape "\ud800") is not a character: it cannot be
# encoded as UTF-8, so neither database could store it, nor a mail or a page show it.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# What a one-line value (a name, a subject, a title) never holds: the C0 controls but tab
# (CR and LF would split a mail header, ESC drives terminals), DEL, the C1 controls, the
# Unicode line and paragraph separators, and the bidi embeddings, overrides and isolates
# that make a subject read differently from what it says ("Trojan Source"). The bidi
# marks U+200E and U+200F, which right-to-left writers need, stay allowed.
NOT_IN_A_LINE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

# A run of them, with the spaces around it, becomes one space.
_CONTROL_RUN = re.compile(f" *(?:{NOT_IN_A_LINE.pattern})+ *")


def codepoint(character: str) -> str:
    return f"U+{ord(character):04X}"


def bad_text(value: str) -> str | None:
    """Why `value` cannot be stored at all (NUL, lone surrogate), or None."""
    if "\x00" in value:
        return "Must not contain NUL characters."
    if found := LONE_SURROGATE.search(value):
        return (
            f"Must not contain a lone surrogate ({codepoint(found.group())}): "
            "send valid Unicode text."
        )
    return None


def not_one_line(value: str) -> str | None:
    """Why `value` is not a one-line value (naming the first control character), or None."""
    if found := NOT_IN_A_LINE.search(value):
        return (
            f"Must be one line of text without control characters: "
            f"remove {codepoint(found.group())}."
        )
    return None


def one_line(value: str) -> str:
    """`value` with each run of control characters made one space, for text from elsewhere."""
    return _CONTROL_RUN.sub(" ", LONE_SURROGATE.sub("\ufffd", value)).strip()
