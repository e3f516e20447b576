"""Debian's Chromium through Playwright, and a loopback server for a built portal.

Registered as a plugin (tests/conftest.py): the `browser` and `base_url` fixtures reach the
theme's and the portal's browser tests without being imported.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

#: Pages of the built demo portal, one of each kind.
DEMO_PAGES = [
    "/",
    "/kb/",
    "/kb/troubleshooting/error-codes-reference/",
    "/kb/getting-started/install-cli-linux/",
    "/news/",
    "/downloads/",
    "/downloads/tide-shell-completion/",
    "/glossary/",
    "/404.html",
]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def chromium_path() -> str | None:
    return shutil.which("chromium") or (CHROMIUM if Path(CHROMIUM).exists() else None)


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@contextmanager
def serve_directory(root: Path) -> Iterator[str]:
    """Serve a folder on a free loopback port; yield its base URL."""
    handler = functools.partial(QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextmanager
def serve_app(app) -> Iterator[str]:
    """Serve a WSGI application (the ticketapi) on a free loopback port; yield its base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="module")
def base_url(demo_output):
    """The demo portal, built once per session, served on loopback."""
    with serve_directory(demo_output) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    if chromium_path() is None:
        pytest.fail("Debian's chromium is not installed: run `make system-deps` (make test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()
