"""Passwords in the in-process tests: argon2's profile for tests, and hashes made once.

Production's parameters (`ticketapi.auth.passwords.PARAMETERS`) cost about 90 ms of CPU a
hash or sign-in; the suite signs in thousands of times, so in-process tests hash with
`argon2.profiles.CHEAPEST` (same code, same argon2id; tests/ticketapi/auth/test_passwords.py
checks production's parameters). Servers the tests start as processes keep production's.
"""

from __future__ import annotations

from functools import cache

import pytest
from argon2 import profiles

from ticketapi.auth import passwords


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashes():
    passwords.use_parameters(profiles.CHEAPEST)
    yield
    passwords.use_parameters(passwords.PARAMETERS)


@cache
def hashed(password: str) -> str:
    """The hash of `password`, made once a run."""
    return passwords.hash_password(password)
