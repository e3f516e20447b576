"""gunicorn for bench/api.py: its settings, its process group, requests and CPU time."""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class ServerSpec:
    """gunicorn settings: `2x4` is 2 gthread workers of 4 threads, `2x4-close` the same with
    keep-alive off (every response closes its connection, as behind a proxy that opens one
    per request), `2-sync` 2 sync workers (one request at a time each, no keep-alive)."""

    text: str
    workers: int
    threads: int
    worker_class: str
    keep_alive: bool

    @classmethod
    def parse(cls, text: str) -> ServerSpec:
        found = re.fullmatch(r"([1-9]\d*)(?:x([1-9]\d*))?(-close|-sync)?", text.strip().lower())
        if not found or (found[3] == "-sync") == bool(found[2]):
            raise argparse.ArgumentTypeError(f"{text!r}: use WxT, WxT-close or W-sync")
        sync = found[3] == "-sync"
        return cls(
            text=text,
            workers=int(found[1]),
            threads=1 if sync else int(found[2]),
            worker_class="sync" if sync else "gthread",
            keep_alive=not (sync or found[3] == "-close"),
        )

    def command(self, port: int, app: str = "ticketapi:create_app()") -> list[str]:
        binary = Path(sys.executable).parent / "gunicorn"
        start = [str(binary)] if binary.exists() else [sys.executable, "-m", "gunicorn"]
        options = [
            f"--workers={self.workers}",
            f"--worker-class={self.worker_class}",
            f"--threads={self.threads}",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
            "--graceful-timeout=5",
        ]
        if not self.keep_alive and self.worker_class == "gthread":
            options.append("--keep-alive=0")
        return [*start, *options, app]


def request(port: int, method: str, path: str, token: str | None = None, body=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if body is not None:
        headers["Content-Type"] = "application/json"
        body = json.dumps(body)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


class Server:
    """gunicorn in a process group of its own, killed as a group."""

    def __init__(
        self, spec: ServerSpec, env: dict[str, str], log: Path, app: str = "ticketapi:create_app()"
    ) -> None:
        self.port = free_port()
        self.log_path = log
        self.log = log.open("ab")
        self.process = subprocess.Popen(
            spec.command(self.port, app),
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, token: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.flush()
                tail = self.log_path.read_text(errors="replace")[-3000:]
                raise RuntimeError(f"gunicorn exited:\n{tail}")
            try:
                status, _ = request(self.port, "GET", "/api/v1/tickets?per_page=1", token)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer within a minute")

    def cpu_seconds(self) -> dict[int, float]:
        """User + system CPU seconds of gunicorn's master and each worker so far (/proc)."""
        ticks = os.sysconf("SC_CLK_TCK")
        pids = [self.process.pid]
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
            pids += [int(pid) for pid in children.read_text().split()]
        except OSError:
            return {}
        seconds = {}
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            seconds[pid] = (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
        return seconds

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


def machine_busy_seconds() -> float:
    """CPU time all cores spent busy since boot (/proc/stat), for the share others took."""
    try:
        first = Path("/proc/stat").read_text().splitlines()[0].split()
    except OSError:
        return float("nan")
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, first[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")
