"""The embedded server: gunicorn with threads, on one host and port."""

from __future__ import annotations

import gc

from flask import Flask
from gunicorn.app.base import BaseApplication

from ticketapi.extensions import db


class EmbeddedServer(BaseApplication):
    def __init__(self, app: Flask, options: dict) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            # Settings newer gunicorns have (the control socket) are skipped by older ones.
            if key in self.cfg.settings:
                self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def close_connections(app: Flask) -> None:
    """Close the database connections this process holds, before gunicorn forks.

    A connection opened before the fork (serve's schema check, SQLite's migrations) would be
    shared by every worker: one socket, two processes talking over each other (on
    PostgreSQL, "prepared statement … already exists" and answers read by the wrong one).
    """
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose()


def forget_inherited_connections(app: Flask) -> None:
    """In a new worker: drop, without closing, any pooled connection of the parent's."""
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)


def run(app: Flask, *, host: str, port: int, workers: int, threads: int) -> int:
    close_connections(app)
    # What start-up built (routes, schemas, templates, mappers) lives as long as the process:
    # frozen, the garbage collector never walks it again. Otherwise a full collection every
    # few dozen requests walks all of it, a pause of tens of ms in the request that happens
    # to trigger it (docs/performance.md, "Agent pages"). Forked workers inherit the freeze.
    gc.freeze()
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        # Sync workers measured fastest here (bench/api.py); threads help slow clients
        # when no buffering proxy stands in front.
        "worker_class": "sync" if threads == 1 else "gthread",
        "accesslog": "-",
        # gunicorn's default line, after the <pid> of the worker that answered.
        "access_log_format": '%(p)s %(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"',
        "graceful_timeout": 10,
        "post_fork": lambda _server, _worker: forget_inherited_connections(app),
        # gunicorn's control socket is one path per user ($HOME/.gunicorn/gunicorn.ctl):
        # several servers on one machine would take it from each other. Not used here.
        "control_socket_disable": True,
    }
    EmbeddedServer(app, options).run()
    return 0
