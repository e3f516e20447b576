"""Relevance on the demo help centre: judged queries, mean reciprocal rank at least 0.8."""

from __future__ import annotations

import pytest

from helpdesk.search.query import search
from helpdesk.search.reader import open_reader
from helpdesk.search.store import default_index_dir

from .judged_queries import JUDGED_QUERIES

TARGET = 0.8


@pytest.fixture(scope="module")
def demo_reader(demo_output):
    return open_reader(default_index_dir(demo_output))


def reciprocal_rank(reader, query: str, expected: str, usergroups=frozenset()) -> float:
    found = [result.url for result in search(reader, query, usergroups=usergroups).results]
    return 1 / (found.index(expected) + 1) if expected in found else 0.0


def test_judged_queries_find_the_expected_page_near_the_top(demo_reader, capsys):
    assert len(JUDGED_QUERIES) >= 30
    ranks = {q: reciprocal_rank(demo_reader, q, *judged) for q, *judged in JUDGED_QUERIES}
    mrr = sum(ranks.values()) / len(ranks)
    misses = {query: rank for query, rank in ranks.items() if rank < 1}
    with capsys.disabled():
        print(f"\nsearch relevance: MRR {mrr:.3f} over {len(ranks)} judged queries; ", end="")
        print(
            "not first: "
            + ", ".join(f"{q!r} (1/{round(1 / r) if r else '∞'})" for q, r in misses.items())
        )
    assert mrr >= TARGET, misses


def test_every_judged_page_exists_in_the_demo(demo_reader):
    searcher = demo_reader.searcher()
    indexed = {fields["url"] for fields in searcher.all_stored_fields()}
    assert {expected for _, expected, *_ in JUDGED_QUERIES} <= indexed


def test_the_restricted_judged_page_is_not_found_by_the_public(demo_reader):
    query, expected, groups = next(j for j in JUDGED_QUERIES if len(j) == 3)
    assert reciprocal_rank(demo_reader, query, expected, groups) == 1
    assert reciprocal_rank(demo_reader, query, expected) == 0
