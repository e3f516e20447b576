"""Each build and each Pelican run owns its state: problems, staging folder, search index."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from pelican import Pelican, signals

from helpdesk.publish.build import Build, build
from helpdesk.publish.problems import Problem, Report
from helpdesk.publish.run import SETTING, Run
from helpdesk.search.query import search
from helpdesk.search.reader import open_reader
from helpdesk.search.store import IndexStore
from tests.support.sites import MINIMAL_SITE, write_files

STATUS = "'status' must be one of published, draft, hidden"
#: A page `helpdesk check` does not read (it reads .md files only) but Pelican's reader does;
#: the space in its name is one the old log-parsing regular expression could not follow.
UNCHECKED_PAGE = {"content/pages/about us.markdown": "---\ntitle: About\nstatus: maybe\n---\n\nx\n"}
SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>dot</title></svg>'
EMPTY_ALT = {
    "content/images/dot.svg": SVG,
    "content/pages/about.md": "---\ntitle: About\n---\n\n![]({static}/images/dot.svg)\n",
}
KAYAKS = {"content/pages/kayaks.md": "---\ntitle: Kayaks\n---\n\nWe rent kayaks.\n"}


@pytest.fixture
def logging_off():
    """Nothing is logged: what reaches a report cannot have come through the log."""
    logging.disable(logging.CRITICAL)
    yield
    logging.disable(logging.NOTSET)


@pytest.fixture
def second_site(site):
    """Another valid site beside `site`, in its folder `b/`."""
    root = site.root / "b"
    write_files(root, MINIMAL_SITE)

    def change(files):
        write_files(root, files)
        return root

    change.root = root
    return change


def urls(answer) -> list[str]:
    return [result.url for result in answer.results]


def test_a_readers_problem_reaches_the_run_without_the_log(site, settings_for, logging_off):
    site(UNCHECKED_PAGE)
    settings = settings_for(site.root)
    run = settings[SETTING] = Run(settings, report=Report())
    Pelican(settings).run()
    assert run.report.problems == [Problem("content/pages/about us.markdown", 3, STATUS)]


def test_a_readers_problem_fails_the_build_with_its_file_and_line(site, settings_for, logging_off):
    site(UNCHECKED_PAGE)
    result = build(settings_for(site.root))
    assert f"content/pages/about us.markdown:3: {STATUS}" in [
        p.format() for p in result.report.errors
    ]
    assert not (site.root / "output").exists()


def test_plain_pelican_logs_a_readers_problem_and_still_writes_the_index(
    site, settings_for, caplog
):
    site({"content/pages/about us.md": "---\ntitle: About\nstatus: maybe\n---\n\nkayaks\n"})
    Pelican(settings_for(site.root)).run()
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert f"content/pages/about us.md:3: {STATUS}" in errors
    reader = open_reader(site.root / "search-index")
    assert urls(search(reader, "refund")) == ["/kb/billing/refunds/", "/news/launch/"]
    assert search(reader, "kayaks").total == 0


def test_two_builds_one_after_the_other_share_nothing(site, second_site, settings_for):
    site(EMPTY_ALT)
    second_site(KAYAKS)
    first = build(settings_for(site.root))
    problems = list(first.report.problems)
    second = build(settings_for(second_site.root))
    assert not first.ok and first.report.problems == problems
    assert second.ok, [p.format() for p in second.report.problems]
    assert second.report.problems == []
    assert not (site.root / "output").exists()
    assert search(open_reader(second_site.root / "search-index"), "kayaks").total == 1
    assert IndexStore(site.root / "search-index").current() is None


def run_together(*jobs):
    """Run each job in a thread of its own; return their results (or raise their errors)."""
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        futures = [pool.submit(job) for job in jobs]
        return [future.result(timeout=300) for future in futures]


def meet_at(signal, parties: int):
    """Hold each Pelican run at `signal` until all `parties` runs have reached it."""
    barrier = threading.Barrier(parties, timeout=120)

    def wait(sender, **_):
        barrier.wait()

    signal.connect(wait)
    return wait


def test_two_pelican_runs_at_once_keep_their_own_search_index(site, second_site, settings_for):
    second_site(KAYAKS)
    first, second = settings_for(site.root), settings_for(second_site.root)
    # Both runs have handed their documents to the index before either finishes its own.
    waiting = meet_at(signals.get_writer, 2)
    try:
        run_together(Pelican(first).run, Pelican(second).run)
    finally:
        signals.get_writer.disconnect(waiting)
    first_index = open_reader(site.root / "search-index")
    second_index = open_reader(second_site.root / "search-index")
    assert search(first_index, "kayaks").total == 0
    assert urls(search(second_index, "kayaks")) == ["/kayaks/"]
    assert search(first_index, "refund").total == search(second_index, "refund").total == 2


def test_two_builds_at_once_report_only_their_own_problems(site, second_site, settings_for):
    alone = build(settings_for(second_site.root, output="alone"))
    site(EMPTY_ALT)
    first, second = Build(settings_for(site.root)), Build(settings_for(second_site.root))
    # Both builds listen to Pelican's log before either reads a document.
    waiting = meet_at(signals.initialized, 2)
    try:
        broken, clean = run_together(first.run, second.run)
    finally:
        signals.initialized.disconnect(waiting)
    assert [p.format() for p in broken.report.problems] == [
        "content/pages/about.md: Empty alt attribute for image dot.svg in content/pages/about.md"
    ]
    assert clean.ok, [p.format() for p in clean.report.problems]
    assert clean.written == alone.written
    assert (second_site.root / "output" / "index.html").is_file()
    assert not (site.root / "output").exists()


def test_a_plugin_acts_only_on_runs_that_list_it(site, second_site, settings_for):
    Pelican(settings_for(site.root)).run()  # registers every plugin in this process
    Pelican(settings_for(second_site.root, PLUGINS=["portal"])).run()
    page = second_site.root / "output" / "kb" / "billing" / "refunds" / "index.html"
    assert "data-glossary" not in page.read_text(encoding="utf-8")
    assert not (second_site.root / "search-index").exists()
    assert (site.root / "search-index").is_dir()
