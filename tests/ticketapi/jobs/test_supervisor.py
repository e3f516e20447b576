"""`helpdesk serve`'s supervisor: a worker that dies is started again, after a growing wait."""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.processes import wait_for
from ticketapi.jobs.supervisor import WorkerSupervisor

# Its processes use no database: the same whatever engine the suite runs on.
pytestmark = pytest.mark.own_database


def starter(code: str, started: list[subprocess.Popen]):
    def start() -> subprocess.Popen:
        process = subprocess.Popen([sys.executable, "-c", code])
        started.append(process)
        return process

    return start


def handles_sigterm(pid: int) -> bool:
    """Whether the process has set its SIGTERM handler yet (its start-up is over)."""
    status = Path(f"/proc/{pid}/status").read_text()
    caught = int(re.search(r"^SigCgt:\s*([0-9a-f]+)$", status, re.M).group(1), 16)
    return bool(caught & (1 << (signal.SIGTERM - 1)))


def test_a_worker_that_keeps_dying_is_started_again_after_growing_waits(caplog):
    started: list[subprocess.Popen] = []
    supervisor = WorkerSupervisor(
        starter("raise SystemExit(3)", started), first_backoff=0.05, max_backoff=0.2
    )
    with caplog.at_level(logging.INFO, logger="ticketapi.jobs.supervisor"):
        supervisor.start()
        assert wait_for(lambda: len(started) >= 5), "the worker was not started again"
        supervisor.stop(timeout=10)
    count = len(started)
    waits = re.findall(r"exited with code 3; starting a new one in ([\d.]+) s", caplog.text)
    # A crash loop neither spins nor waits long: doubling, up to the ceiling.
    assert waits[:4] == ["0.05", "0.1", "0.2", "0.2"]
    assert supervisor.restarts == count - 1
    assert wait_for(lambda: all(p.poll() is not None for p in started), seconds=5)
    assert len(started) == count  # nothing started once it was told to stop


def test_a_killed_worker_is_named_by_its_signal_and_the_next_one_stops_gracefully(caplog):
    started: list[subprocess.Popen] = []
    # A worker that, like `helpdesk worker`, finishes its work on SIGTERM and exits 0.
    code = (
        "import signal, sys, time\n"
        "signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))\n"
        "time.sleep(60)\n"
    )
    supervisor = WorkerSupervisor(starter(code, started), first_backoff=0.05)
    with caplog.at_level(logging.INFO, logger="ticketapi.jobs.supervisor"):
        supervisor.start()
        first = started[0]
        os.kill(first.pid, signal.SIGKILL)
        assert wait_for(lambda: len(started) == 2), "no new worker after SIGKILL"
        second = started[1]
        assert wait_for(lambda: handles_sigterm(second.pid))
        supervisor.stop(timeout=10)
    assert f"The job worker (pid {first.pid}) was killed by SIGKILL (exit code -9)" in caplog.text
    assert second.returncode == 0  # stopped by SIGTERM, which it handled: not killed
    assert "did not stop" not in caplog.text
    assert len(started) == 2
