"""The glossary plugin: every rule of SPEC §5 on small hand-written cases."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from helpdesk import ENGINE_ROOT
from helpdesk.publish.glossary import Term
from helpdesk.publish.terms import TermMatcher
from plugins.glossary.annotate import annotate, remove_annotations

TERMS = [
    Term("ticket", "A request for help.", "ticket", 1),
    Term(
        "ticket email account", "A mailbox that turns mail into tickets.", "ticket-email-account", 2
    ),
    Term("SLA", "A service level agreement.", "sla", 3, aliases=("service level agreement",)),
    Term("CC", "A user copied on a ticket.", "cc", 4),
    Term("address", "Where mail goes.", "address", 5),
    Term("tide", "The command-line tool.", "tide", 6, case_sensitive=True),
    Term("API", "The programming interface.", "api", 7, case_sensitive=False),
    Term("naïve", "Unsuspecting.", "naive", 8),
]
MATCHER = TermMatcher(TERMS)


def annotated(html: str, first_only: bool = True) -> list[tuple[str, str]]:
    """(slug, wrapped text) of each annotation in the output."""
    soup = BeautifulSoup(annotate(html, MATCHER, first_only=first_only), "html.parser")
    return [(a["data-glossary"], a.get_text()) for a in soup.select("a[data-glossary]")]


def test_an_annotation_wraps_exactly_the_text_and_links_to_the_entry():
    html = annotate("<p>Open a ticket.</p>", MATCHER)
    assert html == '<p>Open a <a data-glossary="ticket" href="/glossary/#ticket">ticket</a>.</p>'


def test_the_glossary_url_is_a_parameter():
    html = annotate("<p>ticket</p>", MATCHER, glossary_url="https://help.example.com/glossary/")
    assert 'href="https://help.example.com/glossary/#ticket"' in html


@pytest.mark.parametrize(
    "element",
    [
        "a href='/x'",
        "code",
        "pre",
        "kbd",
        "samp",
        "script",
        "style",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
    ],
)
def test_never_inside_excluded_elements(element):
    name = element.split()[0]
    assert annotated(f"<{element}>a ticket</{name}><p>SLA</p>") == [("sla", "SLA")]


def test_never_inside_nested_excluded_elements_or_attribute_values():
    html = '<pre><code><span>ticket</span></code></pre><p title="SLA ticket"><img alt="ticket" src="t.png"> ok</p>'
    assert annotated(html) == []


def test_never_inside_an_element_already_annotated():
    html = '<p><span data-glossary="other">ticket SLA</span> then SLA</p>'
    assert annotated(html) == [("sla", "SLA")]


@pytest.mark.parametrize(
    "text",
    ["SLAB", "ticketing", "subticket", "CCing", "naïveté", "_ticket", "ticket_id", "ticket2"],
)
def test_whole_words_only(text):
    assert annotated(f"<p>{text}</p>") == []


def test_word_boundaries_are_unicode_aware():
    assert annotated("<p>ünticket éSLA ticketé</p>") == []
    assert annotated("<p>(ticket), «SLA»</p>") == [("ticket", "ticket"), ("sla", "SLA")]


def test_longest_match_wins():
    assert annotated("<p>Set up a ticket email account.</p>") == [
        ("ticket-email-account", "ticket email account")
    ]


def test_plurals_and_aliases_match():
    html = "<p>Tickets, addresses, SLAs and a service level agreement.</p>"
    assert annotated(html, first_only=False) == [
        ("ticket", "Tickets"),
        ("address", "addresses"),
        ("sla", "SLAs"),
        ("sla", "service level agreement"),
    ]


def test_case_rules():
    # Ordinary terms ignore case; all-capital ones (SLA, CC) match by case.
    assert annotated("<p>TICKET</p>") == [("ticket", "TICKET")]
    assert annotated("<p>sla cc Sla</p>") == []
    assert annotated("<p>CC</p>") == [("cc", "CC")]
    # case_sensitive overrides both: `tide` only lower-case, `API` in any case.
    assert annotated("<p>Tide and tide</p>") == [("tide", "tide")]
    assert annotated("<p>the api</p>") == [("api", "api")]


def test_first_occurrence_only_by_default_and_every_one_when_asked():
    html = "<p>ticket</p><p>ticket</p>"
    assert annotated(html) == [("ticket", "ticket")]
    assert annotated(html, first_only=False) == [("ticket", "ticket"), ("ticket", "ticket")]


def test_a_term_skipped_in_a_heading_is_annotated_at_its_first_annotatable_place():
    assert annotated("<h2>Tickets</h2><p>a ticket</p>") == [("ticket", "ticket")]


def test_character_references_are_text_not_terms():
    terms = TermMatcher([Term("amp", "Amplifier.", "amp", 1)])
    html = "<p>R&amp;D &#97;mp amp</p>"
    out = annotate(html, terms)
    assert out.count("data-glossary") == 1 and out.endswith(">amp</a></p>")


@pytest.mark.parametrize(
    "html",
    [
        "<p>A ticket &amp; an SLA.</p><pre>ticket</pre><h2>SLA</h2>",
        "<!-- ticket --><p>tickets<br/>SLA<img src='x' alt='ticket'/></p>",
        "plain ticket text with no element",
        "<p>ünicode naïve ticket email account</p>",
    ],
)
def test_removing_annotations_gives_back_the_html_exactly(html):
    once = annotate(html, MATCHER, first_only=False)
    assert once != html
    assert remove_annotations(once) == html


def test_annotating_twice_is_annotating_once():
    html = "<p>ticket SLA</p><p>ticket SLA CC</p>"
    once = annotate(html, MATCHER)
    assert annotate(once, MATCHER) == once


def test_an_empty_glossary_changes_nothing():
    html = "<p>ticket</p>"
    assert annotate(html, TermMatcher([])) == html


# --- the plugin in a real build -------------------------------------------------------------

from helpdesk.publish.build import build  # noqa: E402


def page(root, path: str) -> BeautifulSoup:
    return BeautifulSoup((root / "output" / path).read_text(encoding="utf-8"), "html.parser")


def test_build_annotates_articles_news_and_pages(site, settings_for):
    site({"content/pages/about.md": "---\ntitle: About\n---\n\nAn invoice follows the SLA.\n"})
    assert build(settings_for(site.root)).ok
    refunds = page(site.root, "kb/billing/refunds/index.html")
    assert [a["data-glossary"] for a in refunds.select(".prose a[data-glossary]")] == ["sla"]
    about = page(site.root, "about/index.html")
    assert [a["href"] for a in about.select("a[data-glossary]")] == [
        "/glossary/#invoice",
        "/glossary/#sla",
    ]
    script = refunds.select_one('script[src="/theme/js/glossary.js"]')
    assert script["data-definitions"] == "/glossary/definitions.json"
    definitions = json.loads((site.root / "output" / "glossary" / "definitions.json").read_text())
    assert definitions["sla"] == {"term": "SLA", "definition": "Service level agreement."}
    assert set(definitions) == {"invoice", "sla"}


def test_glossary_false_in_front_matter_leaves_a_document_alone(site, settings_for):
    site({"content/pages/about.md": "---\ntitle: About\nglossary: false\n---\n\nAn invoice.\n"})
    assert build(settings_for(site.root)).ok
    assert page(site.root, "about/index.html").select("a[data-glossary]") == []


def test_glossary_first_only_false_annotates_every_occurrence(site, settings_for):
    site({"content/pages/about.md": "---\ntitle: About\n---\n\nSLA one.\n\nSLA two.\n"})
    assert build(settings_for(site.root, GLOSSARY_FIRST_ONLY=False)).ok
    assert len(page(site.root, "about/index.html").select("a[data-glossary]")) == 2


def test_a_bad_first_only_setting_fails_the_build_with_a_clear_message(site, settings_for):
    result = build(settings_for(site.root, GLOSSARY_FIRST_ONLY="yes"))
    assert [p.format() for p in result.report.errors] == [
        "pelican: GLOSSARY_FIRST_ONLY must be True or False, not 'yes': using True"
    ]


def test_glossary_page_links_terms_a_definition_mentions(site, settings_for):
    site(
        {
            "glossary.yml": (
                "- term: Invoice\n  definition: A bill sent under an SLA.\n"
                "- term: SLA\n  definition: What support promises per ticket.\n"
                "- term: Ticket\n  definition: A request; each has an invoice? No, an SLA.\n"
            )
        }
    )
    assert build(settings_for(site.root)).ok
    glossary = page(site.root, "glossary/index.html")
    see_also = {
        entry["id"]: [a["href"] for a in entry.select(".see-also a")]
        for entry in glossary.select(".glossary-entry")
    }
    assert see_also == {"invoice": ["#sla"], "sla": ["#ticket"], "ticket": ["#invoice", "#sla"]}
    assert glossary.select("a[data-glossary]") == []


def test_with_the_content_cache_only_changed_documents_are_annotated_again(
    site, settings_for, caplog
):
    config = dict(CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True, CACHE_PATH=str(site.root / "cache"))

    def annotated_counts() -> str:
        caplog.clear()
        with caplog.at_level("INFO", logger="glossary"):
            assert build(settings_for(site.root, **config)).ok
        message = next(
            r.getMessage() for r in caplog.records if r.getMessage().startswith("glossary:")
        )
        return message.rsplit(" (", 1)[0]  # without the time it took

    assert annotated_counts() == "glossary: annotated 5 documents, 0 unchanged from the cache"
    assert annotated_counts() == "glossary: annotated 0 documents, 5 unchanged from the cache"
    site({"content/pages/about.md": "---\ntitle: About\n---\n\nAbout our SLA.\n"})
    assert annotated_counts() == "glossary: annotated 1 documents, 4 unchanged from the cache"
    assert [
        a.get_text() for a in page(site.root, "about/index.html").select("a[data-glossary]")
    ] == ["SLA"]
    site({"glossary.yml": MINIMAL_GLOSSARY + "- term: day\n  definition: Twenty-four hours.\n"})
    assert annotated_counts() == "glossary: annotated 5 documents, 0 unchanged from the cache"
    refunds = page(site.root, "kb/billing/refunds/index.html")
    assert "day" in [a["data-glossary"] for a in refunds.select("a[data-glossary]")]


MINIMAL_GLOSSARY = (
    "- term: Invoice\n  definition: A bill for a subscription period.\n"
    "- term: SLA\n  definition: Service level agreement.\n  aliases: [service level agreement]\n"
)


def test_the_glossary_plugin_without_the_portal_plugin_says_what_to_do(site):
    # In a process of its own: Pelican's plugin signals stay connected for a process's life.
    pelican = Path(sys.executable).parent / "pelican"
    command = [str(pelican), "content", "-o", "output", "-s", str(ENGINE_ROOT / "pelicanconf.py"),
               "-e", 'PLUGINS=["glossary"]']  # fmt: skip
    result = subprocess.run(
        command,
        cwd=site.root,
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "1000"},
    )
    assert (
        "the glossary plugin needs the portal plugin: list 'portal' in PLUGINS too" in result.stdout
    )
