"""Searching: stemming, snippets, "did you mean", usergroups, sections, and any input at all."""

from __future__ import annotations

from dataclasses import replace

import pytest

from helpdesk.search import query as query_module
from helpdesk.search.indexer import Document, index_documents
from helpdesk.search.query import MAX_QUERY_CHARS, search
from helpdesk.search.reader import open_reader

from .documents import DOCUMENTS

SAML = "/portal/kb/security/saml/"


def urls(answer) -> list[str]:
    return [result.url for result in answer.results]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("snapshots", "/kb/backup/restore-files/"),  # plural finds the singular
        ("restoring", "/kb/backup/restore-files/"),  # "Restore", "Restored"
        ("invoice", "/kb/billing/invoices/"),  # singular finds the plural
        ("receipt", "/kb/billing/invoices/"),
        ("RESTORE", "/kb/backup/restore-files/"),  # case does not matter
    ],
)
def test_english_word_forms_find_each_other(indexed, query, expected):
    assert urls(search(indexed, query))[0] == expected


def test_a_title_match_outranks_a_body_match(indexed):
    # "snapshot" is in the article's title and the news post's body.
    assert urls(search(indexed, "snapshot")) == ["/kb/backup/restore-files/", "/news/maintenance/"]
    # "console" is in both bodies, "maintenance" in the news post's title too.
    assert urls(search(indexed, "console maintenance"))[0] == "/news/maintenance/"


def test_the_answer_has_the_spec_fields(indexed):
    answer = search(indexed, "console").as_dict()
    assert set(answer) >= {"total", "results", "suggestion", "sections"}
    assert set(answer["results"][0]) >= {"title", "url", "section", "snippet", "score"}
    assert answer["total"] == len(answer["results"]) == 2
    assert answer["sections"] == {"article": 1, "news": 1}
    assert answer["results"][0]["score"] >= answer["results"][1]["score"] > 0


def test_snippets_show_the_matched_words_marked_in_context(indexed):
    snippet = search(indexed, "deleted files").results[0].snippet
    assert "<mark" in snippet and ">deleted</mark>" in snippet
    assert "snapshot timeline" in snippet


def test_a_snippet_escapes_the_text_it_quotes(index_dir):
    index_documents(
        index_dir,
        [
            Document(
                url="/kb/a/html/",
                title="Embed the widget",
                section="article",
                body="<p>Paste &lt;script&gt;alert(1)&lt;/script&gt; into the widget box.</p>",
            )
        ],
    )
    snippet = search(open_reader(index_dir), "widget").results[0].snippet
    assert "<script>" not in snippet and "&lt;script&gt;" in snippet


def test_a_document_matched_only_by_its_title_shows_its_summary(indexed):
    result = search(indexed, "download").results[0]
    assert result.url == "/kb/billing/invoices/"
    assert result.snippet == "Find every invoice."


def test_a_misspelling_is_corrected_and_its_results_shown(indexed):
    answer = search(indexed, "snapshpt")
    assert answer.suggestion == "snapshot"
    assert answer.query == "snapshot", "nothing matched the typo, so the correction is searched"
    assert urls(answer)[0] == "/kb/backup/restore-files/"


def test_a_query_that_finds_something_keeps_its_results_with_a_suggestion(indexed):
    answer = search(indexed, "invoice recieve")
    assert answer.query == "invoice recieve"
    assert urls(answer) == ["/kb/billing/invoices/"]
    assert answer.suggestion is None, "receive is in no document: nothing better to suggest"
    answer = search(indexed, "console snapshpt")
    assert answer.query == "console snapshpt" and answer.total == 2
    assert answer.suggestion == "console snapshot", "the correction finds one more page"


def test_correct_words_get_no_suggestion(indexed):
    assert search(indexed, "restore snapshot").suggestion is None
    assert search(indexed, "qwxzv").suggestion is None, "nothing close: no suggestion"


