"""Write-audit-publish with incremental state: a build never starts from an unpublished night.

Real DuckDB files, no dbt: the build file is what dbt would have written; ``publish`` and
``prepare_build_file`` are the steps the nightly runs around the build.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from video_insights.config import WarehousePaths
from video_insights.publish import prepare_build_file, publish


def _write(database: Path, night: str) -> None:
    database.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(database)) as con:
        con.execute("create or replace table nights as select ? as night", [night])


def _night(database: Path) -> str:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute("select night from nights").fetchone()[0]


def test_a_published_build_is_kept(tmp_path: Path) -> None:
    paths = WarehousePaths.at(tmp_path)
    _write(paths.build_db, "night 1")
    publish(paths)
    assert prepare_build_file(paths).startswith("kept")
    assert _night(paths.build_db) == "night 1"


def test_an_unpublished_night_is_replaced_by_the_published_version(tmp_path: Path) -> None:
    paths = WarehousePaths.at(tmp_path)
    _write(paths.build_db, "night 1")
    publish(paths)
    prepare_build_file(paths)  # night 2 starts: the marker goes
    _write(paths.build_db, "night 2, failed its checks")  # built, never published
    assert prepare_build_file(paths).startswith("copied")
    assert _night(paths.build_db) == "night 1"
    # and the next publish makes the rebuilt night the one a build keeps
    _write(paths.build_db, "night 2, passed")
    publish(paths)
    assert prepare_build_file(paths).startswith("kept")
    assert _night(paths.build_db) == "night 2, passed"


def test_a_build_file_without_any_published_version_is_dropped(tmp_path: Path) -> None:
    paths = WarehousePaths.at(tmp_path)
    _write(paths.build_db, "a first night that never published")
    assert prepare_build_file(paths).startswith("new")
    assert not paths.build_db.exists()
