"""Searching the agents' ticket index (tickets/search.py keeps it): what was typed, safely.

Letters and digits make words and everything else separates them, so nothing typed is an
operator of either engine; the words become an FTS5 query on SQLite or a tsquery on
PostgreSQL, and `hits` is what `tickets_query` joins for `q`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Float, Select, Subquery, false, func, literal, literal_column, select
from sqlalchemy import column as sql_column
from sqlalchemy import table as sql_table

from ticketapi.extensions import db
from ticketapi.tickets.models import Ticket
from ticketapi.tickets.search import INDEX_TABLE, on_sqlite

MAX_TERMS = 32  # words of a search used; a pasted paragraph needs no more to find its ticket
MAX_WORD = 100  # longer "words" are noise (base64, hashes) that nobody types
MIN_PREFIX = 3  # a shorter last word matches whole words only: "3" is not "3ABC-…"
REF_SCORE = 1e9  # an exact ref comes before every other hit
COLUMN_WEIGHTS = {"subject": 4.0, "requester": 2.0, "public_text": 1.0, "note_text": 0.5}
USER_COLUMNS = "{subject requester public_text}"
USER_WEIGHTS = "ABC"
WORD = re.compile(r"[^\W_]+")
CHUNK = re.compile(r'"([^"]*)"?|[^\s"]+')  # a "quoted phrase" (closed or not), or a bare run
REF = re.compile(r"[A-Z0-9]+(?:-[A-Z0-9]+)+")


@dataclass(frozen=True)
class Term:
    """Words that must appear together, in this order; the last may be a prefix."""

    words: tuple[str, ...]
    prefix: bool = False


def parse(q: str) -> list[Term]:
    """Terms of a search as typed: words, "quoted phrases"; the last word still being typed.

    Letters and digits make words; every other character separates them, so nothing typed
    is an operator of either engine (`AND`, `NEAR`, `-`, `:` and parentheses are plain words
    or nothing). Punctuation inside a run makes a phrase: `ann@example.com` is "ann example
    com". The word being typed (the last, with no space after it) and a word ending in `*`
    match as prefixes, from MIN_PREFIX letters.
    """
    terms: list[Term] = []
    for chunk in CHUNK.finditer(q):
        phrase = chunk.group(1) if chunk.group(1) is not None else chunk.group(0)
        words = tuple(w.lower() for w in WORD.findall(phrase) if len(w) <= MAX_WORD)
        typing = chunk.end() == len(q) and q[-1].isalnum()
        prefix = (typing or phrase.endswith("*")) and bool(words) and len(words[-1]) >= MIN_PREFIX
        if words and Term(words, prefix) not in terms:
            terms.append(Term(words, prefix))
        if len(terms) == MAX_TERMS:
            break
    return terms


def fts5_query(terms: list[Term], *, notes: bool) -> str:
    """The FTS5 query: each phrase quoted (words are letters and digits only), all required."""
    phrases = " ".join(f'"{" ".join(t.words)}"' + (" *" if t.prefix else "") for t in terms)
    return phrases if notes else f"{USER_COLUMNS} : ({phrases})"


def tsquery(terms: list[Term], *, notes: bool) -> str:
    """The to_tsquery text: quoted words, `<->` within a phrase, `&` between terms."""
    weights = "" if notes else USER_WEIGHTS

    def operand(word: str, prefix: bool) -> str:
        label = ("*" if prefix else "") + weights
        return f"'{word}'" + (f":{label}" if label else "")

    phrases = []
    for term in terms:
        last = len(term.words) - 1
        operands = [operand(w, term.prefix and i == last) for i, w in enumerate(term.words)]
        phrases.append("(" + " <-> ".join(operands) + ")")
    return " & ".join(phrases)


def ref_in(q: str) -> str | None:
    """The ticket reference a search is, if it looks like one (`K7QF-M2XP`, `[#K7QF-M2XP]`)."""
    candidate = q.strip().strip("[]#").upper()
    return candidate if len(candidate) <= 12 and REF.fullmatch(candidate) else None


def hits(q: str, *, notes: bool, ranked: bool) -> Subquery:
    """`(ticket_id, score)` of the tickets a search finds, the best score highest.

    `notes`: whether internal notes count (agents). An exact ref scores above everything.
    A search with no word in it finds nothing.
    """
    terms = parse(q)
    found = _engine_hits(terms, notes=notes, ranked=ranked) if terms else _nothing()
    ref = ref_in(q)
    ref_id = ref and db.session.scalar(select(Ticket.id).where(Ticket.ref == ref))
    if not ref_id:
        return found.subquery("hits")
    # Found by its ref even before the index has it; listed once either way.
    exact = select(literal(ref_id).label("ticket_id"), literal(REF_SCORE, Float).label("score"))
    others = found.subquery("words")
    return exact.union_all(
        select(others.c.ticket_id, others.c.score).where(others.c.ticket_id != ref_id)
    ).subquery("hits")


def _nothing() -> Select:
    return select(literal(0).label("ticket_id"), literal(0.0, Float).label("score")).where(false())


def _engine_hits(terms: list[Term], *, notes: bool, ranked: bool) -> Select:
    if on_sqlite():
        index = sql_table(INDEX_TABLE, sql_column("rowid"))
        name = literal_column(INDEX_TABLE)
        weights = COLUMN_WEIGHTS.values()
        score = -func.bm25(name, *weights, type_=Float) if ranked else literal(0.0, Float)
        return select(index.c.rowid.label("ticket_id"), score.label("score")).where(
            name.op("MATCH")(fts5_query(terms, notes=notes))
        )
    index = sql_table(INDEX_TABLE, sql_column("ticket_id"), sql_column("document"))
    query = func.to_tsquery(literal_column("'english'"), tsquery(terms, notes=notes))
    score = func.ts_rank(index.c.document, query, type_=Float) if ranked else literal(0.0, Float)
    return select(index.c.ticket_id, score.label("score")).where(index.c.document.op("@@")(query))
