"""Running the project's commands as a user would: free ports, waiting, output, HTTP calls."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

HELPDESK = Path(sys.executable).parent / "helpdesk"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def wait_for(predicate, seconds: float = 30.0):
    """Poll until `predicate` returns something true (returned), or None after `seconds`.

    The deadline is generous on purpose: it only bounds a test that would otherwise hang,
    and says nothing about how fast the code under test is.
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    return None


def fresh_instance_env(folder: Path) -> dict[str, str]:
    """The environment of a new install in `folder`: its own instance (SQLite, secret key,
    job queue) and portal folder, whatever the test run was given."""
    env = {
        **os.environ,
        "HELPDESK_INSTANCE_DIR": str(folder / "instance"),
        "HELPDESK_PORTAL_DIR": str(folder / "portal"),
    }
    for name in ("HELPDESK_DATABASE_URL", "HELPDESK_SECRET_KEY", "HELPDESK_REDIS_URL"):
        env.pop(name, None)
    return env


def helpdesk(env, *args) -> subprocess.CompletedProcess:
    """Run a `helpdesk` command to its end."""
    return subprocess.run(
        [str(HELPDESK), *args], env=env, capture_output=True, text=True, timeout=120
    )


def post_json(url, body, token=None):
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"}
        | ({"Authorization": f"Bearer {token}"} if token else {}),
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.status, json.loads(response.read())


def get(url, token=None):
    request = urllib.request.Request(
        url, headers={"Authorization": f"Bearer {token}"} if token else {}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except urllib.error.URLError:
        return None, b""  # not listening yet


class Output:
    """A process's output, read as it comes, so a test can wait for a line."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self.thread = threading.Thread(target=self._read, args=(process.stdout,), daemon=True)
        self.thread.start()

    def _read(self, stream) -> None:
        with stream:  # closed once the process has closed its end
            for line in stream:
                with self._changed:
                    self.lines.append(line)
                    self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def has(self, text: str) -> bool:
        return any(text in line for line in self.lines)

    def count(self, text: str) -> int:
        return sum(text in line for line in self.lines)

    def wait_for(self, text: str, seconds: float = 60.0, times: int = 1) -> bool:
        """Wait until `text` has appeared in `times` lines; False if the output ended first."""
        deadline = time.monotonic() + seconds
        with self._changed:
            while self.count(text) < times:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self.thread.is_alive():
                    return self.count(text) >= times
                self._changed.wait(remaining)
        return True

    @property
    def text(self) -> str:
        self.thread.join(timeout=30)
        return "".join(self.lines)
