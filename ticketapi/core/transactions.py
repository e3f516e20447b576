"""Commits: the one helper views, jobs and commands end a unit of work with."""

from __future__ import annotations

from typing import TypeVar, overload

from ticketapi.extensions import db

T = TypeVar("T")


@overload
def commit() -> None: ...
@overload
def commit(result: T) -> T: ...
def commit(result=None):
    """Commit the session's transaction, then hand back `result` (what the caller returns)."""
    db.session.commit()
    return result
