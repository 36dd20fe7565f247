"""Benchmark records: kept in bench/results.json, rendered into docs/benchmarks.md.

Every run of ``python -m bench`` appends its records to the JSON file beside the document
(``docs/benchmarks.json``, committed: the history of the figures; a long benchmark updates its
record after each run) and rewrites the block between the ``bench:results`` markers of the
benchmarks document: the newest record of each benchmark, what changed since the one before
it, and a one-line history. The rest of the document is written by hand (and by the other
benchmarks, in their own sections).
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
from pathlib import Path

START, END = "<!-- bench:results:start -->", "<!-- bench:results:end -->"


def machine() -> str:
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    cpu = platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import duckdb

    return (
        f"{os.cpu_count()} cores ({cpu}), {mem_gb:.0f} GB memory, Python "
        f"{platform.python_version()}, DuckDB {duckdb.__version__}"
    )


def commit(root: Path) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), "log", "-1", "--format=%h %s"],
        capture_output=True,
        text=True,
        check=False,
    )
    dirty = subprocess.run(
        ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        check=False,
    )
    text = done.stdout.strip()[:72] or "unknown"
    return text + (" (+ uncommitted changes)" if dirty.stdout.strip() else "")


def slowest_models(warehouse: Path, count: int) -> list[list]:
    """The slowest dbt nodes of the last build (run_results.json): [name, seconds]."""
    path = warehouse / "build" / "dbt-target" / "run_results.json"
    if not path.exists():
        return []
    nodes = json.loads(path.read_text()).get("results", [])
    timed = sorted(
        (
            (node["unique_id"].split(".")[-1], float(node.get("execution_time") or 0.0))
            for node in nodes
        ),
        key=lambda item: -item[1],
    )
    return [[name, round(seconds, 1)] for name, seconds in timed[:count]]


def _key(record: dict) -> str:
    return f"{record['kind']}-{record.get('size', '')}"


def load(doc: Path) -> list[dict]:
    path = doc.with_suffix(".json")
    return json.loads(path.read_text()) if path.exists() else []


def save(doc: Path, record: dict) -> None:
    records = [old for old in load(doc) if old.get("id") != record.get("id")] + [dict(record)]
    doc.with_suffix(".json").write_text(json.dumps(records, indent=1) + "\n")
    render(doc, records)


def _fmt(seconds: float) -> str:
    return f"{seconds:,.1f}"


def _nightly(record: dict, previous: dict | None) -> list[str]:
    steps = record["steps"]
    lines = [
        f"### Nightly run, {record['beacons']:,} beacons ({record['date']})",
        "",
        f"Commit `{record['commit']}`; {record['runs']} run(s) on top of {record['history']} of "
        f"history. Load average (1 min) at the start: {record['loadavg_start']}.",
        "",
        "| step | median s | min-max s | peak RSS MB | beacons/s | load avg |",
        "|---|---|---|---|---|---|",
    ]
    for name in ("land", "build", "validate", "publish", "total", "floor"):
        if name not in steps:
            continue
        step = steps[name]
        label = f"**{name}**" if name in ("total", "floor") else name
        lines.append(
            f"| {label} | {_fmt(step['median_s'])} | {_fmt(step['min_s'])}-{_fmt(step['max_s'])} "
            f"| {step['peak_rss_mb']:,} | {step['beacons_per_s']:,} | {step['loadavg']} |"
        )
    lines.append("")
    if "floor" in steps and steps["floor"]["median_s"]:
        ratio = steps["total"]["median_s"] / steps["floor"]["median_s"]
        equal = "equal" if record.get("floor_equal") else "**NOT equal**"
        per_run = ""
        if record.get("ratios"):
            ratios = record["ratios"]
            per_run = (
                f" (median of the per-run ratios {statistics.median(ratios):.2f}x; runs: "
                + ", ".join(f"{value:.2f}x" for value in ratios)
                + ")"
            )
        lines += [
            f"**Pipeline / floor: {ratio:.2f}x**{per_run}, medians of the totals (target: within "
            f"2x at 10M). The floor's tables are {equal} to the pipeline's:",
            "",
            *(f"- {line}" for line in record.get("comparison", [])),
            "",
        ]
    if record.get("dbt_models"):
        slowest = ", ".join(f"{name} {seconds} s" for name, seconds in record["dbt_models"])
        lines += [f"Slowest dbt nodes (run_results.json, last run): {slowest}.", ""]
    if previous is not None:
        before, now = previous["steps"], steps
        changes = [
            f"{name} {_fmt(before[name]['median_s'])} -> {_fmt(now[name]['median_s'])} s"
            for name in ("land", "build", "validate", "publish", "total", "floor")
            if name in before and name in now
        ]
        lines += [
            f"Since the previous run ({previous['date']}, `{previous['commit']}`, load "
            f"{previous['loadavg_start']}): " + "; ".join(changes) + ".",
            "",
        ]
    return lines


def _incremental(record: dict, previous: dict | None) -> list[str]:
    by_days = record["by_history_days"]
    lines = [
        f"### Incremental cost: a night of {record['beacons']:,} beacons on 1 vs "
        f"{max(by_days, key=int)} days of history ({record['date']})",
        "",
        f"Commit `{record['commit']}`; {record['runs']} run(s) each; history "
        f"{record['history_beacons_per_day']:,} beacons per day.",
        "",
        "| history days | land s | build s | validate s | publish s | total s (min-max) | "
        "peak RSS MB | load avg |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for days, steps in sorted(by_days.items(), key=lambda item: int(item[0])):
        total = steps["total"]
        lines.append(
            f"| {days} | "
            + " | ".join(
                _fmt(steps[name]["median_s"]) for name in ("land", "build", "validate", "publish")
            )
            + f" | {_fmt(total['median_s'])} ({_fmt(total['min_s'])}-{_fmt(total['max_s'])}) "
            f"| {total['peak_rss_mb']:,} | {total['loadavg']} |"
        )
    days = sorted(by_days, key=int)
    ratio = by_days[days[-1]]["total"]["median_s"] / by_days[days[0]]["total"]["median_s"]
    lines += ["", f"**{days[-1]}-day / 1-day night: {ratio:.2f}x** (target: within 1.2x).", ""]
    if previous is not None:
        old = previous["by_history_days"]
        old_ratio = (
            old[max(old, key=int)]["total"]["median_s"]
            / old[min(old, key=int)]["total"]["median_s"]
        )
        lines += [
            f"Previous run ({previous['date']}, `{previous['commit']}`): {old_ratio:.2f}x.",
            "",
        ]
    return lines


def render(doc: Path, records: list[dict]) -> None:
    newest: dict[str, dict] = {}
    before: dict[str, dict] = {}
    for record in records:
        key = _key(record)
        if key in newest:
            before[key] = newest[key]
        newest[key] = record
    lines: list[str] = []
    for key in sorted(
        newest, key=lambda k: (newest[k]["kind"] != "nightly", newest[k].get("size", 0))
    ):
        record = newest[key]
        render_one = _nightly if record["kind"] == "nightly" else _incremental
        lines += render_one(record, before.get(key))
    lines += [
        "#### Every recorded run",
        "",
        "| date | commit | benchmark | total s | floor s | load |",
        "|---|---|---|---|---|---|",
    ]
    for record in reversed(records):
        if record["kind"] == "nightly":
            steps = record["steps"]
            floor = _fmt(steps["floor"]["median_s"]) if "floor" in steps else "-"
            lines.append(
                f"| {record['date']} | `{record['commit'][:40]}` | {record['beacons']:,} beacons "
                f"| {_fmt(steps['total']['median_s'])} | {floor} | {record['loadavg_start']} |"
            )
        else:
            totals = ", ".join(
                f"{days} d: {_fmt(steps['total']['median_s'])}"
                for days, steps in record["by_history_days"].items()
            )
            lines.append(
                f"| {record['date']} | `{record['commit'][:40]}` | incremental | {totals} | - "
                f"| {record['loadavg_start']} |"
            )
    block = "\n".join([START, "", *lines, "", END])
    text = doc.read_text() if doc.exists() else f"# Benchmarks\n\n{START}\n{END}\n"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        _, tail = rest.split(END, 1)
        text = head + block + tail
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    doc.write_text(text)
