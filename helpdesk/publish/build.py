"""`helpdesk build`: check, build with Pelican into a staging folder, then publish atomically."""

from __future__ import annotations

import logging
import multiprocessing
import os
import re
import shutil
import sys
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from pelican import Pelican, signals
from pelican.log import LimitFilter
from pelican.log import console as pelican_console

from helpdesk.publish.check import Summary, check
from helpdesk.publish.problems import Report, display_path
from helpdesk.publish.progress import Steps
from helpdesk.search.store import IndexStore
from helpdesk.shared_settings import search_index_dir

LOCATED = re.compile(r"^(?P<path>[^\s:]+):(?:(?P<line>\d+):)? (?P<message>.+)$", re.DOTALL)


class WarningCapture(logging.Handler):
    """Turn every warning or error logged during the build into a problem of the report.

    Pelican reports problems (an image without alt text, a link it cannot resolve) only in
    its log; a portal with any of them is not published. Messages without a location are
    pinned to the article or page being written at the time, if any.
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
    summary: Summary | None
    output: Path
    seconds: float = 0.0
    written: int = 0

    @property
    def ok(self) -> bool:
        return not self.report.errors


class CheckFailed(BaseException):
    """Stops Pelican once the parallel check has found errors.

    A BaseException, so that Pelican's per-document `except Exception` does not swallow it.
    """


def _run_pelican(settings: dict, report: Report, steps: Steps, stop=lambda: False) -> int:
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
        if stop():
            raise CheckFailed

    def wrote(path, **_):
        nonlocal written, writing
        capture.current = None  # the next message belongs to whatever is written next
        if writing is None:
            writing = steps.step("Writing pages")
        written += 1
        writing()
        if stop():
            raise CheckFailed

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
    except CheckFailed:
        pass
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


def search_index(settings: dict) -> IndexStore | None:
    """The search index this build updates, if the search_index plugin is on."""
    if "search_index" not in settings.get("PLUGINS", ()):
        return None
    output, configured = settings["OUTPUT_PATH"], settings.get("SEARCH_INDEX_DIR")
    return IndexStore(search_index_dir(output, configured=configured))


def count_documents(content: Path) -> int:
    return sum(1 for _, _, names in os.walk(content) for name in names if name.endswith(".md"))


def check_report(settings: dict) -> tuple[Report, Summary]:
    """Run the content check; what a parallel worker sends back to the build."""
    checked = check(settings)
    return checked.report, checked.summary()


def _start_check(settings: dict) -> tuple[ProcessPoolExecutor, Future]:
    """Start the content check in a second process, before any thread of ours exists.

    Forking is quickest (the check starts with everything imported) but unsafe once threads
    run, as in a test session or a server; then a fresh interpreter is started instead.
    """
    single_threaded = threading.active_count() == 1 and sys.platform == "linux"
    context = multiprocessing.get_context("fork" if single_threaded else "spawn")
    pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
    return pool, pool.submit(check_report, settings)


def _build_with_parallel_check(
    settings: dict, staging: Path, steps: Steps, checking: Future
) -> BuildResult:
    """Build while the check runs; the check's errors win and stop Pelican.

    Pelican uses one core; on a larger site the check then costs no wall time at all.
    """
    pelican_report = Report()

    def check_failed() -> bool:
        return checking.done() and bool(checking.result()[0].errors)

    written = _run_pelican(
        dict(settings, OUTPUT_PATH=str(staging)), pelican_report, steps, check_failed
    )
    steps.step("Finishing the content check")
    report, summary = checking.result()
    if not report.errors:
        report.problems.extend(pelican_report.problems)
    return BuildResult(report, summary, Path(settings["OUTPUT_PATH"]), written=written)


def _build_after_check(settings: dict, staging: Path, steps: Steps) -> BuildResult:
    checked = check(settings, on_document=steps.step("Checking content"))
    result = BuildResult(checked.report, checked.summary(), Path(settings["OUTPUT_PATH"]))
    if not checked.report.errors:
        build_settings = dict(settings, OUTPUT_PATH=str(staging))
        result.written = _run_pelican(build_settings, checked.report, steps)
    return result


def build(settings: dict, steps: Steps | None = None) -> BuildResult:
    """Build the portal into settings["OUTPUT_PATH"], or leave it untouched and report why."""
    steps = steps or Steps()
    started = time.perf_counter()
    output = Path(settings["OUTPUT_PATH"])
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = output.with_name(f".{output.name}.building-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    parallel = count_documents(Path(settings["PATH"])) >= settings.get(
        "PARALLEL_CHECK_MIN_DOCUMENTS", 100
    )
    index, build_id = search_index(settings), str(os.getpid())
    if index:
        # The search_index plugin leaves its new generation here; it is served only if the
        # whole build is published.
        settings = dict(settings, SEARCH_INDEX_DIR=str(index.root), SEARCH_INDEX_STAGE=build_id)
    if parallel:
        pool, checking = _start_check(settings)
        with pool, steps.running():
            result = _build_with_parallel_check(settings, staging, steps, checking)
    else:
        with steps.running():
            result = _build_after_check(settings, staging, steps)
    staged_index = index.building(build_id) if index else None
    if index:
        from helpdesk.search.indexer import abandon_unfinished

        abandon_unfinished()  # a build stopped early never finished its index
    if result.ok:
        publish(staging, output)
        if staged_index and staged_index.is_dir():
            index.publish(staged_index)
    else:
        shutil.rmtree(staging, ignore_errors=True)
        if staged_index:
            index.discard(staged_index)
    result.seconds = time.perf_counter() - started
    return result
