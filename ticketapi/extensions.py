"""The Flask extensions, created unbound and wired by `create_app`."""

from __future__ import annotations

import fcntl
import itertools
import os
import sqlite3
import time
from pathlib import Path

from flask import Flask, g, has_request_context, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

from ticketapi.rate_limits import storage as _rate_limit_storage  # noqa: F401 (its scheme)

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


# Objects keep their values after a commit: a response is rendered after the commit, and
# reloading it would open a second transaction (a second write lock on SQLite).
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate(render_as_batch=True, compare_type=True)
limiter = Limiter(key_func=get_remote_address)
# Checked only where a view asks (WTF_CSRF_CHECK_DEFAULT is off): the portal's form posts.
# The JSON API authenticates by bearer token, which a browser never sends on its own.
csrf = CSRFProtect()
# Browser sessions (the agent pages): auth/browser.py gives it its loader.
login_manager = LoginManager()

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
BUSY_TIMEOUT_SECONDS = 30
# Write transactions a process commits between two checkpoints of the WAL (opening a ticket
# adds about 20 pages; SQLite's own automatic checkpoint comes every 1,000 pages).
CHECKPOINT_EVERY_COMMITS = 50
# Pages in the WAL past which a checkpoint finishes its work inside the write queue (the
# WAL starts over only once a checkpoint has caught up with every commit).
WAL_RESTART_PAGES = 4000
# The WAL file is cut back to this size when it starts over.
WAL_SIZE_LIMIT_BYTES = 64 * 2**20


def init_app(app: Flask) -> None:
    """Bind the extensions to the app and tune SQLite for a server."""
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite"):
        # pysqlite's own transaction handling is switched off so that we issue BEGIN.
        options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
        options.setdefault("connect_args", {}).update(
            {"timeout": BUSY_TIMEOUT_SECONDS, "isolation_level": None, "check_same_thread": False}
        )
    else:
        # A pooled connection the server closed (a database restart or fail-over, an idle
        # timeout in a proxy) is found out at checkout and replaced, not handed to a request.
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {}).setdefault("pool_pre_ping", True)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()))
    limiter.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    if uri.startswith("sqlite"):
        with app.app_context():
            lock = Path(app.config["INSTANCE_DIR"]) / "sqlite-write.lock"
            _tune_sqlite(db.engine, app.config["SQLITE_SYNCHRONOUS"], WriterQueue(lock))


def _migrations_dir() -> Path:
    return Path(__file__).parent / "migrations"


class WriterQueue:
    """Writers to one SQLite file wait their turn on a file lock, threads and processes alike.

    SQLite's own busy handler polls with sleeps of up to 100 ms, so under load a writer
    often sleeps long after the lock is free; this wakes the next writer within ~2 ms.
    """

    POLL_SECONDS = (0.0002, 0.0005, 0.001, 0.002)

    def __init__(self, path: Path, timeout: float = BUSY_TIMEOUT_SECONDS) -> None:
        self.path = path
        self.timeout = timeout

    def open(self) -> int:
        return os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)

    def acquire(self, fd: int) -> None:
        deadline = time.monotonic() + self.timeout
        for attempt in itertools.count():
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise sqlite3.OperationalError("database is locked") from None
                time.sleep(self.POLL_SECONDS[min(attempt, len(self.POLL_SECONDS) - 1)])

    @staticmethod
    def release(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _tune_sqlite(engine: Engine, synchronous: str, writers: WriterQueue) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        # Checkpoints run after the write lock is released (finish, below), not inside the
        # commit that crosses SQLite's threshold, which would hold every writer waiting.
        cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.execute(f"PRAGMA journal_size_limit={WAL_SIZE_LIMIT_BYTES}")
        cursor.close()
        record.info["writer_fd"] = writers.open()

    @event.listens_for(engine, "close")
    def on_close(_dbapi_connection, record):
        if (fd := record.info.pop("writer_fd", None)) is not None:
            os.close(fd)  # closing the descriptor also drops a lock it held

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        if not _writes():
            connection.exec_driver_sql("BEGIN")
            return
        # A writer takes the write lock up front: a deferred transaction that upgrades
        # from read to write can fail at once with "database is locked".
        fd = connection.connection.info["writer_fd"]
        writers.acquire(fd)
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            writers.release(fd)
            raise
        connection.info["writer_fd_held"] = fd

    commits = itertools.count(1)

    def finish(connection, end) -> None:
        if (fd := connection.info.pop("writer_fd_held", None)) is None:
            return
        dbapi_connection = connection.connection.dbapi_connection
        try:
            # End the transaction now, so the queue's lock outlives SQLite's.
            end(dbapi_connection)
        finally:
            writers.release(fd)
        if next(commits) % CHECKPOINT_EVERY_COMMITS == 0:
            checkpoint(dbapi_connection, writers, fd)

    @event.listens_for(engine, "commit")
    def on_commit(connection):
        finish(connection, lambda dbapi: dbapi.commit())

    @event.listens_for(engine, "rollback")
    def on_rollback(connection):
        finish(connection, lambda dbapi: dbapi.rollback())


def checkpoint(dbapi_connection, writers: WriterQueue, fd: int) -> None:
    """Copy the WAL into the database, as far as possible without holding up writers.

    A passive checkpoint takes no write lock: it copies and syncs while the other workers
    go on committing, and only this request waits for the disk. Commits made meanwhile stay
    in the WAL, and the WAL starts over only when a checkpoint has caught up with all of
    them; so once it holds WAL_RESTART_PAGES, a second pass in the write queue copies the
    few pages left (SQLite's own checkpoint would copy them all, and sync, inside a commit).
    """
    _busy, wal_pages, _copied = _passive_checkpoint(dbapi_connection)
    if wal_pages > WAL_RESTART_PAGES:
        # In the queue no commit lands meanwhile: this pass catches up with all of them,
        # and the next writer starts the WAL over.
        writers.acquire(fd)
        try:
            _passive_checkpoint(dbapi_connection)
        finally:
            writers.release(fd)


def _passive_checkpoint(dbapi_connection) -> tuple[int, int, int]:
    cursor = dbapi_connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
    try:
        return tuple(cursor.fetchone())
    finally:
        cursor.close()


def _writes() -> bool:
    """Whether a new transaction may write: not a safe request, nor authentication."""
    if not has_request_context():
        return True  # commands and jobs
    return request.method not in SAFE_METHODS and not g.get("read_only_transaction")
