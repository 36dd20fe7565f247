"""Forget a viewer: remove one (partner, user) from the landed data, rebuild, publish, record it.

What is removed:

* landed beacons (``lake/beacons/event_date=*/*.parquet``) with that ``partner_id`` and
  ``user_id``: every Parquet file holding such rows is rewritten without them;
* quarantined lines (``lake/quarantine``) whose raw line carries that ``partnerId`` and
  ``userId`` (parsed as JSON, or matched textually when the line is not valid JSON);
* the viewer's record in the ``users`` side feed (``lake/side/users``).

The manifest's ``landed_rows`` / ``quarantined_rows`` of the affected inbox files are lowered by
the removed rows and ``forgotten_rows`` raised by them, so the quality check "lake rows reconcile
with the manifest" keeps holding. Then only the affected days are rebuilt
(:func:`rebuild_without_viewer`: the viewer's rows leave ``int_beacons_deduped``, the one model
that carries landed rows from build to build, and their (partner, local day) partitions, widened
by ``session_span_days``, are rebuilt through the incremental planner; a full refresh only when no
partial plan can be made), and the pipeline's own validate and publish steps swap the result in,
so staged events, every mart and every report table lose the viewer at once. Landing keeps them
out afterwards: it drops what a forgotten viewer sends again (:mod:`.forgotten`).

Crash safety: the plan (every file to rewrite and the manifest counts it ends with, as absolute
numbers) is written to ``privacy/forget-pending.json`` before the first rewrite; each rewrite is
a copy to ``tmp/`` plus ``os.replace``. Run again after a crash, ``forget_user`` finishes the
pending plan first (rewriting a file again removes nothing more; the counts are absolute). Until
the rebuild is published readers keep the previous version.

For a partner whose user ids are pseudonymized at landing the rows are found by the pseudonym
(computed with the warehouse's pseudonymization key), so the request takes the real id.

The ledger ``privacy/forgotten.jsonl`` records each request without the user id in clear: a
keyed hash (HMAC-SHA256 with ``privacy/ledger.key``, created on first use) of partner and user id
as landing stores it (the pseudonym for a pseudonymized partner), so "was this viewer
forgotten?" can be answered (:func:`is_forgotten`, and landing's check) without keeping the id.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from video_insights.config import WarehousePaths
from video_insights.errors import VideoInsightsError
from video_insights.log import log_event
from video_insights.privacy.forgotten import viewer_key

logger = logging.getLogger(__name__)

PARQUET_OPTIONS = "FORMAT parquet, COMPRESSION zstd"


class ForgetError(VideoInsightsError):
    """A forget request that cannot be carried out; the message says why."""


@dataclass
class ForgetResult:
    partner_id: int
    user_key: str
    beacon_rows_removed: int = 0
    quarantine_rows_removed: int = 0
    user_records_removed: int = 0
    files_rewritten: list[str] = field(default_factory=list)
    rebuilt: bool = False
    # how: {"full": bool, "reason": ..., "rebuilt_partner_days": [[partner, day], ...]}
    rebuild: dict[str, Any] = field(default_factory=dict)
    published_run_day: str | None = None
    requested_at: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _privacy_dir(warehouse: WarehousePaths) -> Path:
    return warehouse.root / "privacy"


def ledger_path(warehouse: WarehousePaths) -> Path:
    return _privacy_dir(warehouse) / "forgotten.jsonl"


def _pending_path(warehouse: WarehousePaths) -> Path:
    return _privacy_dir(warehouse) / "forget-pending.json"


def _ledger_key(warehouse: WarehousePaths) -> bytes:
    path = _privacy_dir(warehouse) / "ledger.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".ledger.key.{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)  # never replace a key another process created meanwhile
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
    return bytes.fromhex(path.read_text().strip())


def user_key(warehouse: WarehousePaths, partner_id: int, user_id: str) -> str:
    """The keyed hash the ledger stores instead of the user id: of the id *as landed* (pass
    :func:`landed_user_id`), so landing can check the ids it stores (:mod:`.forgotten`)."""
    return viewer_key(_ledger_key(warehouse), partner_id, user_id)


def is_forgotten(warehouse: WarehousePaths, partner_id: int, user_id: str) -> bool:
    """Whether a forget request for this viewer (real id, or the pseudonym) is in the ledger."""
    path = ledger_path(warehouse)
    if not path.exists():
        return False
    key = user_key(warehouse, partner_id, landed_user_id(warehouse, partner_id, user_id))
    for line in path.read_text().splitlines():
        if line.strip() and json.loads(line).get("user_key") == key:
            return True
    return False


def landed_user_id(warehouse: WarehousePaths, partner_id: int, user_id: str) -> str:
    """The id as landing stored it: the pseudonym for a partner whose ids are pseudonymized
    (``$VIDEO_INSIGHTS_PSEUDONYMIZE_PARTNERS``, see :mod:`.pseudonymize`), else the id itself.
    A pseudonym given as ``user_id`` is taken as it is."""
    from video_insights.privacy.pseudonymize import (
        is_pseudonym,
        pseudonymization_key,
        pseudonymize_user_id,
        pseudonymized_partners,
    )

    if is_pseudonym(user_id) or int(partner_id) not in pseudonymized_partners():
        return user_id
    return pseudonymize_user_id(pseudonymization_key(warehouse), int(partner_id), user_id)


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _quarantine_match(partner_id: int, user_id: str) -> str:
    """SQL: a quarantined raw line that carries this partner and user."""
    import re

    user_json = json.dumps(user_id)  # the id as a JSON string literal
    text_user = r'"userId"\s*:\s*' + re.escape(user_json)
    text_partner = r'"partnerId"\s*:\s*"?' + str(int(partner_id)) + r'"?\s*[,}]'
    return (
        "(raw_line is not null and case when json_valid(raw_line) then "
        f"json_extract_string(raw_line, '$.userId') = {_lit(user_id)} and "
        f"json_extract_string(raw_line, '$.partnerId') = {_lit(str(int(partner_id)))} "
        f"else regexp_matches(raw_line, {_lit(text_user)}) and "
        f"regexp_matches(raw_line, {_lit(text_partner)}) end)"
    )


def _user_match(partner_id: int, user_id: str) -> str:
    """SQL: a landed row of the viewer (ids trimmed of spaces, as staging trims them)."""
    return f"(partner_id = {int(partner_id)} and trim(user_id) = {_lit(user_id.strip(' '))})"


def _plan(con: Any, warehouse: WarehousePaths, partner_id: int, user_id: str) -> dict[str, Any]:
    """Every file holding the viewer, its rows to remove, and the manifest counts afterwards."""
    groups = [
        ("beacons", sorted(warehouse.beacons.glob("event_date=*/*.parquet")), _user_match),
        ("quarantine", sorted(warehouse.quarantine.glob("*.parquet")), _quarantine_match),
        ("users", sorted(warehouse.side_feed("users").glob("*.parquet")), _user_match),
    ]
    files: list[dict[str, Any]] = []
    removed_by_sha: dict[tuple[str, str], int] = {}
    for kind, paths, match in groups:
        for path in paths:
            rows = con.execute(
                "select source_file_sha256, count(*) from read_parquet(?, hive_partitioning = "
                f"false) where {match(partner_id, user_id)} group by all",
                [str(path)],
            ).fetchall()
            if not rows:
                continue
            files.append({"kind": kind, "path": str(path), "rows": sum(n for _, n in rows)})
            column = "quarantined_rows" if kind == "quarantine" else "landed_rows"
            for sha, count in rows:
                removed_by_sha[(sha, column)] = removed_by_sha.get((sha, column), 0) + count
    manifests: dict[str, dict[str, int]] = {}
    for (sha, column), count in removed_by_sha.items():
        path = warehouse.manifest / f"{sha[:16]}.parquet"
        if not path.exists():
            continue
        (current,) = con.execute(f"select {column} from read_parquet(?)", [str(path)]).fetchone()
        counts = manifests.setdefault(str(path), {})
        counts[column] = max(int(current) - count, 0)
        if "forgotten_rows" not in counts:  # the removed rows move to forgotten_rows
            columns = {
                row[0]
                for row in con.execute(
                    "describe select * from read_parquet(?)", [str(path)]
                ).fetchall()
            }
            counts["forgotten_rows"] = (
                int(
                    con.execute(
                        "select coalesce(forgotten_rows, 0) from read_parquet(?)", [str(path)]
                    ).fetchone()[0]
                )
                if "forgotten_rows" in columns
                else 0
            )
        counts["forgotten_rows"] += count
    return {"partner_id": int(partner_id), "files": files, "manifests": manifests}


def _rewrite(con: Any, warehouse: WarehousePaths, source: Path, select_sql: str) -> None:
    """Replace ``source`` by the result of ``select_sql``, atomically (copy to tmp, rename)."""
    tmp = warehouse.tmp / f"forget--{source.parent.name}--{source.name}.tmp"
    con.execute(f"copy ({select_sql}) to {_lit(str(tmp))} ({PARQUET_OPTIONS})")
    with open(tmp, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, source)


def _apply(con: Any, warehouse: WarehousePaths, plan: dict[str, Any], user_id: str) -> list[str]:
    partner_id = plan["partner_id"]
    rewritten = []
    for item in plan["files"]:
        path = Path(item["path"])
        if not path.exists():
            continue
        match = (
            _quarantine_match(partner_id, user_id)
            if item["kind"] == "quarantine"
            else _user_match(partner_id, user_id)
        )
        _rewrite(
            con,
            warehouse,
            path,
            f"select * from read_parquet({_lit(str(path))}, hive_partitioning = false) "
            f"where not coalesce({match}, false)",
        )
        rewritten.append(str(path.relative_to(warehouse.lake)))
    for manifest, counts in plan["manifests"].items():
        path = Path(manifest)
        if not path.exists():
            continue
        present = {
            row[0]
            for row in con.execute(
                f"describe select * from read_parquet({_lit(str(path))})"
            ).fetchall()
        }
        replaced = ", ".join(
            f"{int(value)}::bigint as {column}"
            for column, value in counts.items()
            if column in present
        )
        added = "".join(
            f", {int(value)}::bigint as {column}"
            for column, value in counts.items()
            if column not in present  # a manifest written before landing counted forgotten rows
        )
        select = f"select * replace ({replaced}){added}" if replaced else f"select *{added}"
        _rewrite(con, warehouse, path, f"{select} from read_parquet({_lit(str(path))})")
    return rewritten


def _write_json(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(document, indent=2))
    with open(tmp, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _last_published_day(warehouse: WarehousePaths) -> date | None:
    import duckdb

    if not warehouse.published_db.exists():
        return None
    with duckdb.connect(str(warehouse.published_db), read_only=True) as con:
        try:
            row = con.execute("select max(run_day) from warehouse_publish_info").fetchone()
        except duckdb.Error:
            return None
    return row[0] if row else None


def _purge_build_state(warehouse: WarehousePaths, partner_id: int, user_id: str) -> list | None:
    """Delete the viewer's rows from ``int_beacons_deduped`` in the build file and return the
    (partner, local day) partitions they were in; None when the build file has no incremental
    state (then only a full build can be made).

    ``int_beacons_deduped`` is the one model that carries landed rows from build to build (an
    incremental build merges the new lake partitions into it and does not re-read the lake), so
    rebuilding the viewer's days needs their rows gone from it; every other day-partitioned model
    recomputes its rebuilt days from it, and the rest is rebuilt in full by every build."""
    import duckdb

    from video_insights.incremental import BEACONS_TABLE, PARTITIONS_TABLE, SIDE_FILES_TABLE

    con = duckdb.connect(str(warehouse.build_db))
    try:
        tables = {
            row[0] for row in con.execute("select table_name from duckdb_tables()").fetchall()
        }
        if not {BEACONS_TABLE, PARTITIONS_TABLE, SIDE_FILES_TABLE} <= tables:
            return None
        match = (
            f"partner_id = {int(partner_id)} and user_id = {_lit(user_id.strip(' '))} "
            "and not is_anonymous"
        )
        days = con.execute(
            f"select distinct partner_id, report_date from {BEACONS_TABLE} "
            f"where {match} order by all"
        ).fetchall()
        con.execute(f"delete from {BEACONS_TABLE} where {match}")
        con.execute("checkpoint")
        return [(int(partner), day) for partner, day in days]
    finally:
        con.close()


def rebuild_without_viewer(
    warehouse: WarehousePaths, run_day: date, partner_id: int, user_id: str
) -> dict[str, Any]:
    """Rebuild the viewer's (partner, local day) partitions, widened by ``session_span_days``,
    through the incremental planner (``dbt build`` with ``rebuild_partner_days``); a full
    refresh only when no partial plan can be made (no incremental state in the build file, or
    the night's own plan would be a full build). The build is recorded in
    ``runs/<day>-forget-build.json`` like a night's in ``runs/<day>-build.json``."""
    from datetime import timedelta

    from video_insights.incremental import plan_build, project_vars
    from video_insights.pipeline import _jsonable, _record
    from video_insights.publish import prepare_build_file
    from video_insights.transform import dbt_build

    build_file = prepare_build_file(warehouse)  # the build file = the published version
    days = (
        _purge_build_state(warehouse, partner_id, user_id) if warehouse.build_db.exists() else None
    )
    plan = plan_build(warehouse, run_day, full_refresh=days is None)
    if not plan.full:
        assert days is not None
        span = int(project_vars()["session_span_days"])
        plan.reason = "forget-user"
        plan.touched = sorted(set(plan.touched) | set(days))
        plan.rebuild = sorted(
            set(plan.rebuild)
            | {
                (p, day + timedelta(days=shift))
                for p, day in days
                for shift in range(-span, span + 1)
            }
        )
    elif days is None:
        plan.reason = "forget-user: no incremental state in the build file"
    built = dbt_build(warehouse, run_day=run_day, full_refresh=plan.full, dbt_vars=plan.dbt_vars())
    rebuilt = [[partner, day.isoformat()] for partner, day in plan.rebuild]
    payload = _jsonable(built)
    payload["incremental"] = {
        "build_file": build_file,
        **plan.summary(),
        "viewer_partner_days": [[partner, day.isoformat()] for partner, day in (days or [])],
        "rebuilt_partner_days": rebuilt,
    }
    _record(warehouse, run_day, "forget-build", {"result": payload})
    log_event(
        logger,
        "forget_user_rebuild",
        full=plan.full,
        reason=plan.reason,
        partner_days=len(plan.rebuild),
    )
    return {"full": plan.full, "reason": plan.reason, "rebuilt_partner_days": rebuilt}


def forget_user(
    warehouse: WarehousePaths, partner_id: int, user_id: str, *, rebuild: bool = True
) -> ForgetResult:
    """Remove the viewer from the lake, rebuild and publish, and append to the ledger."""
    import duckdb

    if not str(user_id).strip():
        raise ForgetError("--user-id must not be empty")
    if not warehouse.lake.is_dir():
        raise ForgetError(f"no landed data under {warehouse.lake}: is --warehouse right?")
    warehouse.tmp.mkdir(parents=True, exist_ok=True)
    user_id = landed_user_id(warehouse, partner_id, user_id)  # from here on: as landed
    key = user_key(warehouse, partner_id, user_id)
    pending_path = _pending_path(warehouse)
    result = ForgetResult(
        partner_id=int(partner_id),
        user_key=key,
        requested_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    with duckdb.connect(config={"temp_directory": str(warehouse.tmp)}) as con:
        if pending_path.exists():
            pending = json.loads(pending_path.read_text())
            if pending.get("user_key") != key:
                raise ForgetError(
                    f"another forget request did not finish ({pending_path}); run it again "
                    "with the same --partner-id and --user-id first"
                )
            plan = pending["plan"]
        else:
            plan = _plan(con, warehouse, partner_id, user_id)
            _write_json(pending_path, {"user_key": key, "plan": plan})
        for item in plan["files"]:
            if item["kind"] == "beacons":
                result.beacon_rows_removed += item["rows"]
            elif item["kind"] == "quarantine":
                result.quarantine_rows_removed += item["rows"]
            else:
                result.user_records_removed += item["rows"]
        result.files_rewritten = _apply(con, warehouse, plan, user_id)
    log_event(
        logger,
        "forget_user_lake",
        partner_id=partner_id,
        user_key=key[:16],
        beacons=result.beacon_rows_removed,
        quarantine=result.quarantine_rows_removed,
        users=result.user_records_removed,
        files=len(result.files_rewritten),
    )
    if rebuild and warehouse.build_db.exists():
        from video_insights.pipeline import publish_step, validate_step

        day = _last_published_day(warehouse) or datetime.now(UTC).date()
        result.rebuild = rebuild_without_viewer(warehouse, day, int(partner_id), user_id)
        validate_step(warehouse.root, day)
        publish_step(warehouse.root, day)
        result.rebuilt = True
        result.published_run_day = day.isoformat()
    entry = result.to_dict()
    entry["files_rewritten"] = len(result.files_rewritten)
    ledger = ledger_path(warehouse)
    with open(ledger, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, sort_keys=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    pending_path.unlink(missing_ok=True)
    log_event(logger, "forget_user_done", partner_id=partner_id, user_key=key[:16])
    return result
