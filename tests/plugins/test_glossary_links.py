"""Pelican's link rewriting told to pass over annotations finds exactly the links it found.

The glossary plugin gives each annotated document a quicker copy of Pelican's link pattern
(plugins/glossary/__init__.py, quick_link_pattern): the same pattern with a look-ahead that
fails at once at a start tag shaped like an annotation. These tests compare every match of
the two patterns over generated HTML full of links Pelican rewrites, annotations, and tags
that look like annotations but hold a link.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

from hypothesis import example, given, settings
from hypothesis import strategies as st
from pelican.contents import Article, Content
from pelican.settings import DEFAULT_CONFIG

from helpdesk.publish.glossary import Term
from helpdesk.publish.terms import TermMatcher
from plugins.glossary import quick_link_pattern
from plugins.glossary.annotate import annotate

DOCUMENT = SimpleNamespace(settings=DEFAULT_CONFIG)
PELICAN = Content._get_intrasite_link_regex(DOCUMENT)
PIECES = [
    "ticket ", "SLA. ", "<p>", "</p>", "<a href=\"{filename}/kb/x.md\">", "</a>",
    "<img src='{static}/i.png' alt=\"ticket\">", "<a href=\"|filename|/y.md#z\">",
    '<a data-glossary="sla" href="/glossary/#sla">', '<a data-glossary="sla" href="{filename}/g.md">',
    "<a data-glossary=\"x src='{filename}/a.md'\" href=\"/g/#x\">", '<a data-glossary="s" href="|static|x">',
    '<a data-glossary="s=" href="/g/">', '<a data-glossary="s" href="/g/" title="{filename}/q.md">',
    '<a  data-glossary="s" href="/g/">', '<a data-glossary="s" href="/g/"', "<", ">", '"', "'",
    '<object data="{static}/o.svg">', "<a data-glossary=\"s\" href='{filename}/w.md'>",
]  # fmt: skip


def quick() -> re.Pattern:
    return quick_link_pattern(Article("", settings=DEFAULT_CONFIG, context={}))()


def every_match(pattern: re.Pattern, html: str) -> list[tuple[tuple[int, int], dict]]:
    return [(m.span(), m.groupdict()) for m in pattern.finditer(html)]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=25).map("".join))
@example(
    '<p>An <a data-glossary="sla" href="/glossary/#sla">SLA</a>, see <a href="{filename}/a.md">'
)
def test_the_quick_pattern_finds_what_pelicans_finds(html):
    assert every_match(quick(), html) == every_match(PELICAN, html)


def test_the_quick_pattern_passes_over_annotations_only():
    html = annotate(
        '<p>An SLA, see <a href="{filename}/a.md">this</a>.</p>',
        TermMatcher([Term("SLA", "Service level agreement.", "sla", 1)]),
    )
    assert html.startswith('<p>An <a data-glossary="sla" href="/glossary/#sla">SLA</a>')
    assert [m.group("path") for m in quick().finditer(html)] == ["{filename}/a.md"]
    assert quick().pattern != PELICAN.pattern and quick().flags == PELICAN.flags


def test_an_unknown_link_pattern_is_left_as_it_is():
    class Other(Article):
        def _get_intrasite_link_regex(self):
            return re.compile(r"<a href=(?P<path>\S+)>")

    assert quick_link_pattern(Other("", settings=DEFAULT_CONFIG, context={})) is None
