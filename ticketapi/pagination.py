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


def paginate(query: Select, page: int, per_page: int, count_at_most: int | None = None) -> Page:
    """Run one page of `query` (already ordered) and count its rows (up to `count_at_most`:
    then `total` is the cap and `more` says there are more, the count reading cap + 1 rows
    instead of every row)."""
    counted = query.order_by(None)
    if count_at_most is not None:
        counted = counted.limit(count_at_most + 1)
    total = db.session.scalar(select(func.count()).select_from(counted.subquery())) or 0
    items = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    if count_at_most is not None and total > count_at_most:
        return Page(items=items, page=page, per_page=per_page, total=count_at_most, more=True)
    return Page(items=items, page=page, per_page=per_page, total=total)


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