def test_restricted_articles_are_found_only_by_their_usergroups_and_agents(indexed):
    public = search(indexed, "saml identity provider")
    assert public.total == 0 and public.results == [] and public.sections == {}
    member = search(indexed, "saml identity provider", usergroups=frozenset({"administrators"}))
    assert urls(member) == [SAML]
    other = search(indexed, "saml identity provider", usergroups=frozenset({"partners"}))
    assert other.total == 0
    assert urls(search(indexed, "saml", is_agent=True)) == [SAML]


def test_usergroup_names_match_whatever_their_case(indexed):
    assert search(indexed, "saml", usergroups=frozenset({"ADMINISTRATORS"})).total == 1


def test_restricted_words_are_never_suggested_to_the_public(indexed):
    # "federation" is only in the restricted article.
    assert search(indexed, "federaton").suggestion is None
    groups = frozenset({"administrators"})
    assert search(indexed, "federaton", usergroups=groups).suggestion == "federation"


def test_counts_per_section_and_a_section_filter(indexed):
    everywhere = search(indexed, "console backups")
    assert everywhere.sections == {"article": 1, "download": 1, "news": 1}
    news = search(indexed, "console backups", section="news")
    assert news.total == 1 and urls(news) == ["/news/maintenance/"]
    assert news.sections == everywhere.sections, "the other sections' counts stay for tabs"
    assert search(indexed, "console", section="nonsense").total == 0


def test_results_come_in_pages(index_dir):
    documents = [
        replace(DOCUMENTS[0], url=f"/kb/backup/copy-{n}/", title=f"Copy {n}") for n in range(7)
    ]
    index_documents(index_dir, documents)
    reader = open_reader(index_dir)
    pages = [urls(search(reader, "restore", limit=3, page=n)) for n in (1, 2, 3, 4)]
    assert [len(p) for p in pages] == [3, 3, 1, 0]
    assert len({url for page in pages for url in page}) == 7
    assert search(reader, "restore", limit=3, page=4).total == 7


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        None,
        "title:restore",
        "restore AND snapshot",
        "restore OR",
        "NOT",
        "*",
        "rest*",
        "?",
        '"unbalanced quote',
        '"snapshot timeline"',
        "(restore",
        "restore)",
        "restore^10",
        "restore~2",
        "[a TO z]",
        "{}",
        "\\",
        "\x00",
        "пример 例子 😀",
        "restore " * 1000,
        "x" * 100_000,
    ],
)
def test_any_input_gets_an_answer(indexed, query):
    answer = search(indexed, query)
    assert answer.total == len(answer.results) or answer.total > len(answer.results)
    assert len(answer.query) <= MAX_QUERY_CHARS


def test_query_syntax_is_read_as_plain_words(indexed):
    assert urls(search(indexed, "title:restore"))[0] == "/kb/backup/restore-files/"
    assert search(indexed, "restore AND").total == search(indexed, "restore").total
    assert search(indexed, "re*").total == 0, "a word ending in * is a prefix, no wildcard"
    assert search(indexed, "*").total == 0
    assert search(indexed, "section:news").total == 0


def test_quoted_phrases_match_words_in_that_order(indexed):
    assert urls(search(indexed, '"snapshot timeline"')) == ["/kb/backup/restore-files/"]
    assert search(indexed, '"timeline snapshot"').total == 0
    assert search(indexed, '"snapshot timeline').total >= 1, "an unclosed quote is ignored"


def test_no_index_yet_is_an_empty_answer(tmp_path):
    reader = open_reader(tmp_path / "never-built")
    assert not reader.available
    assert search(reader, "restore").total == 0


# Search as you type ------------------------------------------------------------------------

RESTORE = "/kb/backup/restore-files/"
NEWS = "/news/maintenance/"


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("resto", [RESTORE]),  # begins the stem "restor" and the words "restore", "restored"
        ("snap", [RESTORE, NEWS]),  # "snapshot", "snapshots"
        ("snaps", [RESTORE, NEWS]),
        ("snapsho", [RESTORE, NEWS]),
        ("RESTO", [RESTORE]),
        ("deleted fi", [RESTORE]),  # "files", "Restored files keep their folders"
        ("invoices acco", ["/kb/billing/invoices/"]),
    ],
)
def test_the_word_being_typed_finds_the_words_it_begins(indexed, typed, found):
    answer = search(indexed, typed)
    assert urls(answer)[: len(found)] == found
    assert answer.query == typed, "the results are for what was typed, not a correction"
    assert answer.suggestion is None, "a word that begins indexed words is never corrected"


