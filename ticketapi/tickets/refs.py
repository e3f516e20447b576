"""Ticket references: short, unguessable, easy to read aloud and to type."""

from __future__ import annotations

import secrets

# No 0/O, 1/I/L: a reference is read from emails and phone calls.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
GROUP = 4


def new_ref() -> str:
    """Return a reference like `K7QF-M2XP`: 8 symbols, about 40 random bits."""
    symbols = "".join(secrets.choice(ALPHABET) for _ in range(GROUP * 2))
    return f"{symbols[:GROUP]}-{symbols[GROUP:]}"
