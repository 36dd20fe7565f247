"""The manifest: which inbox files are landed.

A file is identified by the sha256 of its bytes and is landed iff
``lake/manifest/<sha16>.parquet`` exists (``sha16`` = the first 16 hex digits). That file is
written last, after every output of the inbox file is in place.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

from video_insights.config import WarehousePaths
from video_insights.landing.writer import (
    MANIFEST_COLUMNS,
    FileOutputs,
    ParquetWriter,
    read_spool,
    sql_ident,
    sql_literal,
    timestamp_literal,
)


def file_sha256(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def sha16(sha256: str) -> str:
    return sha256[:16]


def manifest_path(warehouse: WarehousePaths, sha256: str) -> Path:
    return warehouse.manifest / f"{sha16(sha256)}.parquet"


def is_landed(warehouse: WarehousePaths, sha256: str) -> bool:
    return manifest_path(warehouse, sha256).is_file()


def landed_names(
    writer: ParquetWriter, warehouse: WarehousePaths, sha256s: list[str]
) -> dict[str, str]:
    """sha256 -> the file name it was landed under, for the given landed files (one query)."""
    if not sha256s:
        return {}
    paths = ", ".join(sql_literal(str(manifest_path(warehouse, s))) for s in sha256s)
    rows = writer.query(f"SELECT file_sha256, file_name FROM read_parquet([{paths}])")
    return dict(rows)


def write_manifest(
    writer: ParquetWriter,
    outputs: FileOutputs,
    warehouse: WarehousePaths,
    *,
    sha256: str,
    file_name: str,
    feed: str,
    size_bytes: int,
    line_count: int,
    landed_rows: int,
    quarantined_rows: int,
    forgotten_rows: int = 0,
    min_received_at: datetime | None,
    max_received_at: datetime | None,
    landed_at: datetime,
) -> Path:
    """Write the one-row manifest file of a landed inbox file (the last write for that file)."""
    spool = outputs.spool(f"manifest-{sha16(sha256)}.ndjson")
    spool.add_object(
        {
            "file_sha256": sha256,
            "file_name": file_name,
            "feed": feed,
            "size_bytes": size_bytes,
            "line_count": line_count,
            "landed_rows": landed_rows,
            "quarantined_rows": quarantined_rows,
            "forgotten_rows": forgotten_rows,
            "min_received_at": min_received_at.isoformat(sep=" ") if min_received_at else None,
            "max_received_at": max_received_at.isoformat(sep=" ") if max_received_at else None,
        }
    )
    spool.close()
    spool_columns = {
        name: ("VARCHAR" if kind == "TIMESTAMP" else kind)
        for name, kind in MANIFEST_COLUMNS.items()
        if name != "landed_at"
    }
    selects = [
        f"CAST({sql_ident(name)} AS {kind}) AS {sql_ident(name)}"
        for name, kind in MANIFEST_COLUMNS.items()
        if name != "landed_at"
    ]
    selects.append(f"{timestamp_literal(landed_at)} AS landed_at")
    dest = manifest_path(warehouse, sha256)
    writer.copy(
        f"SELECT {', '.join(selects)} FROM {read_spool(spool.path, spool_columns)}", dest, outputs
    )
    return dest
