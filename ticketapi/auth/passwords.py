"""Password hashing with argon2id."""

from __future__ import annotations

import secrets
from contextlib import suppress

from argon2 import Parameters, PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

# RFC 9106's second recommendation (argon2id, 64 MiB, 3 passes, 4 lanes): argon2-cffi's own
# default, named here so that a change of library cannot weaken it unseen.
PARAMETERS = profiles.RFC_9106_LOW_MEMORY


def use_parameters(parameters: Parameters) -> None:
    """Hash new passwords with these argon2 parameters; every stored hash verifies with its own.

    The test suite alone calls it, with argon2's profile for tests (`profiles.CHEAPEST`), as
    Django's documentation advises a fast hasher for tests: thousands of sign-ins would each
    cost a tenth of a second of CPU. Hashes made with other parameters than these are
    replaced at the next sign-in (`needs_rehash`).
    """
    global _hasher, _DUMMY_HASH
    _hasher = PasswordHasher.from_parameters(parameters)
    # Checked whenever there is no usable hash (no such account, an account without a
    # password, a hash argon2 cannot read), so those refusals cost the same time as a wrong
    # password.
    _DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


use_parameters(PARAMETERS)

MIN_LENGTH = 10


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether the password matches the hash; exactly one argon2 verification, always.

    None (no account, or one without a password) is never a match, but costs the same.
    """
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except InvalidHashError:
        # Refused before any hashing: do the work a readable hash would have cost.
        _verify_dummy(password)
        return False
    except VerificationError:
        return False


def _verify_dummy(password: str) -> None:
    with suppress(VerificationError):
        _hasher.verify(_DUMMY_HASH, password)


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)
