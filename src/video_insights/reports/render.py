"""Print a report result as a table, JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from video_insights.reports.engine import ReportResult

DECIMALS = 6  # floats are rounded once, here, for every output format


def clean(value: Any) -> Any:
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float):
        rounded = round(value, DECIMALS)
        return 0.0 if rounded == 0 else rounded
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def to_json(result: ReportResult) -> str:
    payload = result.as_dict()
    payload["rows"] = [[clean(value) for value in row] for row in result.rows]
    payload["totals"] = {key: clean(value) for key, value in result.totals.items()}
    return json.dumps(payload, ensure_ascii=False)


def to_csv(result: ReportResult) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(result.columns)
    for row in result.rows:
        writer.writerow([clean(value) for value in row])
    return out.getvalue()


def _fmt(value: Any) -> str:
    value = clean(value)
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return "" if value is None else str(value)


def to_table(result: ReportResult, *, title: str | None = None) -> Any:
    """A rich Table: the rows, then a bold total row computed over the whole range and filter.

    A one-row result (HIGHLIGHTS) is shown as metric | value, which reads better than a wide row.
    """
    from rich.table import Table

    table = Table(title=title or result.report_type)
    if len(result.rows) == 1 and not any(isinstance(v, str) for v in result.rows[0]):
        table.add_column("metric")
        table.add_column("value", justify="right")
        for column, value in zip(result.columns, result.rows[0], strict=True):
            table.add_row(column, _fmt(value))
        return table
    for index, column in enumerate(result.columns):
        sample = clean(result.rows[0][index]) if result.rows else None
        numeric = isinstance(sample, int | float)
        table.add_column(column, justify="right" if numeric else "left", overflow="fold")
    for row in result.rows:
        table.add_row(*[_fmt(value) for value in row])
    if result.totals and len(result.rows) > 1:
        total_row = [
            _fmt(result.totals[column]) if column in result.totals else ""
            for column in result.columns
        ]
        total_row[0] = total_row[0] or "Total"
        table.add_section()
        table.add_row(*total_row, style="bold")
    return table
