"""`make devserver`: Pelican rebuilds on every change and serves the result on localhost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

from helpdesk import ENGINE_ROOT
from tests.support.processes import free_port, group_alive, wait_for

PELICAN = Path(sys.executable).parent / "pelican"


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode()
    except OSError:
        return None


def test_devserver_rebuilds_an_article_while_the_writer_types(site):
    port = free_port()
    url = f"http://127.0.0.1:{port}/kb/billing/refunds/"
    command = [
        str(PELICAN),
        "--autoreload",
        "--listen",
        "--bind",
        "127.0.0.1",
        "--port",
        str(port),
        "content",
        "--output",
        "output",
        "--settings",
        str(ENGINE_ROOT / "pelicanconf.py"),
    ]
    # Pelican serves and watches from two child processes: give them a session of their own
    # so that the whole group can be stopped.
    server = subprocess.Popen(
        command,
        cwd=site.root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        first = wait_for(lambda: fetch(url))
        assert first and "Ask for a refund" in first
        article = site.root / "content/articles/billing/refunds.md"
        original = article.read_text()
        # Pelican starts watching only after its first build has been served, so the
        # writer keeps typing: each save gets a new title until one shows up.
        for attempt in range(1, 6):
            title = f"Request a refund, take {attempt}"
            article.write_text(original.replace("Ask for a refund", title))
            if wait_for(lambda title=title: title in (fetch(url) or ""), seconds=6):
                break
        else:
            raise AssertionError("the served page never showed the edited title")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
        assert wait_for(lambda: not group_alive(server.pid), seconds=10), (
            "devserver left processes behind"
        )
