"""The embedded server: gunicorn with threads, on one host and port."""

from __future__ import annotations

from flask import Flask
from gunicorn.app.base import BaseApplication


class EmbeddedServer(BaseApplication):
    def __init__(self, app: Flask, options: dict) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def run(app: Flask, *, host: str, port: int, workers: int, threads: int) -> int:
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
    }
    EmbeddedServer(app, options).run()
    return 0
