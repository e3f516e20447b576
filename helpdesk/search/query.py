"""Answer a search: ranked results with highlighted snippets, "did you mean", counts per section.

A query is words and "quoted phrases", nothing else: no `field:` syntax, wildcards, ranges,
boosts or operators (`AND`, `OR`, `NOT` are ordinary, ignored words), so whatever a person
types is a valid query. Words are optional (OR); each word's BM25F scores in each field add
up, so a document matching more of the words, in weightier fields, ranks higher. The word
being typed also matches the words it begins (prefixes.py), a little below the word itself.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
from whoosh import query as wq
from whoosh.qparser import MultifieldPlugin, OrGroup, PhrasePlugin, QueryParser
from whoosh.query import Query

from .prefixes import MAX_EXPANSIONS, PREFIX_WEIGHT, typed_prefixes, without
from .ranking import Tables, top
from .reader import IndexReader
from .schema import FIELD_BOOSTS, SEARCH_FIELDS
from .snippets import opening, snippet
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


def is_typing(text: str | None, cleaned: str) -> bool:
    """Whether the query's last word is still being typed: nothing follows it, not even a
    space, and the query was not cut short."""
    return bool(text) and not text[-1].isspace() and " ".join(text.split()) == cleaned


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
    was typed, and `suggestion` a correction that would find more, if there is one. The
    last word is a prefix unless a space follows it (prefixes.py).
    """
    text = clean_query(query)
    typing = is_typing(query, text)
    tables = reader.tables()
    if tables is None:
        return SearchAnswer(total=0, query=text, message=NO_INDEX)
    if not text:
        return SearchAnswer(total=0, query=text)
    limit = max(1, min(int(limit), MAX_LIMIT))
    page = max(1, int(page))
    allowed = tables.visible(usergroups, is_agent)
    parser = _parser(tables.searcher.schema)
    parsed, words = _query(parser, tables, text, typing)
    scores, matched = _matches(tables, parsed, allowed)
    counts = _section_counts(tables, matched)
    suggestion = None
    prefixes = frozenset(prefix.word for prefix in typed_prefixes(text, typing))
    corrected = correct(tables, text, prefixes)
    if corrected:
        corrected_parsed, corrected_words = _query(parser, tables, corrected, typing)
        corrected_scores, corrected_matched = _matches(tables, corrected_parsed, allowed)
        corrected_counts = _section_counts(tables, corrected_matched)
        if sum(corrected_counts.values()) > sum(counts.values()):
            suggestion = corrected
            if not counts:
                text, words, scores, matched, counts = (
                    corrected,
                    corrected_words,
                    corrected_scores,
                    corrected_matched,
                    corrected_counts,
                )
    if section:
        matched = matched & tables.section(section)
    best = top(scores, matched, page * limit)[(page - 1) * limit :]
    # Which words each field of each document has: only those fields are read for a
    # passage, and only until those words are shown.
    holders = {name: [tables.holders(name, word) for word in words] for name in SNIPPET_FIELDS}
    results = [
        _result(
            tables.stored(docnum),
            scores[docnum],
            words,
            {
                name: [number for number, held in enumerate(holders[name]) if held[docnum]]
                for name in SNIPPET_FIELDS
            },
        )
        for docnum in best
    ]
    total = counts.get(section, 0) if section else sum(counts.values())
    return SearchAnswer(
        total=total, results=results, suggestion=suggestion, sections=counts, query=text
    )


def _query(
    parser: QueryParser, tables: Tables, text: str, typing: bool
) -> tuple[Query, list[frozenset[str]]]:
    """The query to score, and its words: each word's terms (a prefix: all it stands for).

    A prefix scores as the best of the word itself and each of its completions, these at
    PREFIX_WEIGHT: a document is not favoured for holding many words that begin alike, and
    the word as typed ranks above a word that only begins with it.
    """
    prefixes = typed_prefixes(text, typing)
    whole = parser.parse(without(text, prefixes) if prefixes else text)
    parts, words = [whole], []
    vocabulary = tables.vocabulary() if prefixes else None
    for prefix in prefixes:
        exact = parser.parse(prefix.word)
        exact_terms = _terms(exact)
        expansions = [
            term
            for term in vocabulary.expansions(prefix.word, MAX_EXPANSIONS + len(exact_terms))
            if term not in exact_terms
        ][:MAX_EXPANSIONS]
        choices = [exact, *(_completion(term) for term in expansions)]
        parts.append(wq.DisjunctionMax([q for q in choices if q is not wq.NullQuery]))
        words.append(frozenset(exact_terms | set(expansions)))
    grouped = frozenset().union(*words)
    words += [frozenset({term}) for term in sorted(_terms(whole) - grouped)]
    parts = [part for part in parts if part is not wq.NullQuery and _terms(part)]
    query = parts[0] if len(parts) == 1 else wq.Or(parts) if parts else wq.NullQuery
    return query, [word for word in words if word]


def _terms(query: Query) -> frozenset[str]:
    return frozenset(text for _field, text in query.iter_all_terms())


def _completion(term: str) -> Query:
    """A term that begins with the word being typed, in every field, at PREFIX_WEIGHT."""
    return wq.Or(
        [wq.Term(name, term, boost=FIELD_BOOSTS[name] * PREFIX_WEIGHT) for name in SEARCH_FIELDS]
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


def _result(
    stored: dict, score: float, words: list[frozenset[str]], held: dict[str, list[int]]
) -> Result:
    return Result(
        title=stored["title"],
        url=stored["url"],
        section=stored["section"],
        snippet=_snippet(stored, words, held),
        score=round(float(score), 4),
        category=stored.get("category", ""),
        date=stored.get("date", ""),
    )


def _snippet(stored: dict, words: list[frozenset[str]], held: dict[str, list[int]]) -> str:
    """Passages of the body around the matched words; else the summary's; else its start."""
    terms = frozenset().union(*words)
    for fieldname, expected in held.items():
        if expected:
            passages = snippet(stored.get(fieldname) or "", terms, words, expected)
            if passages:
                return passages
    return opening(stored.get("summary") or stored.get("body", ""))
