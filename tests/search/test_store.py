"""Publishing generations: readers always see a whole index, while another build runs too."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

from helpdesk import ENGINE_ROOT
from helpdesk.search import store
from helpdesk.search.indexer import Document, index_documents
from helpdesk.search.query import search
from helpdesk.search.reader import open_reader
from helpdesk.search.store import IndexStore

#: A second build in its own process: alternately 300 and 50 documents, all with "alpha".
SECOND_BUILD = textwrap.dedent(
    """
    import sys
    from helpdesk.search.indexer import Document, index_documents

    root, rounds = sys.argv[1], int(sys.argv[2])
    body = "<p>" + " ".join(f"alpha word{n} filler text" for n in range(150)) + "</p>"
    for round in range(rounds):
        count = 300 if round % 2 == 0 else 50
        documents = [
            Document(url=f"/kb/a/doc-{n}/", title=f"Doc {n}", section="article", body=body)
            for n in range(count)
        ]
        index_documents(root, documents, processes=1)
    """
)


def documents(count: int) -> list[Document]:
    return [
        Document(url=f"/kb/a/doc-{n}/", title=f"Doc {n}", section="article", body="alpha")
        for n in range(count)
    ]


def test_queries_see_a_whole_index_while_a_second_build_runs(tmp_path):
    root = tmp_path / "search-index"
    index_documents(root, documents(50))
    reader = open_reader(root)
    assert search(reader, "alpha").total == 50
    builder = subprocess.Popen(
        [sys.executable, "-c", SECOND_BUILD, str(root), "4"], cwd=ENGINE_ROOT
    )
    seen_totals, seen_generations, queries = set(), set(), 0
    try:
        while builder.poll() is None:
            answer = search(reader, "alpha", limit=1)
            seen_totals.add(answer.total)
            seen_generations.add(reader.generation.name)
            queries += 1
    finally:
        builder.wait(timeout=120)
    assert builder.returncode == 0
    assert seen_totals <= {50, 300}, "a query saw a half-written index"
    assert len(seen_generations) > 1, f"the reader never picked up a new build ({queries} queries)"
    assert search(reader, "alpha").total == 50
    assert reader.generation == IndexStore(root).current()


def test_readers_open_the_index_read_only(tmp_path):
    root = tmp_path / "search-index"
    index_documents(root, documents(3))
    folder = IndexStore(root).current()
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert search(open_reader(root), "alpha").total == 3
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before


def test_an_unpublished_build_is_not_served(tmp_path):
    root = tmp_path / "search-index"
    index_documents(root, documents(3))
    reader = open_reader(root)
    staged = index_documents(root, documents(5), build_id="pending", publish=False)
    assert search(reader, "alpha").total == 3
    IndexStore(root).publish(staged.folder)
    assert search(reader, "alpha").total == 5


def test_retired_generations_are_removed_after_a_grace_period(tmp_path):
    root = tmp_path / "search-index"
    for count in range(1, 5):
        index_documents(root, documents(count))
    index = IndexStore(root)
    names = sorted(g.name for g in index.generations())
    assert names[-2:] == ["gen-000003", "gen-000004"]
    index.prune(now=time.time() + store.GRACE_SECONDS + 1)
    assert sorted(g.name for g in index.generations()) == ["gen-000003", "gen-000004"]
    assert search(open_reader(root), "alpha").total == 4
