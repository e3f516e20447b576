"""Keys derived from SECRET_KEY, one per purpose: secrets encrypted at rest, and signatures.

A copy of the database alone reads no secret and forges no signature; a new SECRET_KEY
makes the stored secrets unreadable (`decrypt` returns None) and old signatures invalid.
Each purpose gets its own key (HKDF's `info`), so one use never helps attack another.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app


def derived_key(purpose: bytes, secret_key: str | None = None) -> bytes:
    """32 bytes for one purpose, from the app's SECRET_KEY (or the one given)."""
    secret = secret_key if secret_key is not None else current_app.config["SECRET_KEY"]
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(
        secret.encode()
    )


def _fernet(purpose: bytes) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(derived_key(purpose)))


def encrypt(plain: str, purpose: bytes) -> str:
    """The text encrypted (Fernet: AES and an HMAC) under the purpose's key."""
    return _fernet(purpose).encrypt(plain.encode()).decode()


def decrypt(token: str, purpose: bytes) -> str | None:
    """The text back; None when it was encrypted under another SECRET_KEY (or tampered)."""
    try:
        return _fernet(purpose).decrypt(token.encode()).decode()
    except InvalidToken:
        return None
