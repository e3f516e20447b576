"""Definitions that requests read all the time and admins seldom change, kept by each process.

The built-in usergroups' permissions (every anonymous request), the SLA definitions and the
help desk's settings (every ticket opened) are read once per process and kept with the
*stamp* of their kind. A stamp is a random value in `definition_stamps`, one row per kind;
every flush that adds, changes or deletes a row of a watched model writes a new stamp for
its kind in the same transaction (a session hook: no service can forget it). A request
reads the stamps (one small query, once per transaction) and uses what the process keeps
only while its stamp is still the current one; otherwise it reads the definitions again.
So a change is seen by the next transaction of every process, with no time to live.

The stamp is read before the definitions it guards: on PostgreSQL, whose statements each see
the latest commits, the definitions can then only be newer than their stamp, never older
(at worst read again once more). Writers that must not race a change of the definitions they
apply (SLA clocks) hold the stamps with FOR SHARE until their commit (`stamps(hold=True)`):
a change waits for them, and they wait for a change. SQLite serializes writers already.

Changes made behind the ORM's back (raw SQL) are not noticed: change these tables through
the services, as the API, the CLI and the demo do.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Generic, TypeVar

from flask import current_app
from sqlalchemy import String, event, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, SessionTransaction, mapped_column

from ticketapi.extensions import db

T = TypeVar("T")
# In `Session.info`: the stamps read in the open transaction, and whether they are held.
READ = "versions.stamps"
# Model class -> the kind of definition its rows are part of.
_WATCHED: dict[type, str] = {}


class DefinitionStamp(db.Model):
    """The current stamp of one kind of definition; no row yet: never changed."""

    __tablename__ = "definition_stamps"

    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    stamp: Mapped[str] = mapped_column(String(32))


STAMPS = DefinitionStamp.__table__


def watch(model: type, kind: str) -> None:
    """Rows of `model` are part of the `kind` definitions: changing one changes the stamp."""
    _WATCHED[model] = kind


@event.listens_for(db.session, "before_flush")
def _restamp_changed_kinds(session: Session, _context, _instances) -> None:
    kinds = {_WATCHED.get(type(obj)) for obj in (*session.new, *session.deleted)}
    kinds |= {
        _WATCHED.get(type(obj))
        for obj in session.dirty
        if type(obj) in _WATCHED and session.is_modified(obj)
    }
    kinds.discard(None)
    for kind in sorted(kinds):
        restamp(session, kind)


def restamp(session: Session, kind: str) -> None:
    """Give `kind` a new stamp in the session's transaction (so every process reloads it)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    stamp = uuid.uuid4().hex
    statement = insert(STAMPS).values(kind=kind, stamp=stamp)
    session.execute(
        statement.on_conflict_do_update(index_elements=[STAMPS.c.kind], set_={"stamp": stamp})
    )
    session.info.pop(READ, None)  # this transaction's own reads now see the new stamp


def stamps(*, hold: bool = False) -> Mapping[str, str]:
    """Every kind's current stamp, read once per transaction.

    `hold`: keep them from changing until this transaction ends (FOR SHARE on PostgreSQL;
    SQLite's write transactions hold the whole database already).
    """
    session = db.session()
    hold = hold and session.get_bind().dialect.name == "postgresql"
    read = session.info.get(READ)
    if read is not None and (read[0] or not hold):
        return read[1]
    query = select(STAMPS.c.kind, STAMPS.c.stamp)
    if hold:
        query = query.with_for_update(read=True)
    current = {kind: stamp for kind, stamp in session.execute(query)}
    session.info[READ] = (hold, current)
    return current


@event.listens_for(db.session, "after_transaction_end")
def _forget_stamps(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(READ, None)


class Definitions(Generic[T]):
    """One kind of definitions as this process last read them, with the stamp they had."""

    def __init__(self, kind: str, load: Callable[[], T]) -> None:
        self.kind = kind
        self.load = load

    def get(self, *, hold: bool = False) -> T:
        """The definitions as of the current stamp: kept, or read again if it changed."""
        stamp = stamps(hold=hold).get(self.kind)
        kept = current_app.extensions.setdefault("ticketapi.definitions", {})
        if (found := kept.get(self.kind)) is not None and found[0] == stamp:
            return found[1]
        value = self.load()
        kept[self.kind] = (stamp, value)
        return value