def test_the_completed_word_is_marked_in_the_snippet(indexed):
    snippet = search(indexed, "resto").results[0].snippet
    assert "<mark>Restore</mark>" in snippet and "<mark>Restored</mark>" in snippet
    assert "<mark>snapshot</mark>" in search(indexed, "snap").results[0].snippet


def test_a_space_after_the_last_word_means_it_is_complete(indexed):
    # "snap" is in no document: typed whole, its completion is what was meant.
    answer = search(indexed, "snap ")
    assert answer.suggestion == "snapshot" and answer.query == "snapshot"
    assert urls(answer) == [RESTORE, NEWS]
    assert search(indexed, "deleted fi ").total == search(indexed, "deleted").total


def test_only_the_last_word_is_a_prefix_unless_it_ends_in_a_star(indexed):
    answer = search(indexed, "snap restore")
    assert urls(answer) == [RESTORE], "snap is complete: the news post has only snapshot"
    assert answer.suggestion == "snapshot restore"
    assert urls(search(indexed, "snap* restore")) == [RESTORE, NEWS]
    assert urls(search(indexed, "rest*"))[0] == RESTORE


def test_a_prefix_needs_three_letters(indexed):
    assert search(indexed, "sn").total == 0
    assert search(indexed, "re").suggestion is None
    assert search(indexed, "sna").total == 2


def test_a_word_in_a_phrase_is_never_a_prefix(indexed):
    assert search(indexed, '"snapshot time"').total == 0
    unclosed = search(indexed, '"snapshot timeli')  # no phrase: the words, the last a prefix
    assert urls(unclosed)[0] == RESTORE and unclosed.suggestion is None


def test_the_word_itself_ranks_above_words_that_only_begin_with_it(index_dir):
    documents = [
        Document(url="/kb/a/snapshots/", title="Snapshots", section="article", body="<p>x</p>"),
        Document(url="/kb/a/snap/", title="Snap", section="article", body="<p>x</p>"),
        Document(url="/kb/a/other/", title="Other", section="article", body="<p>snap</p>"),
    ]
    index_documents(index_dir, documents)
    reader = open_reader(index_dir)
    assert urls(search(reader, "snap")) == ["/kb/a/snap/", "/kb/a/snapshots/", "/kb/a/other/"]
    assert urls(search(reader, "snapshot")) == ["/kb/a/snapshots/"]


def test_a_prefix_stands_for_its_most_frequent_words(index_dir, monkeypatch):
    monkeypatch.setattr(query_module, "MAX_EXPANSIONS", 2)
    words = {"planet": 1, "plankton": 3, "plank": 2}
    documents = [
        Document(url=f"/kb/a/{word}-{n}/", title=word.title(), section="article")
        for word, count in words.items()
        for n in range(count)
    ]
    index_documents(index_dir, documents)
    found = urls(search(open_reader(index_dir), "pla", limit=20))
    assert {url.split("/")[3].split("-")[0] for url in found} == {"plankton", "plank"}


def test_a_prefix_matches_words_as_written_beyond_their_stem(index_dir):
    # "restoring" is indexed as "restor": "restori" begins the word, not the stem.
    index_documents(
        index_dir,
        [Document(url="/kb/a/r/", title="Backups", section="article", body="<p>Restoring</p>")],
    )
    answer = search(open_reader(index_dir), "restori")
    assert urls(answer) == ["/kb/a/r/"] and answer.suggestion is None
    assert "<mark>Restoring</mark>" in answer.results[0].snippet


def test_restricted_completions_stay_hidden(indexed):
    # "federation" is only in the restricted article.
    public = search(indexed, "federat")
    assert public.total == 0 and public.suggestion is None
    member = search(indexed, "federat", usergroups=frozenset({"administrators"}))
    assert urls(member) == [SAML] and member.suggestion is None
