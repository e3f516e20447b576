"""Properties of glossary annotation over generated HTML and term lists (hypothesis)."""

from __future__ import annotations

import re
from html import escape

from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from helpdesk.publish.glossary import Term
from helpdesk.publish.terms import TermMatcher, forms
from plugins.glossary.annotate import EXCLUDED, annotate, remove_annotations

VOCABULARY = [
    "ticket", "tickets", "Ticket", "email", "account", "SLA", "SLAs", "sla", "SLAB", "agent",
    "agents", "team", "café", "cafés", "naïve", "the", "a", "and", "Ünïcode", "x_y", "2FA",
]  # fmt: skip
SEPARATORS = [" ", " ", ", ", ". ", "\n", " &amp; ", "&nbsp;", " (", ") ", "-", "'"]
INLINE = ["em", "strong", "span", "b", "i", "li", "p", "div", "td", "blockquote"]
BLOCKING = ["a", "code", "pre", "kbd", "samp", "h1", "h2", "h3", "script", "style"]

words = st.lists(
    st.tuples(st.sampled_from(VOCABULARY), st.sampled_from(SEPARATORS)), min_size=1, max_size=8
).map(lambda pairs: "".join(word + sep for word, sep in pairs))


@st.composite
def elements(draw, depth: int = 0):
    if depth >= 3 or draw(st.booleans()):
        return (
            escape(draw(words), quote=False)
            .replace("&amp;amp;", "&amp;")
            .replace("&amp;nbsp;", "&nbsp;")
        )
    name = draw(st.sampled_from(INLINE + BLOCKING))
    attribute = draw(st.sampled_from(["", f' title="{escape(draw(words))}"', ' class="note"']))
    children = draw(st.lists(elements(depth + 1), min_size=1, max_size=3))
    return f"<{name}{attribute}>{''.join(children)}</{name}>"


fragments = st.lists(elements(), min_size=1, max_size=4).map("".join)


@st.composite
def glossaries(draw) -> TermMatcher:
    names = draw(
        st.lists(
            st.sampled_from(
                [
                    "ticket",
                    "email account",
                    "ticket email account",
                    "SLA",
                    "agent",
                    "café",
                    "naïve",
                    "Ünïcode",
                    "team",
                ]
            ),
            min_size=1,
            max_size=6,
            unique=True,
        )
    )
    terms = []
    for index, name in enumerate(names):
        slug = re.sub(r"[^a-z]+", "-", name.lower()) + f"-{index}"
        sensitive = draw(st.sampled_from([None, None, True, False]))
        terms.append(Term(name, f"Definition of {name} & <more>.", slug, index + 1, (), sensitive))
    return TermMatcher(terms)


COMMON = settings(max_examples=100, deadline=None)


@COMMON
@given(fragments, glossaries(), st.booleans())
def test_removing_the_annotations_gives_back_the_input(html, terms, first_only):
    assert remove_annotations(annotate(html, terms, first_only=first_only)) == html


@COMMON
@given(fragments, glossaries(), st.booleans())
def test_annotating_twice_equals_annotating_once(html, terms, first_only):
    once = annotate(html, terms, first_only=first_only)
    assert annotate(once, terms, first_only=first_only) == once


@COMMON
@given(fragments, glossaries())
def test_nothing_is_annotated_inside_excluded_elements(html, terms):
    soup = BeautifulSoup(annotate(html, terms, first_only=False), "html.parser")
    for annotation in soup.select("a[data-glossary]"):
        assert not any(parent.name in EXCLUDED for parent in annotation.parents)
        assert annotation.find_parent(attrs={"data-glossary": True}) is None


@COMMON
@given(fragments, glossaries(), st.booleans())
def test_every_annotation_is_a_known_term_wrapping_one_of_its_forms(html, terms, first_only):
    by_slug = {term.slug: term for term in terms.terms}
    soup = BeautifulSoup(annotate(html, terms, first_only=first_only), "html.parser")
    seen = []
    for annotation in soup.select("a[data-glossary]"):
        term = by_slug[annotation["data-glossary"]]
        assert annotation["href"] == f"/glossary/#{term.slug}"
        text = annotation.get_text()
        assert text in forms(term.term) or text.lower() in [f.lower() for f in forms(term.term)]
        seen.append(term.slug)
    if first_only:
        assert len(seen) == len(set(seen))
