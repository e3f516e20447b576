"""The Flask extensions, created unbound and wired by `create_app`."""

from __future__ import annotations

from flask import Flask, has_request_context, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names, so migrations mean the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
limiter = Limiter(key_func=get_remote_address)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def init_app(app: Flask) -> None:
    """Bind the extensions to the app and tune SQLite for a server."""
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite"):
        # pysqlite's own transaction handling is switched off so that we issue BEGIN.
        options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
        options.setdefault("connect_args", {}).update(
            {"timeout": 30, "isolation_level": None, "check_same_thread": False}
        )
    db.init_app(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()))
    limiter.init_app(app)
    if uri.startswith("sqlite"):
        with app.app_context():
            _tune_sqlite(db.engine, app.config["SQLITE_SYNCHRONOUS"])


def _migrations_dir():
    from pathlib import Path

    return Path(__file__).parent / "migrations"


def _tune_sqlite(engine: Engine, synchronous: str) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        # A request that writes takes the write lock up front: a deferred transaction
        # that upgrades from read to write can fail at once with "database is locked".
        # Commands and jobs outside a request count as writers.
        writing = not (has_request_context() and request.method in SAFE_METHODS)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")
