"""Publishing: make a validated build the version readers see, in one atomic step.

DuckDB allows one writing process per file, and an open reader blocks a writer. So readers never
open the file dbt writes: publishing copies the finished build file next to the published one and
``os.replace``-s it over. A reader that already has the old file open keeps its snapshot (the old
inode); every new reader sees the new night. A crash at any point leaves either the old or the new
file in place, never a mix (the temporary copy is removed or overwritten by the next publish).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from video_insights.config import WarehousePaths
from video_insights.errors import VideoInsightsError
from video_insights.log import log_event

logger = logging.getLogger(__name__)

PUBLISH_INFO_TABLE = "warehouse_publish_info"
# Written next to the build file after a publish: the identity of the published file the build
# file equals. A build that starts without it (a failed or unpublished night) starts from a copy
# of the published file instead (docs/guarantees.md, "Incremental nights and late data").
BUILD_MATCHES_PUBLISHED = ".matches-published"


class PublishError(VideoInsightsError):
    """Publishing could not happen; readers keep the last good version."""


@dataclass(frozen=True)
class PublishResult:
    run_day: str | None
    published_at: str
    path: str
    size_bytes: int
    tables: int


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _identity(path: Path) -> str | None:
    """Inode, size and mtime: a new publish (os.replace of a new file) changes it."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return f"{stat.st_ino}:{stat.st_size}:{stat.st_mtime_ns}"


def prepare_build_file(warehouse: WarehousePaths) -> str:
    """Make the build file equal the last published version before a build writes to it.

    An incremental build keeps state (the partitions it has taken in, the day partitions of every
    model) in the build file, so a night that was built but not published (a failed check, a
    crash) must not carry over into the next one. The marker written by :func:`publish` says the
    build file equals the published one; without it the build file is replaced by a copy of the
    published file (or removed when nothing is published: the next build is a full one). The
    marker is removed before the build writes, so an unfinished build never looks published.
    Returns what was done.
    """
    build = warehouse.build_db
    marker = build.parent / BUILD_MATCHES_PUBLISHED
    build.parent.mkdir(parents=True, exist_ok=True)
    published = _identity(warehouse.published_db)
    wal = build.with_name(build.name + ".wal")
    if (
        build.exists()
        and published is not None
        and marker.exists()
        and marker.read_text() == published
    ):
        outcome = "kept: the build file equals the published version"
    elif published is not None:
        marker.unlink(missing_ok=True)
        staged = build.with_name(f".{build.name}.{uuid.uuid4().hex}")
        try:
            shutil.copyfile(warehouse.published_db, staged)
            wal.unlink(missing_ok=True)
            os.replace(staged, build)
        finally:
            staged.unlink(missing_ok=True)
        outcome = "copied from the published version (the build file held an unpublished night)"
    else:
        build.unlink(missing_ok=True)
        wal.unlink(missing_ok=True)
        outcome = "new: nothing published yet"
    marker.unlink(missing_ok=True)
    log_event(logger, "build_file_prepared", outcome=outcome)
    return outcome


def _remove_stale_copies(published: Path) -> None:
    """Staged copies a killed publish left behind (``.warehouse.duckdb.<uuid>`` and its WAL).

    Only one night runs at a time (``max_active_runs=1``), so any staged copy present when a
    publish starts belongs to a publish that died: without this, each SIGKILL during a publish
    would leak a whole copy of the warehouse.
    """
    for stale in published.parent.glob(f".{published.name}.*"):
        stale.unlink(missing_ok=True)


def publish(warehouse: WarehousePaths, *, run_day: date | None = None) -> PublishResult:
    """Copy the build file, stamp it with the night it holds, and swap it in atomically."""
    import duckdb

    build = warehouse.build_db
    if not build.exists():
        raise PublishError(f"nothing to publish: {build} does not exist (run the dbt build first)")
    warehouse.published_db.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_copies(warehouse.published_db)

    # Fold the write-ahead log into the build file so a plain file copy is complete.
    with duckdb.connect(str(build)) as con:
        con.execute("checkpoint")

    staged = warehouse.published_db.with_name(f".{warehouse.published_db.name}.{uuid.uuid4().hex}")
    published_at = datetime.now(UTC).replace(microsecond=0)
    try:
        shutil.copyfile(build, staged)
        with duckdb.connect(str(staged)) as con:
            con.execute(
                f"create or replace table {PUBLISH_INFO_TABLE} as "
                "select ?::date as run_day, ?::timestamp as published_at",
                [run_day, published_at.replace(tzinfo=None)],
            )
            tables = con.execute(
                "select count(*) from duckdb_tables() where database_name = current_database()"
            ).fetchone()[0]
            con.execute("checkpoint")
        with open(staged, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(staged, warehouse.published_db)
        _fsync_dir(warehouse.published_db.parent)
        (build.parent / BUILD_MATCHES_PUBLISHED).write_text(_identity(warehouse.published_db) or "")
    except OSError as error:
        staged.unlink(missing_ok=True)
        raise PublishError(
            f"could not publish {build} to {warehouse.published_db}: {error}"
        ) from error
    finally:
        staged.unlink(missing_ok=True)
        staged.with_name(staged.name + ".wal").unlink(missing_ok=True)

    result = PublishResult(
        run_day=run_day.isoformat() if run_day else None,
        published_at=published_at.isoformat(),
        path=str(warehouse.published_db),
        size_bytes=warehouse.published_db.stat().st_size,
        tables=int(tables),
    )
    warehouse.runs.mkdir(parents=True, exist_ok=True)
    (warehouse.runs / "publish-latest.json").write_text(json.dumps(asdict(result), indent=2))
    log_event(
        logger,
        "published",
        run_day=result.run_day,
        tables=result.tables,
        size_bytes=result.size_bytes,
        path=result.path,
    )
    return result
