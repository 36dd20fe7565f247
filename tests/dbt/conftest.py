"""Fixtures of the dbt tests: the worked examples landed and built once per session."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.fixtures import worked_examples
from video_insights.config import WarehousePaths
from video_insights.transform import DbtResult, dbt_build


@dataclass(frozen=True)
class Build:
    """A landed and built warehouse."""

    paths: WarehousePaths
    result: DbtResult

    @property
    def compiled_models(self) -> Path:
        return (
            Path(self.result.target_path) / "compiled" / "video_insights" / "dbt_project" / "models"
        )

    def connect(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.paths.build_db), read_only=True)


def land(inbox: Path, paths: WarehousePaths) -> Any:
    """The real landing (video_insights.landing) of everything in the inbox."""
    from video_insights.landing import land_inbox

    paths.ensure()
    return land_inbox(inbox, paths)


def land_and_build(
    root: Path,
    beacons: list[dict[str, Any]] | None = None,
    feeds: dict[str, list[dict[str, Any]]] | None = None,
) -> Build:
    paths = WarehousePaths.at(root / "warehouse")
    worked_examples.write_inbox(root / "inbox", beacons, feeds)
    land(root / "inbox", paths)
    return Build(paths, dbt_build(paths))


@pytest.fixture(scope="session")
def examples_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """metrics.md worked examples 1-8 (and the robustness cases): one build for the session."""
    return land_and_build(tmp_path_factory.mktemp("worked-examples"))


@pytest.fixture(scope="session")
def warehouse_db(examples_build: Build) -> Iterator[duckdb.DuckDBPyConnection]:
    con = examples_build.connect()
    yield con
    con.close()


@pytest.fixture
def query(warehouse_db: duckdb.DuckDBPyConnection):
    """Rows of a query on the built file, as dicts."""

    def run(sql: str, *parameters: Any) -> list[dict[str, Any]]:
        cursor = warehouse_db.cursor()
        result = cursor.execute(sql, list(parameters))
        names = [column[0] for column in result.description]
        return [dict(zip(names, row, strict=True)) for row in result.fetchall()]

    return run
