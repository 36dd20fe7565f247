"""A read-only connection to the published warehouse that follows each publish.

Publishing ``os.replace``-s a new file over ``published/warehouse.duckdb``; an open connection
keeps reading the old inode (the old night). So before each request the reader compares the
file's (device, inode, mtime, size) with those of the database it has open, and opens the new
file when they differ. Requests already running finish on the old night; new ones see the new.

DuckDB caches one database instance per file path in a process: ``duckdb.connect(path)`` while
any connection to the old file is still alive would hand back the OLD night. The reader therefore
opens each night as a fresh in-memory instance that ``ATTACH``-es the file ``READ_ONLY`` (and
``USE``-s it, so the report SQL and the stored metric macros resolve unqualified). Read-only
attachment takes no write lock: it never blocks the nightly build (which writes another file)
and is never blocked by it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from video_insights.config import WarehousePaths
from video_insights.errors import VideoInsightsError
from video_insights.log import log_event
from video_insights.publish import PUBLISH_INFO_TABLE

logger = logging.getLogger(__name__)

ALIAS = "published"
Stamp = tuple[int, int, int, int]


class NoPublishedWarehouse(VideoInsightsError):
    """Nothing has been published yet."""


def open_published(path: str) -> Any:
    """A new in-memory DuckDB instance with ``path`` attached read-only as the default."""
    import duckdb

    con = duckdb.connect(":memory:")
    quoted = path.replace("'", "''")
    con.execute(f"attach '{quoted}' as {ALIAS} (read_only)")
    con.execute(f"use {ALIAS}")
    return con


class PublishedReader:
    def __init__(self, warehouse: WarehousePaths) -> None:
        self.path = warehouse.published_db
        self._lock = threading.Lock()
        self._stamp: Stamp | None = None
        self._database: Any = None
        self.reopened = 0  # nights opened so far (the tests read it)

    def _current_stamp(self) -> Stamp | None:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return None
        return (stat.st_dev, stat.st_ino, stat.st_mtime_ns, stat.st_size)

    def _current_database(self) -> Any:
        stamp = self._current_stamp()
        if stamp is None:
            raise NoPublishedWarehouse(
                f"no published warehouse at {self.path}: run the nightly build first"
            )
        with self._lock:
            if stamp != self._stamp:
                # the previous instance is dropped, not closed: requests still running on it
                # hold their own cursors and finish on the old night
                self._database = open_published(str(self.path))
                self._stamp = stamp
                self.reopened += 1
                log_event(logger, "api_published_opened", path=self.path, inode=stamp[1])
            return self._database

    @contextmanager
    def connection(self) -> Iterator[Any]:
        """A cursor of its own for one request (DuckDB cursors are safe across threads)."""
        cursor = self._current_database().cursor()
        try:
            cursor.execute(f"use {ALIAS}")
            yield cursor
        finally:
            cursor.close()

    def published_at(self) -> str | None:
        """When the open night was published (None before the first publish)."""
        try:
            with self.connection() as con:
                row = con.execute(f"select max(published_at) from {PUBLISH_INFO_TABLE}").fetchone()
        except NoPublishedWarehouse:
            return None
        except Exception:  # a file without the publish record (not made by `publish`)
            return None
        value = row[0] if row else None
        return value.isoformat() if isinstance(value, datetime) else None
