"""Snippets: the words the index matched, found as the analyzer finds them, in short passages
that a person can read: whole words, blocks kept apart, about 200 characters at most."""

from __future__ import annotations

import re

from whoosh.analysis.tokenizers import default_pattern

from helpdesk.search.schema import english_analyzer
from helpdesk.search.snippets import (
    BLOCK_SEPARATOR,
    PASSAGE_SEPARATOR,
    SNIPPET_CHARS,
    index_form,
    opening,
    snippet,
)
from helpdesk.search.text import html_to_text

TEXT = (
    "Restoring a folder: open the snapshot timeline, pick the day before the files were "
    "deleted, and choose Restore. Don't restore v5.4's caches; the sync-client restores "
    "them. Ünïcode wörds and e-mail addresses such as ann@example.com are words too."
)
#: The demo article's table that snippets used to run together into one line.
TABLE = (
    "<h2>Decide before you start</h2><table><thead><tr><th>Setting</th><th>Good default</th>"
    "<th>When to change it</th></tr></thead><tbody><tr><td>Folders</td><td>Documents, "
    "Desktop, Pictures</td><td>Add shared drives</td></tr><tr><td>Schedule</td><td>Every "
    "hour</td><td>Nightly for large archives</td></tr></tbody></table>"
    "<ul><li>Keep it small</li><li>Check the first run</li></ul>"
)


def visible(html: str) -> str:
    """What a reader sees of a snippet."""
    return html.replace("<mark>", "").replace("</mark>", "").replace("&amp;", "&")


def test_words_are_read_as_the_index_reads_them():
    analyzed = [token.text for token in english_analyzer()(TEXT)]
    ours = [index_form(m.group(0)) for m in default_pattern.finditer(TEXT)]
    assert [form for form in ours if form is not None] == analyzed


def test_matched_words_are_marked_and_the_rest_escaped():
    marked = snippet("Choose <Restore> & restoring works.", {"restor"})
    assert marked == "Choose &lt;<mark>Restore</mark>&gt; &amp; <mark>restoring</mark> works."


def test_cells_items_and_headings_are_kept_apart():
    text = html_to_text(TABLE)
    found = snippet(text, {"good", "default"})
    assert visible(found) == (
        "… Good default · When to change it · Folders · Documents, Desktop, Pictures · Add "
        "shared drives · Schedule · Every hour · Nightly for large archives · Keep it small · "
        "Check the first run"
    )
    assert "<mark>Good</mark> <mark>default</mark>" in found
    heading = snippet(text, {"decid"})
    assert visible(heading).startswith("Decide before you start · Setting · Good default")


def test_a_long_text_gives_one_passage_of_whole_words_within_the_limit():
    filler = " ".join(["lorem"] * 200)
    text = f"{filler} first snapshot here {filler} second snapshot there {filler}"
    found = snippet(text, {"snapshot"})
    shown = visible(found)
    assert len(shown) <= SNIPPET_CHARS
    assert PASSAGE_SEPARATOR not in found, "the word again is no reason for a second passage"
    assert "first <mark>snapshot</mark> here" in found
    assert shown.startswith("… lorem") and shown.endswith("lorem …"), "cut between words"
    assert shown.split("first")[0].count("lorem") <= 10, "a little context before, not more"


def test_a_second_passage_shows_a_word_the_first_does_not():
    filler = " ".join(["lorem"] * 200)
    text = f"{filler} first snapshot here {filler} restore it there {filler} snapshot again"
    found = snippet(text, {"snapshot", "restor"})
    passages = found.split(PASSAGE_SEPARATOR)
    assert len(passages) == 2
    assert "first <mark>snapshot</mark> here" in passages[0]
    assert "<mark>restore</mark> it there" in passages[1]
    assert len(visible(found)) <= SNIPPET_CHARS


def test_terms_of_one_word_share_a_passage():
    # A word being typed ("snap") matched both terms: they are one word of the query.
    filler = " ".join(["lorem"] * 200)
    text = f"{filler} one snapshot {filler} snapping two {filler}"
    found = snippet(text, {"snapshot", "snap"}, [{"snapshot", "snap"}])
    assert PASSAGE_SEPARATOR not in found and "<mark>snapshot</mark>" in found


def test_every_snippet_of_a_real_article_is_short_and_separated(demo_output):
    page = demo_output / "kb/getting-started/create-your-first-backup-set/index.html"
    text = html_to_text(page.read_text())
    for terms in ({"backup"}, {"folder"}, {"restor", "schedul"}, {"polici", "hour"}):
        found = snippet(text, terms)
        assert found and len(visible(found)) <= SNIPPET_CHARS
        assert "Setting Good default" not in visible(found)
        assert found.count(PASSAGE_SEPARATOR) <= 1
        for edge in (
            re.findall(r"\w+", visible(found))[:1] + re.findall(r"\w+", visible(found))[-1:]
        ):
            assert re.search(rf"\b{re.escape(edge)}\b", text), "whole words at both ends"


def test_without_a_match_the_opening_is_shown_with_its_blocks():
    text = html_to_text(TABLE)
    shown = opening(text)
    assert shown.startswith("Decide before you start · Setting · Good default")
    assert len(shown) <= SNIPPET_CHARS
    assert BLOCK_SEPARATOR in shown
    long = opening("word " * 100)
    assert len(long) <= SNIPPET_CHARS and long.endswith("word …")


def test_no_match_is_no_snippet():
    assert snippet(TEXT, {"kayak"}) == ""
    assert snippet("", {"restor"}) == ""
