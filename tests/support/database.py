"""The test database: emptied between tests, and how to see a transaction wait for a lock."""

from __future__ import annotations

import threading
import time

from sqlalchemy import text

from ticketapi.extensions import db
from ticketapi.people import services as people
from ticketapi.tickets.search import INDEX_TABLE


def reset_database() -> None:
    """Start again from an empty database inside one test."""
    db.session.rollback()
    empty_tables()
    people.ensure_system_usergroups()
    db.session.commit()


def empty_tables() -> None:
    """Delete every row of every table (the search index first), and start ids again at 1.

    On PostgreSQL this is DELETE and `setval`, not TRUNCATE: a TRUNCATE of 40 tables costs
    about 200 ms (new files for every table and index), DELETE of a test's few rows about 3 ms,
    and the suite empties the database after each of its 2,500 tests. SQLite starts a table's
    ids again by itself once it is empty.
    """
    # The search index is outside the models; emptied first, it never outlives its tickets.
    tables = [INDEX_TABLE, *(t.name for t in reversed(db.metadata.sorted_tables))]
    with db.engine.begin() as connection:
        for table in tables:
            connection.execute(text(f"DELETE FROM {table}"))
        if connection.dialect.name == "postgresql":
            _restart_sequences(connection)


def _restart_sequences(connection) -> None:
    sequences = connection.scalars(
        text("SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()")
    ).all()
    if sequences:
        calls = ", ".join(f"setval('{name}', 1, false)" for name in sequences)
        connection.execute(text(f"SELECT {calls}"))


def wait_until_blocked_or_done(thread: threading.Thread) -> None:
    """Return once `thread` has finished or waits for a lock another transaction holds.

    PostgreSQL says when a session waits for a lock; SQLite's second writer always waits for
    the first (it cannot start its transaction), so there a short grace is enough.
    """
    deadline = time.monotonic() + 20
    while thread.is_alive() and time.monotonic() < deadline:
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as connection:
                waiting = connection.scalar(
                    text(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    )
                )
            if waiting:
                return
        else:
            thread.join(timeout=1)
            return
        time.sleep(0.01)
