"""Hints for SQLite's query planner, rendered as plain SQL on other databases."""

from __future__ import annotations

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class checked_per_row(FunctionElement):
    """A column that a condition should test row by row, not look up in an index.

    SQLite answers an OR of indexed conditions by reading each index and sorting the union
    (MULTI-INDEX OR); for a condition most rows meet, such as who may see a ticket, reading
    the list's own order and testing each row is far cheaper (docs/performance.md). SQLite's
    documented way to say so is a unary `+`; other databases get the column as it is.
    """

    inherit_cache = True

    def __init__(self, column) -> None:
        super().__init__(column)
        self.type = column.type


@compiles(checked_per_row)
def _as_is(element, compiler, **kw) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(checked_per_row, "sqlite")
def _not_from_an_index(element, compiler, **kw) -> str:
    return "+" + compiler.process(element.clauses, **kw)
