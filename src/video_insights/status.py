"""``video-insights status``: what the warehouse holds and how the last nights went.

Read-only: the manifest (last landed files), the published copy (``warehouse_publish_info``),
the quarantine (counts by reason), and the run records in ``runs/`` (the last quality result
and the last failure). Never opens the build file, so it is safe while a night runs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from video_insights.config import WarehousePaths


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _parquet_rows(sql: str, pattern: Path, params: list[Any] | None = None) -> list[tuple]:
    import duckdb

    if not list(pattern.parent.parent.glob(f"{pattern.parent.name}/{pattern.name}")):
        return []
    with duckdb.connect() as con:
        return con.execute(sql.format(files=f"read_parquet('{pattern}')"), params or []).fetchall()


def last_landed_files(warehouse: WarehousePaths, limit: int = 10) -> dict[str, Any]:
    pattern = warehouse.manifest / "*.parquet"
    totals = _parquet_rows(
        "select count(*), coalesce(sum(landed_rows), 0), coalesce(sum(quarantined_rows), 0), "
        "max(landed_at) from {files}",
        pattern,
    )
    rows = _parquet_rows(
        "select file_name, feed, landed_rows, quarantined_rows, landed_at from {files} "
        "order by landed_at desc, file_name limit ?",
        pattern,
        [limit],
    )
    files, landed_rows, quarantined_rows, last = totals[0] if totals else (0, 0, 0, None)
    return {
        "files": int(files),
        "landed_rows": int(landed_rows),
        "quarantined_rows": int(quarantined_rows),
        "last_landed_at": last.isoformat(sep=" ") if last else None,
        "last_files": [
            {
                "file_name": name,
                "feed": feed,
                "landed_rows": int(landed),
                "quarantined_rows": int(quarantined),
                "landed_at": landed_at.isoformat(sep=" "),
            }
            for name, feed, landed, quarantined, landed_at in rows
        ],
    }


def quarantine_counts(warehouse: WarehousePaths) -> dict[str, Any]:
    """Quarantined rows in total, by reason (the text before the first colon) and by file."""
    rows = _parquet_rows(
        "select coalesce(nullif(split_part(reason, ':', 1), ''), 'unknown') as kind, "
        "count(*) from {files} group by all order by 2 desc, 1",
        warehouse.quarantine / "*.parquet",
    )
    by_file = _parquet_rows(
        "select source_file, count(*) from {files} group by all order by 2 desc, 1 limit 10",
        warehouse.quarantine / "*.parquet",
    )
    return {
        "rows": sum(int(count) for _, count in rows),
        "by_reason": {kind: int(count) for kind, count in rows},
        "by_file": {name: int(count) for name, count in by_file},
    }


def published(warehouse: WarehousePaths) -> dict[str, Any]:
    import duckdb

    path = warehouse.published_db
    if not path.exists():
        return {"run_day": None, "published_at": None, "path": str(path)}
    with duckdb.connect(str(path), read_only=True) as con:
        row = con.execute("select run_day, published_at from warehouse_publish_info").fetchone()
    return {
        "run_day": row[0].isoformat() if row and row[0] else None,
        "published_at": row[1].isoformat(sep=" ") if row and row[1] else None,
        "path": str(path),
    }


def _last_validated_day(warehouse: WarehousePaths) -> str | None:
    """The night of the newest ``runs/<day>-validate.json`` (the pipeline's step record)."""
    records = sorted(warehouse.runs.glob("*-validate.json"), key=lambda path: path.stat().st_mtime)
    return records[-1].name.removesuffix("-validate.json") if records else None


def last_checks(warehouse: WarehousePaths) -> dict[str, Any]:
    record = _read_json(warehouse.runs / "quality-latest.json")
    if record is None:
        return {"run_day": None, "passed": None, "checks": 0, "failed": []}
    failed = [check for check in record.get("checks", []) if not check.get("success")]
    return {
        "run_day": record.get("run_day") or _last_validated_day(warehouse),
        "finished_at": record.get("finished_at"),
        "passed": record.get("passed"),
        "checks": record.get("counts", {}).get("checks", len(record.get("checks", []))),
        "failed": [
            {
                "check": check.get("name"),
                "suite": check.get("suite"),
                "observed": check.get("observed"),
                "expected": check.get("expected"),
            }
            for check in failed
        ],
    }


def last_failure(warehouse: WarehousePaths, published_at: str | None) -> dict[str, Any] | None:
    """The last failure record, unless a night was published after it."""
    record = _read_json(warehouse.runs / "failure-latest.json")
    if record is None:
        return None
    failed_at = str(record.get("failed_at", ""))
    if published_at and failed_at and failed_at.replace("T", " ")[:19] <= published_at[:19]:
        return None
    return {
        "run_day": record.get("run_day"),
        "step": record.get("step"),
        "failed_at": failed_at,
        "message": str(record.get("message", "")).splitlines()[0] if record.get("message") else "",
        "failed_checks": record.get("failed_checks", []),
    }


def warehouse_status(warehouse: WarehousePaths, *, files: int = 10) -> dict[str, Any]:
    from video_insights.errors import VideoInsightsError

    if not warehouse.root.is_dir():
        raise VideoInsightsError(f"no warehouse at {warehouse.root}")
    pub = published(warehouse)
    return {
        "warehouse": str(warehouse.root),
        "published": pub,
        "landed": last_landed_files(warehouse, files),
        "quarantine": quarantine_counts(warehouse),
        "last_checks": last_checks(warehouse),
        "last_failure": last_failure(warehouse, pub.get("published_at")),
    }


def render_status(status: dict[str, Any]) -> Any:
    """A rich renderable: one small table per part."""
    from rich.console import Group
    from rich.table import Table

    pub, landed, quarantine = status["published"], status["landed"], status["quarantine"]
    checks, failure = status["last_checks"], status["last_failure"]

    overview = Table(title=f"warehouse {status['warehouse']}", show_header=False)
    overview.add_column("what")
    overview.add_column("value")
    overview.add_row("last published night", str(pub["run_day"] or "never"))
    overview.add_row("published at (UTC)", str(pub["published_at"] or "-"))
    overview.add_row("landed files", f"{landed['files']} ({landed['landed_rows']} rows)")
    overview.add_row("last landed at (UTC)", str(landed["last_landed_at"] or "-"))
    overview.add_row("quarantined rows", str(quarantine["rows"]))
    verdict = {True: "passed", False: "FAILED", None: "not run"}[checks["passed"]]
    overview.add_row(
        "last checks", f"{verdict}: {checks['checks']} checks, night {checks['run_day'] or '-'}"
    )
    if failure:
        overview.add_row(
            "last failure",
            f"night {failure['run_day']} in {failure['step']}: {failure['message']}",
        )
    parts: list[Any] = [overview]

    if landed["last_files"]:
        files = Table(title="last landed files")
        for column in ("file", "feed", "rows", "quarantined", "landed at (UTC)"):
            files.add_column(
                column, justify="right" if column in {"rows", "quarantined"} else "left"
            )
        for item in landed["last_files"]:
            files.add_row(
                item["file_name"],
                item["feed"],
                str(item["landed_rows"]),
                str(item["quarantined_rows"]),
                item["landed_at"][:19],
            )
        parts.append(files)
    if quarantine["by_reason"]:
        reasons = Table(title="quarantine by reason")
        reasons.add_column("reason")
        reasons.add_column("rows", justify="right")
        for kind, count in quarantine["by_reason"].items():
            reasons.add_row(kind, str(count))
        parts.append(reasons)
    if checks["failed"]:
        failed = Table(title="failed checks")
        for column in ("check", "observed", "expected"):
            failed.add_column(column)
        for item in checks["failed"]:
            observed = json.dumps(item["observed"], default=str)
            failed.add_row(str(item["check"]), observed[:120], str(item["expected"]))
        parts.append(failed)
    return Group(*parts)
