"""Search services: search the portal as an actor sees it, and count deflections.

Every function takes the acting `Actor` (and `now` where it writes); the index is the one
configured as SEARCH_INDEX, opened read-only once per app (`app.extensions["search"]`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from helpdesk.search.query import SearchAnswer, find_document, search
from helpdesk.search.reader import IndexReader, open_reader
from ticketapi import permissions as rules
from ticketapi.errors import Forbidden, Invalid
from ticketapi.extensions import db
from ticketapi.permissions import Actor
from ticketapi.search.models import Deflection

SECTIONS = ("article", "news", "download", "page")
MAX_LIMIT = 50
#: A page ranks page × limit hits; a hundred pages is more than anyone reads.
MAX_PAGE = 100
#: Longer text is refused (422): the library searches the first 200 characters anyway.
MAX_QUERY_CHARS = 1000
#: A deflection keeps the start of the query that led to the article.
DEFLECTION_QUERY_CHARS = 200
#: The queries shown beside each page in the report.
TOP_QUERIES = 5


def index_reader() -> IndexReader:
    """This app's reader of the configured index folder, opened on first use."""
    folder = str(current_app.config["SEARCH_INDEX"])
    reader = current_app.extensions.get("search")
    if reader is None or str(reader.store.root) != folder:
        reader = current_app.extensions["search"] = open_reader(folder)
    return reader


def search_articles(
    actor: Actor,
    q: str | None,
    *,
    section: str | None = None,
    limit: int = 10,
    page: int = 1,
) -> SearchAnswer:
    """Ranked results the actor may read, with snippets, a suggestion and counts per section.

    Before the first build there is no index: the answer is empty, with `message` saying so.
    """
    if not rules.can_search(actor):
        raise Forbidden("You may not search.")
    _check_query(q, section, limit, page)
    return search(
        index_reader(),
        q,
        section=section,
        limit=limit,
        page=page,
        usergroups=actor.usergroups if actor.is_user else frozenset(),
        is_agent=actor.is_agent,
    )


def record_deflection(actor: Actor, *, url: str, query: str, now: datetime) -> None:
    """Count "this answered my question" for an article the actor can read in the index."""
    if not rules.can_record_deflection(actor):
        raise Forbidden("You may not record this.")
    document = find_document(index_reader(), url) if url and "\x00" not in url else None
    # Restricted articles the actor may not read are "unknown" too: nothing is revealed.
    if document is None or not rules.can_read_document(actor, document.usergroups):
        raise Invalid(
            "That is not the address of a page in the portal's search index.",
            fields={"url": "unknown page"},
        )
    text = " ".join((query or "").replace("\x00", "").split())[:DEFLECTION_QUERY_CHARS]
    db.session.add(Deflection(url=document.url, query=text, created_at=now))
    db.session.flush()


def deflection_report(actor: Actor, *, days: int, now: datetime) -> list[dict]:
    """Deflections per page over the last `days`: most first, with the queries that led there."""
    if actor.is_anonymous:
        raise Forbidden("Sign in as an agent to see reports.")
    if not rules.can_view_deflections(actor):
        raise Forbidden("Reports need the reports.view permission.")
    since = now - timedelta(days=days)
    per_page = db.session.execute(
        select(
            Deflection.url,
            func.count().label("count"),
            func.max(Deflection.created_at).label("last_at"),
        )
        .where(Deflection.created_at >= since)
        .group_by(Deflection.url)
        .order_by(func.count().desc(), Deflection.url)
    ).all()
    queries: dict[str, list[dict]] = {}
    for url, text, count in db.session.execute(
        select(Deflection.url, Deflection.query, func.count())
        .where(Deflection.created_at >= since, Deflection.query != "")
        .group_by(Deflection.url, Deflection.query)
        .order_by(func.count().desc(), Deflection.query)
    ):
        listed = queries.setdefault(url, [])
        if len(listed) < TOP_QUERIES:
            listed.append({"query": text, "count": count})
    reader = index_reader()
    report = []
    for url, count, last_at in per_page:
        document = find_document(reader, url)
        report.append(
            {
                "url": url,
                "title": document.title if document else None,
                "count": count,
                "last_at": last_at,
                "queries": queries.get(url, []),
            }
        )
    return report


def absolute_link(url: str, root: str) -> str:
    """The page's address to paste into a reply: the site's public root, then its path."""
    return root.rstrip("/") + url


def _check_query(q: str | None, section: str | None, limit: int, page: int) -> None:
    problems = {}
    if q is not None and "\x00" in q:
        problems["q"] = "Must not contain NUL characters."
    elif q is not None and len(q) > MAX_QUERY_CHARS:
        problems["q"] = f"At most {MAX_QUERY_CHARS} characters."
    if section is not None and section not in SECTIONS:
        problems["section"] = f"Must be one of: {', '.join(SECTIONS)}."
    if not 1 <= limit <= MAX_LIMIT:
        problems["limit"] = f"Must be between 1 and {MAX_LIMIT}."
    if not 1 <= page <= MAX_PAGE:
        problems["page"] = f"Must be between 1 and {MAX_PAGE}."
    if problems:
        raise Invalid("Some fields are not valid: " + ", ".join(sorted(problems)), fields=problems)
