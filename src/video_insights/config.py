"""Where a warehouse keeps its files.

Every command that reads or writes a warehouse takes ``--warehouse`` (default
``$VIDEO_INSIGHTS_WAREHOUSE`` or ``./data/warehouse``); all paths below hang off it, so several
warehouses can live side by side.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

WAREHOUSE_ENV = "VIDEO_INSIGHTS_WAREHOUSE"
INBOX_ENV = "VIDEO_INSIGHTS_INBOX"
DEFAULT_WAREHOUSE = Path("data/warehouse")
DEFAULT_INBOX = Path("data/inbox")

# The repository root: dbt_project.yml, profiles.yml and expectations/ live here.
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def default_warehouse() -> Path:
    return Path(os.environ.get(WAREHOUSE_ENV) or DEFAULT_WAREHOUSE)


def default_inbox() -> Path:
    return Path(os.environ.get(INBOX_ENV) or DEFAULT_INBOX)


@dataclass(frozen=True)
class WarehousePaths:
    """The layout of one warehouse directory (see docs/design.md)."""

    root: Path

    @classmethod
    def at(cls, root: Path | str) -> WarehousePaths:
        return cls(Path(root).resolve())

    @property
    def lake(self) -> Path:
        """Landed Parquet: beacons, quarantine, side feeds and the manifest."""
        return self.root / "lake"

    @property
    def beacons(self) -> Path:
        return self.lake / "beacons"

    @property
    def quarantine(self) -> Path:
        return self.lake / "quarantine"

    @property
    def manifest(self) -> Path:
        return self.lake / "manifest"

    def side_feed(self, feed: str) -> Path:
        return self.lake / "side" / feed

    @property
    def build_db(self) -> Path:
        """The DuckDB file dbt builds into: only the nightly run writes it."""
        return self.root / "build" / "warehouse.duckdb"

    @property
    def published_db(self) -> Path:
        """The DuckDB file analysts and the report command read (replaced atomically)."""
        return self.root / "published" / "warehouse.duckdb"

    @property
    def runs(self) -> Path:
        """Run records: quality results and publish history, one JSON file per run."""
        return self.root / "runs"

    @property
    def tmp(self) -> Path:
        """DuckDB spill directory and staging area for atomic writes (same filesystem)."""
        return self.root / "tmp"

    def ensure(self) -> None:
        for path in (
            self.beacons,
            self.quarantine,
            self.manifest,
            self.build_db.parent,
            self.published_db.parent,
            self.runs,
            self.tmp,
        ):
            path.mkdir(parents=True, exist_ok=True)
