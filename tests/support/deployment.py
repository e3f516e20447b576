"""The parts of a scale-out deployment, run for real on loopback by tests/test_scale_out.py.

A scratch PostgreSQL database, a redis-server of the test's own, `helpdesk` processes with
their logs, an SMTP server that can hold a message before it accepts it, and an HTTP client
that can speak from any loopback address (rate limits count per client address).
"""

from __future__ import annotations

import asyncio
import email
import http.client
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from email import policy
from pathlib import Path
from typing import Any

import psycopg
from aiosmtpd.controller import Controller
from sqlalchemy.engine import make_url

HELPDESK = Path(sys.executable).parent / "helpdesk"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, seconds: float = 30.0, every: float = 0.1):
    """The predicate's first true value within `seconds`, else None."""
    deadline = time.monotonic() + seconds
    while True:
        if value := predicate():
            return value
        if time.monotonic() > deadline:
            return None
        time.sleep(every)


# PostgreSQL


def libpq_url(url: str) -> str:
    """A SQLAlchemy URL (postgresql+psycopg://…) as psycopg takes it."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def scratch_schema(server_url: str) -> Iterator[str]:
    """A new, empty schema of a database kept for these tests; dropped afterwards.

    The database, `<the URL's database>_scale_out`, is created on first use and kept: a
    DROP DATABASE makes PostgreSQL write a checkpoint, which took 35 to 55 s on a busy
    shared server, where DROP SCHEMA takes a moment. The URL puts the schema first on the
    search path, so every process of the deployment works in it alone.
    """
    url = make_url(server_url)
    database = f"{url.database}_scale_out"
    with psycopg.connect(libpq_url(server_url), autocommit=True, connect_timeout=5) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,))
        if exists.fetchone() is None:
            # template0: CREATE DATABASE from template1 fails while anyone uses that; a run
            # that made it meanwhile is fine.
            with suppress(psycopg.errors.DuplicateDatabase):
                admin.execute(f'CREATE DATABASE "{database}" TEMPLATE template0')
    base = url.set(database=database)
    schema = f"run_{int(time.time())}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(libpq_url(str(base.render_as_string(False))), autocommit=True) as db:
        _drop_stale_schemas(db)
        db.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False
        )
    finally:
        with psycopg.connect(libpq_url(base.render_as_string(False)), autocommit=True) as db:
            db.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _drop_stale_schemas(db: psycopg.Connection, older_than: float = 3600) -> None:
    """Schemas a run left behind when it was killed (hours old: no run lasts that long)."""
    for (name,) in db.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'run_%'"):
        started = name.split("_")[1]
        if started.isdigit() and time.time() - int(started) > older_than:
            db.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


def query(url: str, sql: str, *args) -> list[tuple]:
    with psycopg.connect(libpq_url(url), autocommit=True, connect_timeout=5) as connection:
        cursor = connection.execute(sql, args)
        return cursor.fetchall() if cursor.description else []


# Processes


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path

    @property
    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def running(self) -> bool:
        return self.popen.poll() is None


@dataclass
class Processes:
    """Every process a test starts, each in a session of its own, with its output in a file."""

    logs: Path
    started: list[Process] = field(default_factory=list)

    def start(self, name: str, command: list[str], env: dict[str, str]) -> Process:
        self.logs.mkdir(parents=True, exist_ok=True)
        log = self.logs / f"{name}.log"
        with log.open("ab") as output:
            popen = subprocess.Popen(
                command,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        process = Process(name, popen, log)
        self.started.append(process)
        return process

    def stop(self, process: Process, sig: int = signal.SIGTERM, timeout: float = 60) -> int:
        """Send `sig` to the process's group and wait; SIGKILL if it outlives `timeout`."""
        if process.running():
            try:
                os.killpg(process.popen.pid, sig)
                return process.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.popen.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        code = process.popen.wait(timeout=30)
        self._reap_group(process.popen.pid)
        return code

    def kill(self, process: Process) -> None:
        """SIGKILL, as the OOM killer or a power cut would: no chance to tidy up."""
        self.stop(process, signal.SIGKILL)

    def stop_all(self) -> None:
        """SIGTERM to every process still running, all at once; then wait for each."""
        running = [process for process in self.started if process.running()]
        for process in running:
            with suppress(ProcessLookupError):
                os.killpg(process.popen.pid, signal.SIGTERM)
        for process in running:
            try:
                process.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._reap_group(process.popen.pid)
                process.popen.wait(timeout=10)
        for process in self.started:
            self._reap_group(process.popen.pid)

    @staticmethod
    def _reap_group(group: int) -> None:
        """Whatever is left of the process's group (gunicorn's workers) is killed."""
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(group, signal.SIGKILL)

    def tails(self, lines: int = 40) -> str:
        return "\n".join(
            f"--- {p.name} (pid {p.popen.pid}, exit {p.popen.poll()}) ---\n"
            + "\n".join(p.output.splitlines()[-lines:])
            for p in self.started
        )


