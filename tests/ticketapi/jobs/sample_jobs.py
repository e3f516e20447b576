"""Jobs for the tests only: they write what they did to a file the test reads."""

from __future__ import annotations

from pathlib import Path

from ticketapi.jobs.queue import PermanentError, job


def append_line(path: str, line: str) -> None:
    with open(path, "a") as file:
        file.write(line + "\n")


@job("tests.write_line", retries=0)
def write_line(path: str, line: str) -> None:
    append_line(path, line)


@job("tests.fail_until_allowed", retries=2, retry_delay=0)
def fail_until_allowed(path: str) -> None:
    if not Path(path + ".allowed").exists():
        append_line(path, "failed")
        raise RuntimeError("not allowed yet")
    append_line(path, "ran")


@job("tests.always_fail", retries=3, retry_delay=10)
def always_fail() -> None:
    raise RuntimeError("never works")


@job("tests.give_up", retries=3, retry_delay=10)
def give_up(path: str) -> None:
    append_line(path, "tried")
    raise PermanentError("trying again cannot help")
