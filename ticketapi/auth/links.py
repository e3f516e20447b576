"""Mailed single-use links: what password reset links and ticket confirmations share.

A link carries 256 random bits (`secrets.token_urlsafe(32)`) and is stored only as their
SHA-256: the secret is as strong as a sign-in token, so a fast hash is enough, and a copy of
the database holds no working link. It points at `HELPDESK_SITE_URL`, never at the Host a
request named (whoever sends a request chooses that). It works until it expires, once: a
conditional UPDATE uses it up, so of two uses at once exactly one matches.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from urllib.parse import urlencode

from flask import current_app
from sqlalchemy import ColumnElement, String, update
from sqlalchemy.orm import Mapped, mapped_column

from ticketapi.extensions import db
from ticketapi.timeutil import utcnow

#: Where links point without HELPDESK_SITE_URL: the address `helpdesk serve` answers at by
#: default. Never the Host header of a request, which whoever sends the request chooses.
LOCAL_SITE_URL = "http://127.0.0.1:5000"


def digest(secret: str) -> str:
    """What is stored of a 256-bit secret (a link, a sign-in token, an API key): its SHA-256.

    A slow hash adds nothing for secrets this strong, and would cost every request.
    """
    return hashlib.sha256(secret.encode()).hexdigest()


class SingleUseLink:
    """The columns of a mailed link's row: its hash, when it ends, when it was used."""

    # SHA-256 of the link's 256 random bits: the link itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


def new_secret() -> tuple[str, str]:
    """A new link's secret and the hash to store; the secret is mailed, never kept."""
    plain = secrets.token_urlsafe(32)
    return plain, digest(plain)


def site_link(page: str, plain: str) -> str:
    """The address a mail carries: `page` on HELPDESK_SITE_URL, with the secret as `token`."""
    root = current_app.config["SITE_URL"] or LOCAL_SITE_URL
    return f"{root}{page}?{urlencode({'token': plain})}"


def live(model: type[SingleUseLink], plain: str, now: datetime) -> list[ColumnElement[bool]]:
    """What a row of `model` that this secret can still use is (add the caller's own)."""
    return [
        model.token_hash == digest(plain),
        model.used_at.is_(None),
        model.expires_at > now,
    ]


def use_up(model: type[SingleUseLink], conditions: list, *, now: datetime) -> bool:
    """Mark the one live row matching `conditions` used; whether there was one.

    One conditional UPDATE, so two uses of a link at the same moment cannot both succeed.
    """
    used = db.session.execute(
        update(model)
        .where(*conditions)
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return used.rowcount == 1
