"""The glossary page: every term of glossary.yml, A to Z, each under the anchor of its slug."""

from __future__ import annotations

import string
from itertools import groupby
from pathlib import Path

from pelican.generators import Generator

from helpdesk.publish import glossary
from helpdesk.publish import run as portal_run
from helpdesk.publish.problems import Report
from helpdesk.publish.terms import TermMatcher

OTHER = "#"


def initial(term: glossary.Term) -> str:
    letter = term.term[:1].upper()
    return letter if letter in string.ascii_uppercase else OTHER


def see_also(terms: list[glossary.Term]) -> dict[str, list[glossary.Term]]:
    """For each term, the other terms its definition mentions, in the order they appear."""
    matcher = TermMatcher(terms)
    related = {}
    for term in terms:
        mentioned = {
            m.term.slug: m.term for m in matcher.find(term.definition) if m.term is not term
        }
        related[term.slug] = list(mentioned.values())
    return related


def letter_groups(terms: list[glossary.Term]) -> list[tuple[str, list[glossary.Term]]]:
    ordered = sorted(terms, key=lambda t: (initial(t) != OTHER, t.term.casefold()))
    return [(letter, list(group)) for letter, group in groupby(ordered, key=initial)]


class GlossaryPageGenerator(Generator):
    """Load glossary.yml once per build and write the glossary page."""

    def generate_context(self):
        report = Report()
        path = Path(self.settings["GLOSSARY_FILE"])
        loaded = glossary.load(path, report, self.settings["SLUG_REGEX_SUBSTITUTIONS"])
        run = portal_run.current(self.settings)
        for problem in report.errors:  # its warnings are `helpdesk check`'s to show
            run.problem(problem.path, problem.line, problem.message)
        self.groups = letter_groups(loaded.terms)
        self.see_also = see_also(loaded.terms)
        self.context["glossary_terms"] = loaded.terms
        self.context["glossary_groups"] = self.groups

    def generate_output(self, writer):
        writer.write_file(
            self.settings["GLOSSARY_SAVE_AS"],
            self.get_template("glossary"),
            self.context,
            url=self.settings["GLOSSARY_URL"],
            letters=[g[0] for g in self.groups],
            alphabet=[*string.ascii_uppercase, OTHER],
            see_also=self.see_also,
        )
