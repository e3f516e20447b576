"""A lock held by one process at a time, or skipped: for work that two must not do at once."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def held_or_skipped(path: Path) -> Iterator[bool]:
    """Whether this process holds the lock file `path` now (False: another one does).

    The lock goes with the process: a crash cannot leave it held.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)  # closing it drops the lock
