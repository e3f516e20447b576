"""SQLite is set up for a server, whatever database the rest of the suite runs on."""

from __future__ import annotations

from sqlalchemy import text

from ticketapi import create_app
from ticketapi.extensions import db


def test_sqlite_runs_with_wal_busy_timeout_and_foreign_keys(tmp_path):
    app = create_app(
        {
            "SECRET_KEY": "x",
            "INSTANCE_DIR": str(tmp_path),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'server.db'}",
        }
    )
    with app.app_context():
        with db.engine.connect() as connection:
            pragmas = {
                name: connection.execute(text(f"PRAGMA {name}")).scalar()
                for name in ("journal_mode", "busy_timeout", "foreign_keys", "synchronous")
            }
        db.engine.dispose()
    # synchronous 1 is NORMAL: safe with WAL, and no fsync on every commit.
    assert pragmas == {
        "journal_mode": "wal",
        "busy_timeout": 30000,
        "foreign_keys": 1,
        "synchronous": 1,
    }
