"""`helpdesk build`: check, build with Pelican into a staging folder, then publish atomically."""

from __future__ import annotations

import logging
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from pelican import Pelican, signals
from pelican.log import LimitFilter
from pelican.log import console as pelican_console

from helpdesk.publish.check import CheckResult, check
from helpdesk.publish.problems import Report, display_path
from helpdesk.publish.progress import Steps

LOCATED = re.compile(r"^(?P<path>[^\s:]+):(?:(?P<line>\d+):)? (?P<message>.+)$", re.DOTALL)


class WarningCapture(logging.Handler):
    """Turn every warning or error logged during the build into a problem of the report.

    Pelican reports problems (an image without alt text, a link it cannot resolve) only in
    its log; a portal with any of them is not published. Messages without a location are
    pinned to the document being written at the time.
    """

    def __init__(self, report: Report, content: Path):
        super().__init__(logging.WARNING)
        self.report = report
        self.current: str | None = None
        self.content_path = re.compile(re.escape(str(content.resolve())) + r"/[^\s'\"]+")

    def writing(self, sender=None, content=None, **_) -> None:
        self.current = getattr(content, "source_path", None)

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage().strip()
        located = LOCATED.match(message)
        if located and ("/" in located["path"] or "." in located["path"]):
            line = int(located["line"]) if located["line"] else None
            self.report.error(located["path"], line, located["message"])
            return
        mentioned = self.content_path.search(message)
        if mentioned:
            where = display_path(mentioned.group(0))
            self.report.error(where, None, message.replace(mentioned.group(0), where))
        else:
            self.report.error(
                display_path(self.current) if self.current else "pelican", None, message
            )


@dataclass
class BuildResult:
    report: Report
    checked: CheckResult | None
    output: Path
    seconds: float = 0.0
    written: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.report.errors


def _run_pelican(settings: dict, report: Report, steps: Steps) -> int:
    """Run Pelican with warnings captured; return the number of files written."""
    capture = WarningCapture(report, Path(settings["PATH"]))
    root = logging.getLogger()
    # Pelican drops a message it has already logged in this process; each build must see all.
    LimitFilter._raised_messages.clear()
    LimitFilter._group_count.clear()
    reading, writing = steps.step("Reading documents"), None
    written = 0

    def read(sender, **_):
        reading()

    def wrote(path, **_):
        nonlocal written, writing
        if writing is None:
            writing = steps.step("Writing pages")
        written += 1
        writing()

    handlers = [
        (signals.content_object_init, read),
        (signals.content_written, wrote),
        (signals.article_generator_write_article, capture.writing),
        (signals.page_generator_write_page, capture.writing),
    ]
    for signal, handler in handlers:
        signal.connect(handler)
    root.addHandler(capture)
    was_quiet, pelican_console.quiet = pelican_console.quiet, True
    try:
        Pelican(settings).run()
    except Exception as exc:  # a broken template or plugin must not publish half a portal
        where = display_path(capture.current) if capture.current else "pelican"
        report.error(where, None, f"build stopped: {type(exc).__name__}: {exc}")
    finally:
        pelican_console.quiet = was_quiet
        root.removeHandler(capture)
        for signal, handler in handlers:
            signal.disconnect(handler)
    return written


def publish(staging: Path, output: Path) -> None:
    """Swap the finished build in for the old output with renames, never a half-written folder."""
    retired = output.with_name(f".{output.name}.old-{os.getpid()}")
    if output.exists():
        output.rename(retired)
    staging.rename(output)
    shutil.rmtree(retired, ignore_errors=True)


def build(settings: dict, steps: Steps | None = None) -> BuildResult:
    """Build the portal into settings["OUTPUT_PATH"], or leave it untouched and report why."""
    steps = steps or Steps()
    started = time.perf_counter()
    output = Path(settings["OUTPUT_PATH"])
    with steps.running():
        checked = check(settings, on_document=steps.step("Checking content"))
        result = BuildResult(checked.report, checked, output)
        if checked.report.errors:
            return result
        output.parent.mkdir(parents=True, exist_ok=True)
        staging = output.with_name(f".{output.name}.building-{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        result.written = _run_pelican(
            dict(settings, OUTPUT_PATH=str(staging)), checked.report, steps
        )
    if result.ok:
        publish(staging, output)
    else:
        shutil.rmtree(staging, ignore_errors=True)
    result.seconds = time.perf_counter() - started
    return result
