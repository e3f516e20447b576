"""glossary.yml: the terms the portal defines, read and validated with line numbers."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pelican.utils import slugify

from helpdesk.publish.problems import ContentError, Report
from helpdesk.publish.yamlfile import Field, compose, line_of, mapping_fields

ENTRY_KEYS = ("term", "definition", "aliases", "case_sensitive")


@dataclass(frozen=True)
class Term:
    """One glossary entry; `slug` is its anchor on the glossary page."""

    term: str
    definition: str
    slug: str
    line: int
    aliases: tuple[str, ...] = ()
    case_sensitive: bool | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.term, *self.aliases)


@dataclass
class Glossary:
    path: Path
    terms: list[Term] = field(default_factory=list)

    def by_slug(self) -> dict[str, Term]:
        return {term.slug: term for term in self.terms}


def _text(fld: Field | None) -> str | None:
    if fld is None or not isinstance(fld.value, str):
        return None
    return fld.value.strip() or None


def _entry(path: Path, fields: dict[str, Field], line: int, report: Report, subs) -> Term | None:
    for key, fld in fields.items():
        if key not in ENTRY_KEYS:
            report.warning(path, fld.line, f"unknown key '{key}' (known: {', '.join(ENTRY_KEYS)})")
    term = _text(fields.get("term"))
    if term is None:
        where = fields["term"].line if "term" in fields else line
        report.error(path, where, "entry has no 'term:' (a non-empty text)")
        return None
    definition = _text(fields.get("definition"))
    if definition is None:
        where = fields["definition"].line if "definition" in fields else line
        report.error(path, where, f"'{term}' has an empty definition: write one or two sentences")
        return None
    aliases: tuple[str, ...] = ()
    if "aliases" in fields:
        value = fields["aliases"].value
        if not isinstance(value, list) or not all(isinstance(a, str) and a.strip() for a in value):
            report.error(path, fields["aliases"].line, f"'{term}' aliases must be a list of texts")
            return None
        aliases = tuple(a.strip() for a in value)
    case_sensitive = fields["case_sensitive"].value if "case_sensitive" in fields else None
    if case_sensitive is not None and not isinstance(case_sensitive, bool):
        report.error(path, fields["case_sensitive"].line, "'case_sensitive' must be true or false")
        return None
    slug = slugify(term, regex_subs=subs)
    if not slug:
        report.error(path, fields["term"].line, f"'{term}' gives no usable anchor: use letters")
        return None
    return Term(term, definition, slug, fields["term"].line, aliases, case_sensitive)


def _check_unique(glossary: Glossary, report: Report) -> None:
    seen: dict[str, Term] = {}
    anchors: dict[str, Term] = {}
    kept = []
    for term in glossary.terms:
        clash = False
        for name in term.names:
            earlier = seen.get(name.casefold())
            if earlier is not None:
                kind = "term" if name == term.term else "alias"
                report.error(
                    glossary.path,
                    term.line,
                    f"duplicate {kind} '{name}': '{earlier.term}' on line {earlier.line} "
                    "already defines it",
                )
                clash = True
        if term.slug in anchors and not clash:
            earlier = anchors[term.slug]
            report.error(
                glossary.path,
                term.line,
                f"'{term.term}' would share the anchor #{term.slug} with '{earlier.term}' "
                f"on line {earlier.line}: rename one",
            )
            clash = True
        if clash:
            continue
        for name in term.names:
            seen[name.casefold()] = term
        anchors[term.slug] = term
        kept.append(term)
    glossary.terms = kept


def load(path: Path, report: Report, slug_substitutions=()) -> Glossary:
    """Read glossary.yml; every problem is reported at its line, bad entries are left out."""
    glossary = Glossary(path)
    if not path.is_file():
        report.error(path, None, "glossary file not found: create it, or pass --glossary FILE")
        return glossary
    try:
        node, loader = compose(path.read_text(encoding="utf-8"))
    except ContentError as exc:
        report.error(path, exc.line, exc.message)
        return glossary
    except UnicodeDecodeError as exc:
        report.error(path, None, f"not UTF-8 text ({exc.reason}): save it as UTF-8")
        return glossary
    try:
        if node is None:
            return glossary
        if not isinstance(node, yaml.SequenceNode):
            report.error(
                path, line_of(node, 1), "the glossary must be a list of '- term: ...' entries"
            )
            return glossary
        for item in node.value:
            try:
                fields = mapping_fields(loader, item, 1, "a glossary entry")
            except ContentError as exc:
                report.error(path, exc.line, exc.message)
                continue
            term = _entry(path, fields, line_of(item, 1), report, slug_substitutions)
            if term is not None:
                glossary.terms.append(term)
    finally:
        loader.dispose()
    _check_unique(glossary, report)
    return glossary
