"""Atomic, typed Parquet writes through DuckDB (pyarrow is not needed).

Rows are spooled as NDJSON into ``warehouse/tmp`` (values already validated and typed in
Python), then one ``COPY (SELECT … FROM read_json(spool, columns = {explicit types})) TO tmp``
writes the Parquet file, which ``os.replace`` moves into the lake. Every column has an explicit
type, so a column that is NULL on every row keeps its type. A reader never sees half a file, and
a rerun after a crash overwrites the same deterministic names.

The spools never hold an IP address: enrichment results travel as small integer ids into a
dimensions spool (see :mod:`video_insights.landing.land`).
"""

from __future__ import annotations

import contextlib
import errno
import os
from datetime import datetime
from pathlib import Path

import duckdb
import orjson

from video_insights.config import WarehousePaths
from video_insights.contract import BEACON_FIELDS, SIDE_FEED_FIELDS
from video_insights.landing.errors import LandingError

DEFAULT_MEMORY_LIMIT = "2GB"
PARQUET_OPTIONS = "FORMAT parquet, COMPRESSION zstd"

BEACON_TYPES = {"int": "BIGINT", "float": "DOUBLE", "str": "VARCHAR"}
SIDE_SPOOL_TYPES = {
    "int": "BIGINT",
    "float": "DOUBLE",
    "str": "VARCHAR",
    "list": "VARCHAR[]",
    "timestamp": "VARCHAR",
    "date": "VARCHAR",
}
SIDE_TYPES = {
    "int": "BIGINT",
    "float": "DOUBLE",
    "str": "VARCHAR",
    "list": "VARCHAR[]",
    "timestamp": "TIMESTAMP",
    "date": "DATE",
}

# Column name -> type of the landed files (docs/design.md). Readers may rely on these.
BEACON_COLUMNS: dict[str, str] = {
    "received_at": "TIMESTAMP",
    "beacon_id": "VARCHAR",
    **{f.column: BEACON_TYPES[f.kind] for f in BEACON_FIELDS},
    "country": "VARCHAR",
    "country_name": "VARCHAR",
    "region": "VARCHAR",
    "city": "VARCHAR",
    "device": "VARCHAR",
    "os": "VARCHAR",
    "browser": "VARCHAR",
    "domain": "VARCHAR",
    "canonical_url": "VARCHAR",
    "extra_fields": "VARCHAR",
    "source_file_sha256": "VARCHAR",
    "source_line": "INTEGER",
    "landed_at": "TIMESTAMP",
}
QUARANTINE_COLUMNS: dict[str, str] = {
    "source_file": "VARCHAR",
    "source_file_sha256": "VARCHAR",
    "line_number": "INTEGER",
    "field": "VARCHAR",
    "reason": "VARCHAR",
    "raw_line": "VARCHAR",
    "landed_at": "TIMESTAMP",
}
MANIFEST_COLUMNS: dict[str, str] = {
    "file_sha256": "VARCHAR",
    "file_name": "VARCHAR",
    "feed": "VARCHAR",
    "size_bytes": "BIGINT",
    "line_count": "BIGINT",
    "landed_rows": "BIGINT",
    "quarantined_rows": "BIGINT",
    "forgotten_rows": "BIGINT",  # lines of viewers in the forget ledger, dropped
    "min_received_at": "TIMESTAMP",
    "max_received_at": "TIMESTAMP",
    "landed_at": "TIMESTAMP",
}


def side_columns(feed: str) -> dict[str, str]:
    return {
        **{column: SIDE_TYPES[kind] for column, kind in SIDE_FEED_FIELDS[feed].values()},
        "extra_fields": "VARCHAR",
        "source_file_sha256": "VARCHAR",
        "source_line": "INTEGER",
        "landed_at": "TIMESTAMP",
    }


def sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def sql_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def struct_literal(columns: dict[str, str]) -> str:
    return "{" + ", ".join(f"{sql_literal(k)}: {sql_literal(v)}" for k, v in columns.items()) + "}"


