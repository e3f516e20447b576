"""Answer a search: ranked results with highlighted snippets, "did you mean", counts per section.

A query is words and "quoted phrases", nothing else: no `field:` syntax, wildcards, ranges,
boosts or operators (`AND`, `OR`, `NOT` are ordinary, ignored words), so whatever a person
types is a valid query. Words are optional (OR); each word's BM25F scores in each field add
up, so a document matching more of the words, in weightier fields, ranks higher.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from html import escape

import numpy as np
from whoosh.qparser import MultifieldPlugin, OrGroup, PhrasePlugin, QueryParser
from whoosh.query import Query

from .ranking import Tables, top
from .reader import IndexReader
from .schema import FIELD_BOOSTS, SEARCH_FIELDS
from .snippets import PASSAGE_CHARS as SNIPPET_CHARS
from .snippets import snippet
from .spelling import correct

#: Longer queries are cut at a word boundary: nobody types more, and each word costs time.
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 24
MAX_LIMIT = 100
#: Where a snippet's passages come from, in this order.
SNIPPET_FIELDS = ("body", "summary")
NO_INDEX = "Search is not available yet: the portal's search index has not been built."


@dataclass(frozen=True)
class Result:
    title: str
    url: str
    section: str
    #: HTML: the text is escaped, the matched words are wrapped in <mark>.
    snippet: str
    score: float
    category: str = ""
    date: str = ""


@dataclass(frozen=True)
class SearchAnswer:
    """SPEC §7's search answer; `query` is what the results are for (see `search`)."""

    total: int
    results: list[Result] = field(default_factory=list)
    suggestion: str | None = None
    sections: dict[str, int] = field(default_factory=dict)
    query: str = ""
    #: Why the answer is empty when it is not for want of matches (no index yet), else None.
    message: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class IndexedDocument:
    """What the index knows of one page, found by its URL."""

    url: str
    title: str
    section: str
    usergroups: tuple[str, ...] = ()


def find_document(reader: IndexReader, url: str) -> IndexedDocument | None:
    """The page at `url` in the served generation, or None (none there, or no index yet)."""
    tables = reader.tables()
    if tables is None or not url:
        return None
    with tables.reading:
        stored = tables.searcher.document(url=url)
    if stored is None:
        return None
    groups = tuple(g for g in (stored.get("usergroups") or "").split(",") if g)
    return IndexedDocument(stored["url"], stored["title"], stored["section"], groups)


def clean_query(text: str | None) -> str:
    """The query as searched: whitespace collapsed, cut to a sensible length."""
    words = (text or "").split()[:MAX_QUERY_WORDS]
    cleaned = " ".join(words)
    if len(cleaned) > MAX_QUERY_CHARS:
        cleaned = cleaned[:MAX_QUERY_CHARS].rsplit(" ", 1)[0]
    return cleaned


def _parser(schema) -> QueryParser:
    return QueryParser(
        None,
        schema,
        plugins=[PhrasePlugin(), MultifieldPlugin(SEARCH_FIELDS, fieldboosts=FIELD_BOOSTS)],
        group=OrGroup,
    )


def search(
    reader: IndexReader,
    query: str | None,
    section: str | None = None,
    limit: int = 10,
    usergroups: frozenset[str] = frozenset(),
    is_agent: bool = False,
    page: int = 1,
) -> SearchAnswer:
    """Search the portal as someone in `usergroups` (or an agent) would see it.

    When what was typed finds nothing and a corrected spelling does, the results are for
    the correction: `query` and `suggestion` then both hold it. Otherwise `query` is what
    was typed, and `suggestion` a correction that would find more, if there is one.
    """
    text = clean_query(query)
    tables = reader.tables()
    if tables is None:
        return SearchAnswer(total=0, query=text, message=NO_INDEX)
    if not text:
        return SearchAnswer(total=0, query=text)
    limit = max(1, min(int(limit), MAX_LIMIT))
    page = max(1, int(page))
    allowed = tables.visible(usergroups, is_agent)
    parser = _parser(tables.searcher.schema)
    parsed = parser.parse(text)
    scores, matched = _matches(tables, parsed, allowed)
    counts = _section_counts(tables, matched)
    suggestion = None
    corrected = correct(tables, text)
    if corrected:
        corrected_parsed = parser.parse(corrected)
        corrected_scores, corrected_matched = _matches(tables, corrected_parsed, allowed)
        corrected_counts = _section_counts(tables, corrected_matched)
        if sum(corrected_counts.values()) > sum(counts.values()):
            suggestion = corrected
            if not counts:
                text, parsed, scores, matched, counts = (
                    corrected,
                    corrected_parsed,
                    corrected_scores,
                    corrected_matched,
                    corrected_counts,
                )
    if section:
        matched = matched & tables.section(section)
    best = top(scores, matched, page * limit)[(page - 1) * limit :]
    terms = frozenset(text for _field, text in parsed.iter_all_terms())
    # Only a field that has one of the words is read for a passage.
    holders = {name: tables.holders(name, terms) for name in SNIPPET_FIELDS}
    results = [
        _result(
            tables.stored(docnum),
            scores[docnum],
            terms,
            [name for name in SNIPPET_FIELDS if holders[name][docnum]],
        )
        for docnum in best
    ]
    total = counts.get(section, 0) if section else sum(counts.values())
    return SearchAnswer(
        total=total, results=results, suggestion=suggestion, sections=counts, query=text
    )


def _matches(tables: Tables, parsed: Query, allowed: np.ndarray | None):
    """Every document's score, and the documents matched that this user may see."""
    scores, matched = tables.score(parsed)
    return scores, matched if allowed is None else matched & allowed


def _section_counts(tables: Tables, matched: np.ndarray) -> dict[str, int]:
    if not matched.any():
        return {}
    counts = {
        name: int(np.count_nonzero(matched & tables.section(name))) for name in tables.sections()
    }
    return {name: count for name, count in sorted(counts.items()) if count}


def _result(stored: dict, score: float, terms: frozenset[str], fields: list[str]) -> Result:
    return Result(
        title=stored["title"],
        url=stored["url"],
        section=stored["section"],
        snippet=_snippet(stored, terms, fields),
        score=round(float(score), 4),
        category=stored.get("category", ""),
        date=stored.get("date", ""),
    )


def _snippet(stored: dict, terms: frozenset[str], fields: list[str]) -> str:
    """A passage of the body around the matched words; else the summary; else its start."""
    for fieldname in fields:
        passages = snippet(stored.get(fieldname) or "", terms)
        if passages:
            return passages
    text = stored.get("summary") or stored.get("body", "")
    if len(text) > SNIPPET_CHARS:
        text = text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
    return escape(text, quote=False)
