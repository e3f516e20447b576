"""The annotator against its first version, over generated HTML (hypothesis).

plugins/glossary/annotate.py annotates most fragments by its text path and leaves odd ones
(a `<` inside a tag or comment, existing annotations, NUL, characters that IGNORECASE takes for
ASCII letters) to the first version's layout path. tests/plugins/glossary_reference.py is a
frozen copy of that first version: whatever path a fragment takes, the output must be the
same, character for character. The HTML below is built to reach every branch: comments with
and without tags in them, `>` and `<` in quoted attribute values, character references and
bare ampersands, unclosed and nested excluded elements, void and self-closing tags, upper-case
tag names, Greek capital sigmas next to tags, and the four look-alike characters.
"""

from __future__ import annotations

import importlib
import re
import sys
from html import escape

from hypothesis import example, given, settings
from hypothesis import strategies as st

from helpdesk.publish.glossary import Term
from helpdesk.publish.terms import TermMatcher
from plugins.glossary.annotate import annotate
from tests.plugins.glossary_reference import ReferenceMatcher
from tests.plugins.glossary_reference import annotate as reference_annotate

# The module, not the function the package exports under the same name.
annotator = importlib.import_module("plugins.glossary.annotate")

WORDS = [
    "ticket", "tickets", "Ticket", "TICKET", "email", "account", "SLA", "SLAs", "sla", "SLAB",
    "C++", ".NET", "wi-fi", "R&D", "R&amp;D", "amp", "code", "ΣΑΣ", "σας", "naïve", "İstanbul",
    "ſla", "Kelvin", "team_a", "2FA", "x", "a", "the", "é",
]  # fmt: skip
GLUE = [" ", " ", "\n", ", ", ". ", "-", "'", "&nbsp;", "&#97;", "&amp;", "&", " < ", " > ", ""]
INLINE = ["p", "em", "span", "li", "td", "div", "P", "B"]
EXCLUDED = ["a", "code", "pre", "h2", "H2", "script", "kbd", "title", "svg", "A"]
ATTRIBUTES = [
    "", ' class="note"', " title='a > b'", ' title="x < y"', ' alt="<code>"', ' data-x="ticket"',
    ' href="/kb/#ticket"', " hidden", ' title="ſcript"',
]  # fmt: skip
ODD = [
    "<!-- ticket -->", "<!-- <a> ticket -->", "<br>", "<br/>", "<img src='x' alt='ticket'/>",
    "<hr />", "<![CDATA[ ticket > ]]>", "<?php ticket ?>", "<a>", "</code>", "<code>", "<",
    '<a data-glossary="sla" href="/glossary/#sla">SLA</a>', "<input value='ticket'>",
    "<\u017fcript>", "<\u212abd>", "<t\u0131tle>",
]  # fmt: skip

text = st.lists(
    st.tuples(st.sampled_from(WORDS), st.sampled_from(GLUE)), min_size=1, max_size=6
).map(lambda pairs: "".join(word + glue for word, glue in pairs))


@st.composite
def fragments(draw, depth: int = 0) -> str:
    kind = draw(st.integers(0, 5))
    if depth >= 3 or kind <= 1:
        return draw(text)
    if kind == 2:
        return draw(st.sampled_from(ODD))
    name = draw(st.sampled_from(INLINE + EXCLUDED))
    inner = "".join(draw(st.lists(fragments(depth + 1), min_size=1, max_size=3)))
    closing = draw(st.sampled_from([f"</{name}>", f"</{name}>", f"</{name.lower()}>", ""]))
    return f"<{name}{draw(st.sampled_from(ATTRIBUTES))}>{inner}{closing}"


documents = st.lists(fragments(), min_size=1, max_size=5).map("".join)

NAMES = [
    ("ticket", (), None), ("ticket email account", (), None), ("email account", (), None),
    ("SLA", ("service level agreement",), None), ("C++", (), None), (".NET", (), None),
    ("wi-fi", (), None), ("R&D", (), None), ("amp", (), None), ("ΣΑΣ", (), None),
    ("naïve", (), None), ("team", (), True), ("Ticket", (), True), ("a < b", (), None),
    ("code", (), False), ("x", (), None),
]  # fmt: skip


@st.composite
def glossaries(draw) -> list[Term]:
    chosen = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=7, unique=True))
    return [
        Term(
            name,
            f"Definition of {escape(name)}.",
            re.sub(r"\W+", "-", name.lower()) or "t",
            i,
            aliases,
            sensitive,
        )
        for i, (name, aliases, sensitive) in enumerate(chosen, start=1)
    ]


def both(html: str, terms: list[Term], first_only: bool) -> tuple[str, str]:
    url = "https://help.example.com/glossary/"
    return (
        annotate(html, TermMatcher(terms), first_only=first_only, glossary_url=url),
        reference_annotate(html, ReferenceMatcher(terms), first_only=first_only, glossary_url=url),
    )


