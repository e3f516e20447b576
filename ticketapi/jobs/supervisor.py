"""`helpdesk serve` keeps its job worker running: a worker that dies is started again."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable

logger = logging.getLogger(__name__)

# A worker that dies at once is started again after 1 s, then 2, 4 … up to 30 s, so a crash
# loop (a bad setting, a database that is down) neither spins nor waits long once fixed.
FIRST_BACKOFF = 1.0
MAX_BACKOFF = 30.0
# A worker that ran this long was healthy: the next restart waits FIRST_BACKOFF again.
HEALTHY_AFTER = 60.0


def describe_exit(code: int | None) -> str:
    """How a worker ended, from its exit code (negative: the signal that killed it)."""
    if code is None:
        return "ended (its exit status was collected by the web server)"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"was killed by {name} (exit code {code})"
    return f"exited with code {code}"


class WorkerSupervisor:
    """Runs one worker process from `start`, restarts it when it dies, stops it on request."""

    def __init__(
        self,
        start: Callable[[], subprocess.Popen],
        *,
        first_backoff: float = FIRST_BACKOFF,
        max_backoff: float = MAX_BACKOFF,
        healthy_after: float = HEALTHY_AFTER,
    ) -> None:
        self._start = start
        self.first_backoff = first_backoff
        self.max_backoff = max_backoff
        self.healthy_after = healthy_after
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.process: subprocess.Popen | None = None
        self.restarts = 0
        self._thread = threading.Thread(target=self._watch, name="worker-supervisor", daemon=True)

    def start(self) -> None:
        self.process = self._start()
        logger.info("Started the job worker (pid %d)", self.process.pid)
        self._thread.start()

    def _watch(self) -> None:
        backoff = self.first_backoff
        process = self.process
        while True:
            started = time.monotonic()
            code = _wait(process)
            if self._stopping.is_set():
                return
            if time.monotonic() - started >= self.healthy_after:
                backoff = self.first_backoff
            logger.error(
                "The job worker (pid %d) %s; starting a new one in %g s",
                process.pid,
                describe_exit(code),
                backoff,
            )
            while True:
                if self._stopping.wait(backoff):
                    return
                backoff = min(backoff * 2, self.max_backoff)
                with self._lock:
                    if self._stopping.is_set():
                        return
                    try:
                        self.process = process = self._start()
                        break
                    except OSError as exc:  # no memory or processes left, for a while
                        logger.error("Could not start a job worker (%s); trying again", exc)
            self.restarts += 1
            logger.info("Started the job worker (pid %d)", process.pid)

    def stop(self, timeout: float = 60.0) -> None:
        """SIGTERM: running jobs finish first; SIGKILL after `timeout` seconds."""
        with self._lock:
            self._stopping.set()
            process = self.process
        if process is None:
            return
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        self._thread.join(timeout)
        if self._thread.is_alive():
            logger.error(
                "The job worker (pid %d) did not stop in %.0f s: killing it", process.pid, timeout
            )
            process.kill()
            self._thread.join(5)


def _wait(process: subprocess.Popen) -> int | None:
    """Wait for the process to end; its exit code, or None when someone else reaped it."""
    try:
        _pid, status = os.waitpid(process.pid, 0)
    except ChildProcessError:
        # gunicorn's arbiter reaps every child of the process it runs in (waitpid(-1)).
        process.returncode = 0
        return None
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode
