"""Shared set-up of the incremental tests: nights run through the pipeline's own steps.

A night here is land -> build -> publish (``pipeline.land_step``, ``build_step``,
``publish_step``), the steps the DAG runs; the Great Expectations step is left out where a test
is about the build's partitions, to keep each night to one dbt invocation.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest

# One landing key for every warehouse of these tests: beacon_id (and so play_id) is keyed per
# warehouse, and the incremental and full warehouses are compared row for row.
LANDING_KEY = "5a" * 32


@pytest.fixture(scope="module", autouse=True)
def _same_landing_key() -> Iterator[None]:
    before = os.environ.get("VIDEO_INSIGHTS_LANDING_KEY")
    os.environ["VIDEO_INSIGHTS_LANDING_KEY"] = LANDING_KEY
    yield
    if before is None:
        del os.environ["VIDEO_INSIGHTS_LANDING_KEY"]
    else:
        os.environ["VIDEO_INSIGHTS_LANDING_KEY"] = before


# Columns that record when something ran, not what the data says.
RUN_TIME_COLUMNS = frozenset({"landed_at", "taken_in_at", "published_at"})


def night(
    inbox: Path, warehouse: Path, day: date, *, dbt_command: str = "run", validate: bool = False
) -> dict[str, Any]:
    """One night of ``day``; the build's incremental record (what it took in and rebuilt)."""
    from video_insights.pipeline import build_step, land_step, publish_step, validate_step

    start = datetime.combine(day, time(), tzinfo=UTC)
    land_step(inbox, warehouse, start)
    build = build_step(warehouse, start, dbt_command=dbt_command)
    if validate:
        validate_step(warehouse, start)
    publish_step(warehouse, start)
    return build["incremental"]


def deliver(files: list[Path], source: Path, inbox: Path, *, rename: str | None = None) -> None:
    """Copy files of a source inbox into an inbox, keeping their feed folder."""
    for file in files:
        target = inbox / file.relative_to(source)
        if rename:
            target = target.with_name(rename + target.name)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, target)


def table_rows(
    database: Path,
    prefixes: tuple[str, ...] = ("rpt_", "fct_"),
    *,
    except_partner: int | None = None,
) -> dict[str, list]:
    """Every row of the tables whose names start with ``prefixes``, sorted, doubles rounded to
    9 decimals (a sum's last bits depend on the order DuckDB adds in), run-time columns left out
    (``except_partner``: without that partner's rows)."""
    import duckdb

    rows: dict[str, list] = {}
    with duckdb.connect(str(database), read_only=True) as con:
        tables = [
            name
            for (name,) in con.execute(
                "select table_name from duckdb_tables() order by table_name"
            ).fetchall()
            if name.startswith(prefixes)
        ]
        for table in tables:
            columns = con.execute(f"describe {table}").fetchall()
            selected = [
                f"round({name}, 9) as {name}" if kind in ("DOUBLE", "FLOAT") else name
                for name, kind, *_ in columns
                if name not in RUN_TIME_COLUMNS
            ]
            where = ""
            if except_partner is not None and any(name == "partner_id" for name, *_ in columns):
                where = f"where partner_id is distinct from {int(except_partner)}"
            rows[table] = con.execute(
                f"select {', '.join(selected)} from {table} {where} order by all"
            ).fetchall()
    return rows


def assert_same_tables(actual: dict[str, list], expected: dict[str, list]) -> None:
    assert sorted(actual) == sorted(expected)
    for table, rows in expected.items():
        got = actual[table]
        if got != rows:
            missing = [row for row in rows if row not in got][:3]
            extra = [row for row in got if row not in rows][:3]
            pytest.fail(
                f"{table}: {len(got)} rows vs {len(rows)} in the full rebuild; "
                f"missing {missing}; extra {extra}"
            )
