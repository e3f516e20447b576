"""Hints for the query planners: SQLite's (plain SQL elsewhere) and one of PostgreSQL's."""

from __future__ import annotations

from sqlalchemy import Boolean, Join, Select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import BinaryExpression
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


class left_first(Join):
    """An inner join whose left table SQLite reads first, then looks the right one up.

    SQLite picks the order of an inner join's tables itself and, lacking statistics, starts
    from the table with an index on the query's conditions, whatever the ORDER BY: a page of
    a list in the order of the left table's index then reads and sorts the whole list. Its
    documented way to keep the order as written is CROSS JOIN; other databases get a plain
    JOIN and plan it as they see fit. The left side is one table.
    """

    inherit_cache = True


@compiles(left_first)
def _join(element, compiler, **kw) -> str:
    return compiler.visit_join(element, **kw)


@compiles(left_first, "sqlite")
def _cross_join(element, compiler, **kw) -> str:
    # The left side is one table, so the first JOIN is this one.
    return compiler.visit_join(element, **kw).replace(" JOIN ", " CROSS JOIN ", 1)


class among(BinaryExpression):
    """`column IN (ids)` for a short list of ids a subquery reads: each listed row looked up.

    SQLite reads the list once and looks each row up by it (LIST SUBQUERY). PostgreSQL plans
    `IN (subquery)` as a join and, when the rest of the WHERE is an OR it cannot estimate
    (the visibility rule), hashes every ticket the other conditions select; given the ids
    as an array, `= ANY(ARRAY(subquery))`, it looks each one up in the primary key instead
    (docs/performance.md, "Agent pages").
    """

    inherit_cache = True

    def __init__(self, column, ids: Select) -> None:
        # A comparison, as `column.in_(ids)` is: SQLite would add "= 1" to a function.
        super().__init__(column, ids.scalar_subquery(), operators.in_op, type_=Boolean())


@compiles(among)
def _in(element, compiler, **kw) -> str:
    return compiler.visit_binary(element, **kw)


@compiles(among, "postgresql")
def _any_array(element, compiler, **kw) -> str:
    column = compiler.process(element.left, **kw)
    return f"{column} = ANY(ARRAY{compiler.process(element.right, **kw)})"
