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
from pelican.log import console as pelican_console

from helpdesk.publish.check import Summary, check
from helpdesk.publish.pelican_private import reset_log_limits
from helpdesk.publish.problems import Report, display_path
from helpdesk.publish.progress import Steps
from helpdesk.publish.run import SETTING, Run, listed
from helpdesk.search.store import IndexStore


class PelicanLog(logging.Handler):
    """Turn each warning or error Pelican logs during a build into a problem of its report.

    Pelican reports its own problems (an image without alt text, a link it cannot resolve)
    only in its log; our reader and plugins report theirs to the build directly. A message
    naming a file under content/ is pinned to that file, any other to the document being
    written at the time, if any. Only records of the thread running this build's Pelican
    count: another build in this process logs to the same root logger.
    """

    def __init__(self, report: Report, content: Path):
        super().__init__(logging.WARNING)
        self.report = report
        self.current: str | None = None
        self.thread = threading.get_ident()
        self.content_path = re.compile(re.escape(str(content.resolve())) + r"/[^\s'\"]+")

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread != self.thread:
            return
        message = record.getMessage().strip()
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


def publish(staging: Path, output: Path) -> None:
    """Swap the finished build in for the old output with renames, never a half-written folder."""
    retired = output.with_name(f".{output.name}.old-{os.getpid()}")
    if output.exists():
        output.rename(retired)
    staging.rename(output)
    shutil.rmtree(retired, ignore_errors=True)


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


class Build(Run):
    """One `helpdesk build`: its check, its staging folder, its report and its search index.

    Pelican hands it to our plugins in its settings (`HELPDESK_BUILD`, see run.py): the
    reader reports problems into its report, the search_index plugin hands it the documents.
    It publishes the new portal and the new index generation together, or neither.
    """

    def __init__(self, settings: dict, steps: Steps | None = None):
        # The build's id names its staging folders; the index waits in `building-<id>`.
        build_id = str(os.getpid())
        super().__init__(settings, report=Report(), stage=build_id)
        self.settings = settings
        self.steps = steps or Steps()
        self.output = Path(settings["OUTPUT_PATH"])
        self.staging = self.output.with_name(f".{self.output.name}.building-{build_id}")
        self.indexed = listed(settings, "search_index")
        self.summary: Summary | None = None
        self.written = 0
        self._log: PelicanLog | None = None
        self._reading = self._writing = None  # progress steps, started as Pelican reaches them
        self._stop = lambda: False  # with the check in parallel: has it failed?

    def run(self) -> BuildResult:
        """Build the portal into the output folder, or leave it untouched and report why."""
        started = time.perf_counter()
        self.output.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(self.staging, ignore_errors=True)
        parallel = count_documents(Path(self.settings["PATH"])) >= self.settings.get(
            "PARALLEL_CHECK_MIN_DOCUMENTS", 100
        )
        if parallel:
            pool, checking = _start_check(self.settings)
            with pool, self.steps.running():
                self._build_with_parallel_check(checking)
        else:
            with self.steps.running():
                self._build_after_check()
        self.abandon_index()  # a build stopped early never finished its index
        index = IndexStore(self.index_root)
        if not self.report.errors:
            publish(self.staging, self.output)
            if self.staged_index is not None:
                index.publish(self.staged_index)
        else:
            shutil.rmtree(self.staging, ignore_errors=True)
            if self.indexed:
                index.discard(index.building(self.stage))
        result = BuildResult(self.report, self.summary, self.output, written=self.written)
        result.seconds = time.perf_counter() - started
        return result

    def _build_after_check(self) -> None:
        checked = check(self.settings, on_document=self.steps.step("Checking content"))
        self.report, self.summary = checked.report, checked.summary()
        if not self.report.errors:
            self._run_pelican()

    def _build_with_parallel_check(self, checking: Future) -> None:
        """Build while the check runs; the check's errors win and stop Pelican.

        Pelican uses one core; on a larger site the check then costs no wall time at all.
        """
        self._stop = lambda: checking.done() and bool(checking.result()[0].errors)
        self._run_pelican()
        self.steps.step("Finishing the content check")
        report, self.summary = checking.result()
        if not report.errors:
            report.problems.extend(self.report.problems)
        self.report = report

    def _run_pelican(self) -> None:
        """Run Pelican into the staging folder, its warnings and our plugins' problems reported."""
        settings = dict(self.settings, OUTPUT_PATH=str(self.staging), **{SETTING: self})
        self._log = PelicanLog(self.report, Path(settings["PATH"]))
        self._reading = self.steps.step("Reading documents")
        handlers = [
            (signals.content_object_init, self._read),
            (signals.content_written, self._wrote),
            (signals.article_generator_write_article, self._writing_document),
            (signals.page_generator_write_page, self._writing_document),
        ]
        for signal, handler in handlers:
            signal.connect(handler)
        root = logging.getLogger()
        root.addHandler(self._log)
        reset_log_limits()
        try:
            # Pelican prints its own summary; the command prints ours. Captured in this thread
            # only (rich's buffer is per thread), so another build's console is left alone.
            with pelican_console.capture():
                Pelican(settings).run()
        except CheckFailed:
            pass
        except Exception as exc:  # a broken template or plugin must not publish half a portal
            where = display_path(self._log.current) if self._log.current else "pelican"
            self.report.error(where, None, f"build stopped: {type(exc).__name__}: {exc}")
        finally:
            root.removeHandler(self._log)
            for signal, handler in handlers:
                signal.disconnect(handler)

    # Pelican's signals reach every receiver in the process; each handler below acts only on
    # what this build's Pelican sends (its settings carry this build).

    def _read(self, content, **_) -> None:
        if content.settings.get(SETTING) is self:
            self._reading()
            if self._stop():
                raise CheckFailed

    def _wrote(self, path, context=None, **_) -> None:
        if context is None or context.get(SETTING) is not self:
            return
        self._log.current = None  # the next message belongs to whatever is written next
        if self._writing is None:
            self._writing = self.steps.step("Writing pages")
        self.written += 1
        self._writing()
        if self._stop():
            raise CheckFailed

    def _writing_document(self, generator, content=None, **_) -> None:
        if generator.settings.get(SETTING) is self:
            self._log.current = getattr(content, "source_path", None)


def build(settings: dict, steps: Steps | None = None) -> BuildResult:
    """Build the portal into settings["OUTPUT_PATH"], or leave it untouched and report why."""
    return Build(settings, steps).run()
