"""Answer a search: ranked results with highlighted snippets, "did you mean", counts per section.

A query is words and "quoted phrases", nothing else: no `field:` syntax, wildcards, ranges,
boosts or operators (`AND`, `OR`, `NOT` are ordinary, ignored words), so whatever a person
types is a valid query. Words are optional (OR); each word's BM25F scores in each field add
up, so a document matching more of the words, in weightier fields, ranks higher.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from html import escape

from whoosh import highlight
from whoosh.qparser import MultifieldPlugin, OrGroup, PhrasePlugin, QueryParser
from whoosh.query import And, Or, Query, Term
from whoosh.searching import Results, Searcher

from .reader import IndexReader
from .schema import FIELD_BOOSTS, SEARCH_FIELDS, english_analyzer

#: Longer queries are cut at a word boundary: nobody types more, and each word costs time.
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 24
MAX_LIMIT = 100
SNIPPET_CHARS = 220
_WORD = re.compile(r"[^\W\d_]+")
_analyzer = english_analyzer()


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
    searcher = reader.searcher()
    if searcher is None or not url:
        return None
    stored = searcher.document(url=url)
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


def visibility(usergroups: frozenset[str] | set[str], is_agent: bool) -> Query | None:
    """Public documents, plus those restricted to one of these usergroups; agents see all."""
    if is_agent:
        return None
    allowed: list[Query] = [Term("restricted", False)]
    allowed += [Term("usergroups", group.strip().lower()) for group in sorted(usergroups)]
    return Or(allowed)


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
    searcher = reader.searcher()
    if not text or searcher is None:
        return SearchAnswer(total=0, query=text)
    limit = max(1, min(int(limit), MAX_LIMIT))
    page = max(1, int(page))
    allowed = visibility(usergroups, is_agent)
    parser = _parser(searcher.schema)
    parsed = parser.parse(text)
    hits = _search(searcher, parsed, allowed, page * limit)
    counts = _section_counts(hits)
    corrected = _correct(searcher, text)
    suggestion = None
    if corrected:
        corrected_parsed = parser.parse(corrected)
        corrected_hits = _search(searcher, corrected_parsed, allowed, page * limit)
        corrected_counts = _section_counts(corrected_hits)
        if sum(corrected_counts.values()) > sum(counts.values()):
            suggestion = corrected
            if not counts:
                text, parsed, hits, counts = (
                    corrected,
                    corrected_parsed,
                    corrected_hits,
                    corrected_counts,
                )
    if section:
        only = And([allowed, Term("section", section)]) if allowed else Term("section", section)
        hits = searcher.search(parsed, limit=page * limit, filter=only, terms=True)
    hits.fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=60)
    hits.formatter = highlight.HtmlFormatter(tagname="mark", between=" … ")
    results = [
        Result(
            title=hit["title"],
            url=hit["url"],
            section=hit["section"],
            snippet=_snippet(hit),
            score=round(hit.score, 4),
            category=hit.get("category", ""),
            date=hit.get("date", ""),
        )
        for hit in hits[(page - 1) * limit : page * limit]
    ]
    total = counts.get(section, 0) if section else sum(counts.values())
    return SearchAnswer(
        total=total, results=results, suggestion=suggestion, sections=counts, query=text
    )


def _search(searcher: Searcher, parsed: Query, allowed: Query | None, limit: int) -> Results:
    """The top `limit` results this user may see, grouped by section for the counts."""
    return searcher.search(parsed, filter=allowed, groupedby="section", limit=limit, terms=True)


def _section_counts(hits: Results) -> dict[str, int]:
    return {name: len(docs) for name, docs in sorted(hits.groups("section").items())}


def _snippet(hit) -> str:
    """A passage of the body around the matched words; else the summary; else its start."""
    for fieldname in ("body", "summary"):
        fragment = hit.highlights(fieldname, top=2)
        if fragment:
            return fragment
    text = hit.get("summary") or hit.get("body", "")
    if len(text) > SNIPPET_CHARS:
        text = text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
    return escape(text, quote=False)


def _known(searcher: Searcher, word: str) -> bool:
    """Whether any document has this word, as written or by its stem (stop words count)."""
    if searcher.doc_frequency("spell", word):
        return True
    stems = [token.text for token in _analyzer(word)]
    if not stems:
        return True
    return any(searcher.doc_frequency(f, stems[0]) for f in SEARCH_FIELDS)


def _correct(searcher: Searcher, text: str) -> str | None:
    """The query with each word no document has replaced by the closest one that some do."""
    corrector = searcher.corrector("spell")
    replacements: dict[str, str] = {}
    for word in {w.lower() for w in _WORD.findall(text)}:
        if len(word) < 3 or _known(searcher, word):
            continue
        for distance in (1, 2) if len(word) > 4 else (1,):
            found = corrector.suggest(word, limit=1, maxdist=distance, prefix=1)
            if found:
                replacements[word] = found[0]
                break
    if not replacements:
        return None
    return _WORD.sub(lambda m: replacements.get(m.group(0).lower(), m.group(0)), text)
