"""The search_index plugin: what a build indexes, and when the new index is served."""

from __future__ import annotations

import multiprocessing
import shutil

import pytest
from pelican import Pelican

from helpdesk import ENGINE_ROOT
from helpdesk.cli import main
from helpdesk.publish.build import build
from helpdesk.search.query import search
from helpdesk.search.reader import open_reader
from helpdesk.search.store import IndexStore

SETTINGS = ["--settings", str(ENGINE_ROOT / "pelicanconf.py")]
RESTRICTED = {
    "content/articles/billing/partner-prices.md": (
        "---\ntitle: Partner prices\ndate: 2026-01-01\ntags: [billing]\n"
        "usergroups: [partners]\nsummary: What partners pay.\n---\n\nSecret wholesale numbers.\n"
    )
}


def urls(answer) -> list[str]:
    return [result.url for result in answer.results]


def test_a_build_indexes_every_section_beside_the_output(site, runner):
    assert runner.invoke(main, ["build", *SETTINGS]).exit_code == 0
    index = site.root / "search-index"
    assert IndexStore(index).current() is not None
    assert not list((site.root / "output").rglob("*.seg")), "the public output holds no index"
    reader = open_reader(index)
    assert urls(search(reader, "refund")) == ["/kb/billing/refunds/", "/news/launch/"]
    assert urls(search(reader, "launched")) == ["/news/launch/"]
    assert urls(search(reader, "tool")) == ["/downloads/tool/"]
    assert urls(search(reader, "about us")) == ["/about/"]
    result = search(reader, "refund").results[0]
    assert (result.title, result.section) == ("Ask for a refund", "article")
    assert "<a" not in result.snippet and "data-glossary" not in result.snippet


def test_restricted_articles_are_indexed_for_their_usergroup_only(site, settings_for):
    site(RESTRICTED)
    assert build(settings_for(site.root)).ok
    reader = open_reader(site.root / "search-index")
    assert search(reader, "wholesale").total == 0
    partners = search(reader, "wholesale", usergroups=frozenset({"partners"}))
    assert urls(partners) == ["/portal/kb/billing/partner-prices/"]


def test_a_failed_build_leaves_the_old_index_served(site, runner):
    assert runner.invoke(main, ["build", *SETTINGS]).exit_code == 0
    reader = open_reader(site.root / "search-index")
    assert search(reader, "invoices").total == 2
    served = reader.generation
    site(
        {
            "content/articles/billing/invoices.md": (
                "---\ntitle: Download invoices\ndate: 2026-03-02\n---\n\nNow with kayaks.\n"
            ),
            "content/pages/about.md": "---\ntitle: About\n---\n\n![]({static}/images/none.svg)\n",
        }
    )
    assert runner.invoke(main, ["build", *SETTINGS]).exit_code == 1
    assert search(reader, "kayaks").total == 0
    assert reader.generation == served
    assert [p.name for p in (site.root / "search-index").iterdir()] == ["CURRENT", served.name]


def test_a_second_build_reindexes_only_what_changed(site, runner, caplog):
    assert runner.invoke(main, ["build", *SETTINGS]).exit_code == 0
    site({"content/pages/about.md": "---\ntitle: About\n---\n\nAbout our kayaks.\n"})
    caplog.set_level("INFO", logger="search_index")
    assert runner.invoke(main, ["build", *SETTINGS]).exit_code == 0
    assert "0 added, 1 updated, 0 removed, 4 unchanged" in caplog.text
    assert urls(search(open_reader(site.root / "search-index"), "kayaks")) == ["/about/"]


def test_full_index_rebuilds_everything_on_demand(site, runner, caplog):
    assert runner.invoke(main, ["build", *SETTINGS]).exit_code == 0
    index = IndexStore(site.root / "search-index")
    first = index.current()
    caplog.set_level("INFO", logger="search_index")
    assert runner.invoke(main, ["build", *SETTINGS, "--full-index"]).exit_code == 0
    assert "indexed 5 documents" in caplog.text
    assert index.current() != first
    assert search(open_reader(index.root), "refund").total == 2


def test_plain_pelican_publishes_the_index_too(site, settings_for):
    settings = settings_for(site.root, SEARCH_INDEX_DIR=str(site.root / "elsewhere"))
    Pelican(settings).run()
    assert urls(search(open_reader(site.root / "elsewhere"), "invoices"))[0] == (
        "/kb/billing/invoices/"
    )


def test_a_build_stopped_while_a_large_index_is_written_publishes_neither(
    site, settings_for, tmp_path, monkeypatch
):
    from helpdesk.search import indexer

    monkeypatch.setattr(indexer, "MULTIPROCESS_MIN_DOCUMENTS", 1)  # written by another process
    theme = tmp_path / "broken-theme"
    (theme / "templates").mkdir(parents=True)
    (theme / "templates" / "index.html").write_text("{{ missing_filter | nope }}", encoding="utf-8")
    result = build(settings_for(site.root, THEME=str(theme)))
    assert not result.ok
    assert multiprocessing.active_children() == [], "the index writer's process has ended"
    index = site.root / "search-index"
    assert not index.exists() or [p.name for p in index.iterdir()] == []
    assert build(settings_for(site.root)).ok
    assert urls(search(open_reader(index), "launched")) == ["/news/launch/"]


def test_a_devserver_rebuild_after_a_failed_run_abandons_its_unfinished_index(
    site, settings_for, tmp_path, monkeypatch
):
    from helpdesk.search import indexer

    monkeypatch.setattr(indexer, "MULTIPROCESS_MIN_DOCUMENTS", 1)  # written by another process
    theme = tmp_path / "theme"
    shutil.copytree(ENGINE_ROOT / "theme", theme)
    home = theme / "templates" / "index.html"
    working = home.read_text(encoding="utf-8")
    home.write_text("{{ missing_filter | nope }}", encoding="utf-8")
    # `make devserver` keeps one Pelican and runs it again after each change.
    pelican = Pelican(settings_for(site.root, THEME=str(theme)))
    with pytest.raises(Exception, match="nope"):
        pelican.run()  # stops while the index is written, before it is finished
    home.write_text(working, encoding="utf-8")
    site({"content/pages/about.md": "---\ntitle: About\n---\n\nAbout our kayaks.\n"})
    pelican.run()
    assert multiprocessing.active_children() == [], "the first run's writer has ended"
    index = site.root / "search-index"
    reader = open_reader(index)
    assert urls(search(reader, "kayaks")) == ["/about/"]
    assert sorted(p.name for p in index.iterdir()) == ["CURRENT", reader.generation.name]
