"""Bulk rows straight through the driver, for jobs that write hundreds of thousands of them.

SQLAlchemy's executemany converts every value through its type processors, which for
SQLite's text timestamps costs more than the database write itself. These helpers hand
the driver plain tuples instead; the only conversion needed is the one SQLAlchemy's
SQLite DateTime makes (an ISO string with microseconds), applied here the same way, so
rows written either way read back alike. Nothing here takes user input: table and column
names come from the models.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import Connection, Table


def _placeholder(connection: Connection) -> str:
    return "?" if connection.dialect.paramstyle == "qmark" else "%s"


def row_converter(connection: Connection) -> Callable[..., tuple]:
    """A function turning values into a row as the driver takes and returns it.

    The write helpers below take rows in this form.
    """
    if connection.dialect.name == "sqlite":
        return lambda *values: tuple(
            [v.isoformat(" ", "microseconds") if v.__class__ is datetime else v for v in values]
        )
    return lambda *values: values


def insert_many(connection: Connection, table: Table, columns: Sequence[str], rows) -> None:
    mark = _placeholder(connection)
    sql = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) "
        f"VALUES ({', '.join(mark for _ in columns)})"
    )
    connection.exec_driver_sql(sql, list(rows))


def update_many(
    connection: Connection, table: Table, columns: Sequence[str], keys: Sequence[str], rows
) -> None:
    """`rows` hold the new values of `columns`, then the values of `keys` naming the row."""
    mark = _placeholder(connection)
    sets = ", ".join(f"{column} = {mark}" for column in columns)
    where = " AND ".join(f"{key} = {mark}" for key in keys)
    connection.exec_driver_sql(f"UPDATE {table.name} SET {sets} WHERE {where}", list(rows))


def delete_many(connection: Connection, table: Table, keys: Sequence[str], rows) -> None:
    mark = _placeholder(connection)
    where = " AND ".join(f"{key} = {mark}" for key in keys)
    connection.exec_driver_sql(f"DELETE FROM {table.name} WHERE {where}", list(rows))


def select_raw(
    connection: Connection, table: Table, columns: Sequence[str], key: str, values: Sequence
) -> Sequence[Sequence]:
    """Rows whose `key` is one of `values`, as the driver returns them (no conversion)."""
    mark = _placeholder(connection)
    sql = (
        f"SELECT {', '.join(columns)} FROM {table.name} "
        f"WHERE {key} IN ({', '.join(mark for _ in values)})"
    )
    return connection.exec_driver_sql(sql, tuple(values)).fetchall()
