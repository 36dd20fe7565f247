"""``video-insights sql``: an analyst's read-only SQL over the published warehouse.

Two guards: the statement check below (so a write gets a clear message, not a DuckDB error),
and the connection itself, which is read-only (so nothing the check misses can write either).
"""

from __future__ import annotations

from typing import Any

from video_insights.config import WarehousePaths
from video_insights.errors import VideoInsightsError

# DuckDB statement types that only read (SHOW and DESCRIBE parse as SELECT).
READ_STATEMENTS = frozenset({"SELECT", "EXPLAIN"})


class SqlError(VideoInsightsError):
    """A query the sql command refuses or DuckDB cannot run; the message says why."""


def check_read_only(con: Any, query: str) -> None:
    """Refuse anything but read statements, naming the first that is not one."""
    import duckdb

    try:
        statements = con.extract_statements(query)
    except duckdb.Error as error:
        raise SqlError(f"the query does not parse: {error}") from None
    if not statements:
        raise SqlError("the query is empty")
    for number, statement in enumerate(statements, start=1):
        kind = statement.type.name
        if kind not in READ_STATEMENTS:
            raise SqlError(
                f"statement {number} is {kind}: `video-insights sql` only reads "
                "(select, with, show, describe, explain); the published warehouse is read-only"
            )


def run_sql(query: str, warehouse: WarehousePaths) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Columns and rows of a read-only query (the last statement's, when there are several)."""
    import duckdb

    from video_insights.api.reader import open_published

    if not warehouse.published_db.exists():
        raise SqlError(
            f"no published warehouse at {warehouse.published_db}: run the nightly build first"
        )
    con = open_published(str(warehouse.published_db))
    try:
        check_read_only(con, query)
        try:
            cursor = con.execute(query)
        except duckdb.Error as error:
            raise SqlError(str(error).splitlines()[0] if str(error) else repr(error)) from None
        if cursor.description is None:
            return [], []
        columns = [description[0] for description in cursor.description]
        return columns, cursor.fetchall()
    finally:
        con.close()
