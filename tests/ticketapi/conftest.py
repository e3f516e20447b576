"""Fixtures for the ticketapi: one app per session, an empty database per test.

The suite runs on SQLite by default, and on PostgreSQL when
HELPDESK_TEST_DATABASE_URL names one (`make test` does both when it can).
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text

from tests.support.database import empty_tables
from tests.support.world import World
from ticketapi import create_app
from ticketapi.cli import upgrade_database
from ticketapi.extensions import db
from ticketapi.people import services as people


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("HELPDESK_TEST_DATABASE_URL")
    return url or f"sqlite:///{tmp_path_factory.mktemp('db') / 'helpdesk.db'}"


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    app = create_app(
        {
            **_expendable_database(database_url),
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "INSTANCE_DIR": str(instance),
            "SQLALCHEMY_DATABASE_URI": database_url,
            # The limiter runs for real; tests that exercise it lower these limits.
            "SUBMIT_RATE_LIMIT": "100000 per minute",
            "LOGIN_RATE_LIMIT": "100000 per minute",
            "TOTP_RATE_LIMIT": "100000 per minute",
            "SEARCH_RATE_LIMIT": "100000 per minute",
            "DEFLECTION_RATE_LIMIT": "100000 per minute",
            "PASSWORD_RESET_RATE_LIMIT": "100000 per minute",
            "PASSWORD_RESET_ADDRESS_LIMIT": "100000 per minute",
            # Never the repository's own index: search tests build theirs.
            "SEARCH_INDEX": str(instance / "search-index"),
        }
    )
    with app.app_context():
        # The suite runs on the schema the migrations build, as a real install would.
        db.drop_all()
        _drop_alembic_version()
        upgrade_database()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _expendable_database(url: str) -> dict:
    """Commits that need not reach the disk: the test database is thrown away after the run.

    A commit still ends its transaction and is seen by every other connection at once; only
    its wait for the write-ahead log to be flushed (PostgreSQL) or synced (SQLite) goes.
    """
    if url.startswith("postgresql"):
        options = {"connect_args": {"options": "-c synchronous_commit=off"}}
        return {"SQLALCHEMY_ENGINE_OPTIONS": options}
    return {"SQLITE_SYNCHRONOUS": "OFF"}


def _drop_alembic_version() -> None:
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture(autouse=True)
def app_context(request, app):
    """Every test gets an app context and an empty database (for tests that use the app)."""
    with app.app_context():
        people.ensure_system_usergroups()
        db.session.commit()
        yield
        db.session.rollback()
        empty_tables()
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def world(client) -> World:
    return World(client)
