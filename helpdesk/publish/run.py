"""One Pelican run as our plugins see it: where content problems go, and the search index writer.

`helpdesk build` hands Pelican its `Build` (a `Run`) in the settings under `HELPDESK_BUILD`;
the plugins find it with `current(settings)`, from the settings Pelican hands every signal,
generator and reader. Plain `pelican` (`make html`, `make devserver`) has none, so the first
plugin to ask makes a `Run` of its own: it logs problems as Pelican logs its own, and
publishes the search index as soon as the pages are written.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from helpdesk.publish.problems import Report, display_path
from helpdesk.shared_settings import search_index_dir

if TYPE_CHECKING:
    from helpdesk.search.indexer import Document, IndexJob, IndexResult

logger = logging.getLogger(__name__)
#: The settings key under which Pelican's settings carry the run.
SETTING = "HELPDESK_BUILD"


class Run:
    """What one run of Pelican shares with our plugins, and nothing shared with another run."""

    def __init__(self, settings: dict, report: Report | None = None, stage: str | None = None):
        #: None: problems are logged (plain `pelican`); otherwise they are recorded here.
        self.report = report
        #: With a stage, the new index generation waits in `building-<stage>` for the caller
        #: to publish or discard it; without, it is published when the pages are written.
        self.stage = stage
        # Resolved now, from the settings of the real output (a build writes to a staging
        # folder, and the index lives beside the real one).
        self.index_root = search_index_dir(
            settings["OUTPUT_PATH"], configured=settings.get("SEARCH_INDEX_DIR")
        )
        self.index_result: IndexResult | None = None
        self._index_job: IndexJob | None = None

    def problem(self, path: str | os.PathLike, line: int | None, message: str) -> None:
        """A problem in the content at `path:line`: it fails `helpdesk build`."""
        if self.report is not None:
            self.report.error(path, line, message)
            return
        where = f"{display_path(path)}:{line}" if line else display_path(path)
        # stacklevel: Pelican's log shows the plugin's line that found it, not this one.
        logger.error("%s: %s", where, message, stacklevel=2)

    def start_index(self, documents: Iterable[Document], full: bool = False) -> None:
        """Start updating the search index with every document of the site."""
        # Imported here, not at the top: `helpdesk build` imports this module before it forks
        # the parallel check, and the check's process, inheriting whoosh's modules, ran 5%
        # more instructions (a 200-article build; its garbage collector has more to walk).
        from helpdesk.search.indexer import start_indexing

        self.abandon_index()  # one a previous run on this Pelican left unfinished (devserver)
        self.index_result = None
        self._index_job = start_indexing(
            self.index_root, documents, full=full, build_id=self.stage or str(os.getpid())
        )

    def finish_index(self) -> IndexResult | None:
        """Wait for the index started by `start_index`; publish it unless the run is staged."""
        job, self._index_job = self._index_job, None
        if job is None:
            return None
        self.index_result = job.finish(publish=self.stage is None)
        return self.index_result

    def abandon_index(self) -> None:
        """Stop waiting for an index update that will not be finished, and throw it away."""
        job, self._index_job = self._index_job, None
        if job is not None:
            job.abandon()

    @property
    def staged_index(self) -> Path | None:
        """The finished, unpublished generation of a staged run, if it wrote one."""
        result = self.index_result
        return result.folder if result and not result.published else None

    def __reduce__(self):
        # With CACHE_CONTENT, Pelican pickles each document with its settings, and so this
        # run: a cached document must not carry a run (its report, its index job) along.
        return (_no_run, ())


def _no_run() -> None:
    return None


def listed(settings: Mapping, plugin: str) -> bool:
    """Whether this run uses `plugin`: each of our signal handlers asks first.

    Pelican's signals are process-wide, and a plugin registered by one Pelican run stays
    connected for every later run in the process, even one whose PLUGINS leave it out.
    """
    return plugin in settings.get("PLUGINS", ())


def current(settings: dict) -> Run:
    """The run Pelican is doing with these settings: `helpdesk build`'s, or one of our own.

    Plain `pelican` keeps one Pelican object, and so one settings dict, across the rebuilds
    of `make devserver`; its run is kept with them, each rebuild starting its index anew.
    """
    run = settings.get(SETTING)
    if run is None:
        run = settings[SETTING] = Run(settings)
    return run
