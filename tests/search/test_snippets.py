"""Snippets: the words the index matched, found as the analyzer finds them, in short passages."""

from __future__ import annotations

from whoosh.analysis.tokenizers import default_pattern

from helpdesk.search.schema import english_analyzer
from helpdesk.search.snippets import PASSAGE_CHARS, SEPARATOR, index_form, snippet

TEXT = (
    "Restoring a folder: open the snapshot timeline, pick the day before the files were "
    "deleted, and choose Restore. Don't restore v5.4's caches; the sync-client restores "
    "them. Ünïcode wörds and e-mail addresses such as ann@example.com are words too."
)


def test_words_are_read_as_the_index_reads_them():
    analyzed = [token.text for token in english_analyzer()(TEXT)]
    ours = [index_form(m.group(0)) for m in default_pattern.finditer(TEXT)]
    assert [form for form in ours if form is not None] == analyzed


def test_matched_words_are_marked_and_the_rest_escaped():
    marked = snippet("Choose <Restore> & restoring works.", {"restor"})
    assert marked == "Choose &lt;<mark>Restore</mark>&gt; &amp; <mark>restoring</mark> works."


def test_a_long_text_gives_two_short_passages_around_the_matches():
    filler = " ".join(["lorem"] * 200)
    text = f"{filler} first snapshot here {filler} second snapshot there {filler}"
    passages = snippet(text, {"snapshot"}).split(SEPARATOR)
    assert len(passages) == 2
    assert all(
        len(p.replace("<mark>", "").replace("</mark>", "")) <= PASSAGE_CHARS for p in passages
    )
    assert "first <mark>snapshot</mark> here" in passages[0]
    assert "second <mark>snapshot</mark> there" in passages[1]
    before = passages[0].split("first")[0]
    assert before.count("lorem") <= 10, "a little context before, not the whole text"


def test_no_match_is_no_snippet():
    assert snippet(TEXT, {"kayak"}) == ""
    assert snippet("", {"restor"}) == ""
