"""Page through a select: `?page=&per_page=` on every list route."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from apiflask.fields import Integer, List, Nested
from apiflask.validators import Range
from sqlalchemy import Select, func, select

from ticketapi.extensions import db
from ticketapi.schemas import Schema

MAX_PER_PAGE = 100


class PageArgs(Schema):
    page = Integer(load_default=1, validate=Range(min=1, max=1_000_000))
    per_page = Integer(load_default=25, validate=Range(min=1, max=MAX_PER_PAGE))


@dataclass
class Page:
    items: list[Any]
    page: int
    per_page: int
    total: int
    more: bool = False  # counted up to a cap: there are more than `total`

    @classmethod
    def counted(cls, items: list[Any], page: int, per_page: int, total: int, at_most: int | None):
        """The page, with a total counted up to `at_most` + 1 rows (count_rows)."""
        if at_most is not None and total > at_most:
            return cls(items=items, page=page, per_page=per_page, total=at_most, more=True)
        return cls(items=items, page=page, per_page=per_page, total=total)


def paginate(query: Select, page: int, per_page: int, count_at_most: int | None = None) -> Page:
    """Run one page of `query` (already ordered) and count its rows (up to `count_at_most`:
    then `total` is the cap and `more` says there are more, the count reading cap + 1 rows
    instead of every row)."""
    total = count_rows(query, count_at_most)
    items = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return Page.counted(items, page, per_page, total, count_at_most)


def count_rows(query: Select, at_most: int | None = None) -> int:
    """How many rows the select has, or at_most + 1 when it has more (reading no more)."""
    counted = query.order_by(None)
    if at_most is not None:
        counted = counted.limit(at_most + 1)
    return db.session.scalar(select(func.count()).select_from(counted.subquery())) or 0


# A part of a list with more rows than this is read along its index (`Part.walked`).
LONG_PART = 500


@dataclass(frozen=True)
class Part:
    """One of the disjoint selects a list is read from, one after another, in its order:
    `sorted` for the database to plan, `walked` the same rows read along an index."""

    sorted: Select
    walked: Select | None = None


def rows_in_parts(parts: list[Part], offset: int, limit: int, long_from: int = LONG_PART) -> list:
    """A page of the rows of `parts`, one part after the other.

    Each part the page may reach is counted, up to the page's end or past `long_from`: one
    that ends before the page starts is skipped, a long one is read along its index (the
    cost of a page, not of the part), a short one as the database plans it.
    """
    found: list = []
    for part in parts:
        size = count_rows(part.sorted, max(long_from, offset + limit))
        if size <= offset:
            offset -= size
            continue
        long = part.walked is not None and size > long_from
        query = part.walked if long else part.sorted
        found += db.session.scalars(query.limit(limit - len(found)).offset(offset))
        offset = 0
        if len(found) == limit:
            break
    return found


_page_schemas: dict[type, type[Schema]] = {}


def page_of(item_schema: type[Schema]) -> type[Schema]:
    """The `{items, page, per_page, total}` envelope around one resource's schema."""
    if item_schema not in _page_schemas:
        stem = item_schema.__name__.removesuffix("Out")
        # A subclass of its own: apispec and APIFlask would both register the item schema
        # under one name, and apispec warns when that happens.
        listed = type(stem + "Listed", (item_schema,), {})
        _page_schemas[item_schema] = type(
            stem + "Page",
            (Schema,),
            {
                "items": List(Nested(listed), required=True),
                "page": Integer(required=True),
                "per_page": Integer(required=True),
                "total": Integer(required=True),
            },
        )
    return _page_schemas[item_schema]