# Redis


class RedisServer:
    """A redis-server of the test's own, with the append-only file the docs ask for."""

    def __init__(self, folder: Path, processes: Processes) -> None:
        self.folder = folder
        self.processes = processes
        self.port = free_port()
        self.process: Process | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        command = [
            *("redis-server", "--bind", "127.0.0.1", "--port", str(self.port)),
            *("--dir", str(self.folder), "--appendonly", "yes", "--save", ""),
        ]
        self.process = self.processes.start("redis", command, dict(os.environ))
        if not wait_until(self._answers, 10):
            raise RuntimeError(f"redis-server did not answer on port {self.port}")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False


# HTTP


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")

    def header_values(self, name: str) -> list[str]:
        return self.headers.get_all(name) or []


def call(
    port: int,
    method: str,
    path: str,
    *,
    json_body: Any = None,
    body: bytes | None = None,
    token: str | None = None,
    headers: dict[str, str] | None = None,
    source: str = "127.0.0.1",
    host: str | None = None,
    tls: ssl.SSLContext | None = None,
    timeout: float = 30,
) -> Answer:
    """One request to 127.0.0.1:port from the loopback address `source`, naming `host`."""
    headers = dict(headers or {})
    if host:
        headers["Host"] = host
    if json_body is not None:
        body = json.dumps(json_body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if tls is None:
        connection = http.client.HTTPConnection(
            "127.0.0.1", port, timeout=timeout, source_address=(source, 0)
        )
    else:
        connection = http.client.HTTPSConnection(
            "127.0.0.1", port, timeout=timeout, source_address=(source, 0), context=tls
        )
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        connection.close()


def answers(port: int) -> bool:
    try:
        call(port, "GET", "/api/v1/nothing-here", timeout=2)
    except OSError:
        return False
    return True


# SMTP


@dataclass
class Delivery:
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.data, policy=policy.default)

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])


@dataclass
class MailSink:
    """aiosmtpd's handler. A message counts as delivered once it is answered 250.

    While `holding`, a message that arrives is kept unanswered (the sender's job is running,
    waiting for the reply); one whose sender is gone by the time it is let go was never
    accepted, as with any mail server that did not get to say 250.
    """

    delivered: list[Delivery] = field(default_factory=list)
    held: list[Delivery] = field(default_factory=list)
    abandoned: list[Delivery] = field(default_factory=list)
    holding: bool = False

    async def handle_DATA(self, server, session, envelope):
        delivery = Delivery(list(envelope.rcpt_tos), envelope.content)
        if self.holding:
            self.held.append(delivery)
            try:
                while self.holding:
                    await asyncio.sleep(0.05)
            except asyncio.CancelledError:  # the connection was lost while held
                self.abandoned.append(delivery)
                raise
            finally:
                self.held.remove(delivery)
            if server.transport is None or server.transport.is_closing():
                self.abandoned.append(delivery)
                return "421 The sender went away"
        self.delivered.append(delivery)
        return "250 Message accepted"

    def subjects(self) -> list[str]:
        return [delivery.subject for delivery in list(self.delivered)]


@contextmanager
def mail_sink() -> Iterator[tuple[MailSink, int]]:
    sink = MailSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield sink, controller.port
    finally:
        sink.holding = False
        controller.stop()
