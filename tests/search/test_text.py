"""The text indexed for a page is what a reader reads on it."""

from __future__ import annotations

from helpdesk.search.text import html_to_text


def test_block_elements_separate_words_and_inline_ones_do_not():
    html = '<h2>Steps<a class="headerlink" href="#steps">#</a></h2><p>Back<em>up</em> now</p><ul><li>one</li><li>two</li></ul>'
    assert html_to_text(html) == "Steps Backup now one two"


def test_glossary_annotations_leave_the_text_as_it_reads():
    annotated = (
        '<p>Check the <a data-glossary="sla" href="/glossary/#sla" class="term">SLA</a> today.</p>'
    )
    assert html_to_text(annotated) == "Check the SLA today."


def test_entities_are_decoded_and_scripts_dropped():
    html = "<p>Fish &amp; chips &lt;b&gt;</p><script>var secret = 1;</script><!-- note -->"
    assert html_to_text(html) == "Fish & chips <b>"
