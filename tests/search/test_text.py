"""The text indexed for a page is what a reader reads on it, block by block."""

from __future__ import annotations

from helpdesk.search.text import html_to_text


def test_blocks_are_lines_and_inline_elements_are_not():
    html = (
        '<h2>Steps<a class="headerlink" href="#steps">#</a></h2><p>Back<em>up</em>\nnow</p>'
        "<ul><li>one</li><li>two</li></ul><table><tr><th>Setting</th><td>Good default</td>"
        "</tr></table>"
    )
    assert html_to_text(html).split("\n") == [
        "Steps",
        "Backup now",  # a line break in the source is a space
        "one",
        "two",
        "Setting",
        "Good default",
    ]


def test_code_keeps_its_lines():
    html = "<p>Run:</p><pre><code>tide --version\n# tide 2.0.3\n</code></pre>"
    assert html_to_text(html).split("\n") == ["Run:", "tide --version", "# tide 2.0.3"]


def test_glossary_annotations_leave_the_text_as_it_reads():
    annotated = (
        '<p>Check the <a data-glossary="sla" href="/glossary/#sla" class="term">SLA</a> today.</p>'
    )
    assert html_to_text(annotated) == "Check the SLA today."


def test_entities_are_decoded_and_scripts_dropped():
    html = "<p>Fish &amp; chips &lt;b&gt;</p><script>var secret = 1;</script><!-- note -->"
    assert html_to_text(html) == "Fish & chips <b>"