def timestamp_literal(moment: datetime) -> str:
    return f"TIMESTAMP {sql_literal(moment.isoformat(sep=' '))}"


def read_spool(path: Path, columns: dict[str, str]) -> str:
    return (
        f"read_json({sql_literal(str(path))}, format = 'newline_delimited', "
        f"columns = {struct_literal(columns)}, maximum_object_size = 67108864)"
    )


def is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    text = str(exc)
    return "No space left on device" in text or "Disk quota exceeded" in text


class Spool:
    """An NDJSON file in ``warehouse/tmp`` filled with already-encoded lines."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows = 0
        self._handle = open(path, "wb")  # noqa: SIM115 - closed by close()
        self._pending: list[bytes] = []

    def add(self, line: bytes) -> None:
        """Add one encoded JSON object ending with a newline."""
        self._pending.append(line)
        self.rows += 1

    def add_object(self, obj: object) -> None:
        """Encode and add one object (written out every 1,024 objects)."""
        self.add(orjson.dumps(obj, option=orjson.OPT_APPEND_NEWLINE))
        if len(self._pending) >= 1024:
            self.flush()

    def flush(self) -> None:
        if self._pending:
            self._handle.write(b"".join(self._pending))
            self._pending.clear()

    def close(self) -> None:
        if not self._handle.closed:
            self.flush()
            self._handle.close()


class FileOutputs:
    """The temporary files and the lake files of one inbox file, for cleanup and rollback."""

    def __init__(self, tmp: Path, source: str) -> None:
        self.tmp = tmp
        self.source = source
        self.temporary: list[Path] = []
        self.placed: list[Path] = []

    def temp_path(self, name: str) -> Path:
        path = self.tmp / name
        self.temporary.append(path)
        return path

    def spool(self, name: str) -> Spool:
        return Spool(self.temp_path(name))

    def cleanup(self) -> None:
        """Remove the temporary files (spools, unfinished Parquet)."""
        for path in self.temporary:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
        self.temporary = []

    def rollback(self) -> None:
        """Remove every output of a file whose manifest row was not written, and its temp files."""
        for path in reversed(self.placed):
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
        self.placed = []
        self.cleanup()

    def fail(self, exc: BaseException) -> LandingError:
        """Roll back and describe ``exc`` as a whole-run error naming the inbox file."""
        self.rollback()
        if is_disk_full(exc):
            return LandingError(
                f"disk full while landing {self.source}: {exc}; nothing of this file was landed,"
                f" free space under {self.tmp.parent} and run again"
            )
        return LandingError(f"cannot land {self.source}: {exc}")


class ParquetWriter:
    """One DuckDB in-memory connection (memory limit, spill to ``warehouse/tmp``) writing Parquet
    files atomically."""

    def __init__(
        self,
        warehouse: WarehousePaths,
        *,
        memory_limit: str = DEFAULT_MEMORY_LIMIT,
        threads: int | None = None,
    ) -> None:
        self.tmp = warehouse.tmp
        self.tmp.mkdir(parents=True, exist_ok=True)
        config = {"memory_limit": memory_limit, "temp_directory": str(self.tmp)}
        if threads:
            config["threads"] = str(threads)
        self.con = duckdb.connect(config=config)

    def close(self) -> None:
        self.con.close()

    def copy(self, select_sql: str, dest: Path, outputs: FileOutputs) -> None:
        """Write the result of ``select_sql`` to ``dest`` (Parquet) via a temporary file."""
        tmp = outputs.temp_path(f"{dest.parent.name}--{dest.name}.tmp")
        self.con.execute(f"COPY ({select_sql}) TO {sql_literal(str(tmp))} ({PARQUET_OPTIONS})")
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, dest)
        outputs.placed.append(dest)

    def query(self, sql: str) -> list[tuple]:
        return self.con.execute(sql).fetchall()
