"""The search page's arguments and what its template shows: tabs, pages, "did you mean"."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from flask import url_for

from helpdesk.search.query import SearchAnswer
from ticketapi.search.services import MAX_PAGE, MAX_QUERY_CHARS, SECTIONS

PER_PAGE = 10
SECTION_LABELS = {"article": "Articles", "news": "News", "download": "Downloads", "page": "Pages"}
#: What each result's line under the title calls its section.
SECTION_NAMES = {"article": "Article", "news": "News", "download": "Download", "page": "Page"}


@dataclass(frozen=True)
class SearchArgs:
    """The page's query string, read leniently: a page of search never answers 422."""

    q: str
    section: str | None
    page: int

    @classmethod
    def read(cls, args: Mapping[str, str]) -> SearchArgs:
        q = args.get("q", "").replace("\x00", "")[:MAX_QUERY_CHARS]
        section = args.get("section")
        try:
            page = min(max(int(args.get("page", "1")), 1), MAX_PAGE)
        except ValueError:
            page = 1
        return cls(q=q, section=section if section in SECTIONS else None, page=page)


@dataclass(frozen=True)
class Tab:
    label: str
    count: int
    url: str
    current: bool


def search_url(q: str, section: str | None = None, page: int = 1) -> str:
    return url_for("portal.search", q=q, section=section or None, page=page if page > 1 else None)


def tabs(answer: SearchAnswer, section: str | None) -> list[Tab]:
    """ "All" and each section that has results (the current one even when it has none)."""
    found = [
        Tab(
            SECTION_LABELS[name],
            answer.sections.get(name, 0),
            search_url(answer.query, name),
            section == name,
        )
        for name in SECTIONS
        if answer.sections.get(name) or section == name
    ]
    everything = Tab("All", sum(answer.sections.values()), search_url(answer.query), not section)
    return [everything, *found]


@dataclass(frozen=True)
class Pages:
    number: int
    count: int
    previous_url: str | None
    next_url: str | None


def pages(answer: SearchAnswer, args: SearchArgs) -> Pages:
    count = min(max(math.ceil(answer.total / PER_PAGE), 1), MAX_PAGE)
    number = args.page

    def link(to: int) -> str | None:
        return search_url(answer.query, args.section, to) if 1 <= to <= count else None

    return Pages(number, count, link(number - 1), link(number + 1))


def display_date(value: str, date_format: str) -> str:
    """A result's ISO date as the portal prints dates; nothing if it is not a date."""
    try:
        return datetime.fromisoformat(value).strftime(date_format)
    except (TypeError, ValueError):
        return ""