@settings(max_examples=600, deadline=None)
@given(documents, glossaries(), st.booleans())
@example("<h2>Tickets</h2><p>a ticket &amp; an SLA</p>", [Term("ticket", "d", "t", 1)], True)
@example("<p title='<a>'>ticket</p> ticket </a> ticket", [Term("ticket", "d", "t", 1)], False)
@example("<!-- <code> --> ticket </code> ticket", [Term("ticket", "d", "t", 1)], False)
@example("<P>ΣΑΣ<B>x</B> ΣΑΣ</P>", [Term("σας", "d", "s", 1)], False)
@example("<\u017fcript>ticket</script> ticket", [Term("ticket", "d", "t", 1)], False)
def test_the_annotator_gives_what_its_first_version_gave(html, terms, first_only):
    new, old = both(html, terms, first_only)
    assert new == old


def test_ordinary_pages_take_the_text_path_and_odd_ones_the_layout_path():
    terms = TermMatcher([Term("ticket", "d", "ticket", 1), Term("SLA", "d", "sla", 2)])
    ordinary = (
        '<h2 id="x">Ticket<a class="headerlink" href="#x">#</a></h2><p>A ticket &amp; an SLA,'
        ' see <a href="/kb/">tickets</a>.</p><pre><code>ticket</code></pre><p>naïve SLA</p>'
    )
    assert annotator._annotate_text(ordinary, terms, True, "/glossary/") is not None
    for odd in [
        "<p title='<b>'>ticket</p>",
        "<!-- <a> --><p>ticket</p>",
        '<p><a data-glossary="sla" href="/glossary/#sla">SLA</a> ticket</p>',
        "<p>ticket \0</p>",
        "<p>ſ ticket</p>",
    ]:
        assert annotator._annotate_text(odd, terms, True, "/glossary/") is None
        assert annotate(odd, terms) == reference_annotate(odd, ReferenceMatcher(terms.terms))


def test_the_lookalikes_are_every_character_ignorecase_takes_for_an_ascii_letter():
    """The text path finds excluded tags by case in lower-cased text; that finds what the
    first version's IGNORECASE pattern found unless one of these characters is present."""
    letter = re.compile("[a-z0-9]", re.IGNORECASE)
    found = {chr(c) for c in range(128, sys.maxunicode + 1) if letter.fullmatch(chr(c))}
    assert found == set(annotator.ASCII_LOOKALIKES.pattern[1:-1])
    # ... and none but İ lower-cases to more than one character (lower_same_length keeps it).
    longer = {chr(c) for c in range(sys.maxunicode + 1) if len(chr(c).lower()) != 1}
    assert longer == {"\u0130"} and "\u0130" in found


def test_a_final_sigma_sees_a_tag_as_it_sees_the_separator():
    """str.lower() makes Σ final (ς) by what stands around it; the text path puts its
    separator where a tag or reference stood, whose first or last character is one of these."""
    for stand_in in ["<", ">", "&", ";", annotator.SEPARATOR]:
        assert ("ΑΣ" + stand_in + "Α").lower() == "ας" + stand_in + "α"
        assert ("Α" + stand_in + "ΣΑ").lower() == "α" + stand_in + "σα"


def test_the_text_path_takes_every_excluded_element_and_no_other():
    for name in annotator.EXCLUDED:
        assert annotator.EXCLUDED_TAG.match(f"\0<{name}>").group(1) == name
    for name in ["p", "span", "abbr", "header", "h7", "codex", "svgs", "b", "strong", "td"]:
        assert annotator.EXCLUDED_TAG.match(f"\0<{name}>") is None


FIRST_TOKEN = re.compile(
    r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<[!?][^>]*>"
    r"|</?[a-zA-Z][\w:.-]*(?:[^>\"']+|\"[^\"]*\"|'[^']*')*>"
    r"|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);",
    re.DOTALL,
)  # the first version's pattern, before its quantifiers were made possessive


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="<>\"'/ab1=!-?& #;x", max_size=16))
def test_the_possessive_tag_patterns_find_what_the_first_ones_found(html):
    spans = [m.span() for m in FIRST_TOKEN.finditer(html)]
    assert [m.span() for m in annotator.TOKEN.finditer(html)] == spans
    split = [m.span(1) for m in annotator.SPLIT_TOKENS.finditer(html)]
    assert split == spans


def test_an_unclosed_quote_after_a_long_run_in_a_tag_does_not_stall_either_path():
    """The first version backtracked exponentially here and never finished."""
    terms = TermMatcher([Term("ticket", "d", "ticket", 1)])
    for html in [
        "<p>A ticket.</p><p " + "x" * 60 + "'",
        "<!-- <b> --><p>A ticket.</p><p " + "x" * 60 + "'",
    ]:
        out = annotate(html, terms)
        assert out.count('data-glossary="ticket"') == 1 and out.endswith("x" * 60 + "'")
