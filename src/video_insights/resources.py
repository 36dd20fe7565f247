"""DuckDB's resources for every process of a night (and the benchmark's floor): one place.

A big day must spill to disk instead of failing or swapping, so each DuckDB connection that
does heavy work gets a memory limit and a temp directory under the warehouse's ``tmp/``.
``VIDEO_INSIGHTS_MEMORY_LIMIT`` overrides the limit (profiles.yml reads the same variable for
dbt); ``VIDEO_INSIGHTS_THREADS`` the thread count (default: DuckDB's, one per core).
"""

from __future__ import annotations

import os
from pathlib import Path

MEMORY_LIMIT_ENV = "VIDEO_INSIGHTS_MEMORY_LIMIT"
THREADS_ENV = "VIDEO_INSIGHTS_THREADS"
DEFAULT_MEMORY_LIMIT = "4GB"


def memory_limit() -> str:
    return os.environ.get(MEMORY_LIMIT_ENV) or DEFAULT_MEMORY_LIMIT


def duckdb_settings(temp_directory: Path, limit: str | None = None) -> dict[str, str]:
    """``SET`` name -> value for one connection: memory limit, temp directory, threads."""
    settings = {
        "memory_limit": limit or memory_limit(),
        "temp_directory": str(temp_directory),
        "preserve_insertion_order": "false",
    }
    threads = os.environ.get(THREADS_ENV)
    if threads:
        settings["threads"] = threads
    return settings
