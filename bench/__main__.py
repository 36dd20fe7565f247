"""``make bench``: a night of the pipeline against the floor, on simulated data.

    python -m bench [--sizes 1000000,10000000] [--runs 3] [--incremental] [--out docs/benchmarks.md]

``BENCH_SIZES`` (comma-separated beacon counts, e.g. ``BENCH_SIZES=50000000``) replaces the
default sizes; ``BENCH_RUNS`` the run count. For each size, outside the timed part: simulate
``--history-days`` of history and the night's inbox, land and build the history once (the base
warehouse), resolve the floor's enrichment lookups. Then, per run: a fresh copy of the base
warehouse, the four steps of the night (land with enrichment, dbt build, quality checks,
publish) each as its own ``video-insights`` process, then the floor (bench/floor.sql) as one
process on the same inboxes. Reported: median and spread of each step, of the total and of the
floor, peak RSS, beacons per second, the load average, and whether the floor's tables equal the
pipeline's. ``--incremental`` times a night on top of 1 and of 60 days of history.

Other benchmarks living in this package (``bench/report_latency.py``, ``bench/collector_load.py``)
run after these when present, each as ``python -m bench.<name>`` with ``BENCH_DOCS`` (the
benchmarks document) and ``BENCH_WORKDIR`` set: they write their own sections.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import data, results
from bench.compare import compare
from bench.floor import build_lookups, variables
from bench.results import machine
from bench.steps import StepRun, loadavg, run_process, run_step

ROOT = Path(__file__).resolve().parents[1]
STEPS = ("land", "build", "validate", "publish")
DEFAULT_SIZES = (1_000_000, 10_000_000)
EXTRA_BENCHMARKS = ("report_latency", "collector_load")
__all__ = ["ROOT", "machine", "main"]  # bench.collector_load imports ROOT and machine


def _sizes(text: str | None) -> list[int]:
    if not text:
        return list(DEFAULT_SIZES)
    return [int(part.replace("_", "")) for part in text.split(",") if part.strip()]


def time_night(
    base: Path,
    inbox: Path,
    work: Path,
    runs: int,
    floor_vars: Path | None,
    after_run: Callable[[dict[str, list[StepRun]]], None] | None = None,
) -> dict[str, list[StepRun]]:
    """``runs`` nights on fresh copies of ``base``; the floor right after each (same load).

    ``after_run`` gets the figures so far after each run (a long benchmark saves as it goes).
    """
    timed: dict[str, list[StepRun]] = {name: [] for name in (*STEPS, "total", "floor")}
    for run in range(runs):
        warehouse = data.fresh_copy(base, work / "warehouse")
        steps = []
        for step in STEPS:
            steps.append(run_step(step, warehouse, inbox=inbox, day=data.NIGHT))
            timed[step].append(steps[-1])
            print(f"  run {run + 1}/{runs} {step}: {steps[-1].seconds:.1f} s", flush=True)
        timed["total"].append(
            StepRun(
                sum(s.seconds for s in steps),
                max(s.peak_rss_mb for s in steps),
                statistics.mean(s.loadavg for s in steps),
            )
        )
        if floor_vars is not None:
            floor = run_process(
                [
                    sys.executable,
                    "-m",
                    "bench.floor",
                    "--db",
                    str(work / "floor.duckdb"),
                    "--inbox",
                    str(inbox),
                    "--variables",
                    str(floor_vars),
                ],
                what="floor",
            )
            timed["floor"].append(floor)
            print(f"  run {run + 1}/{runs} floor: {floor.seconds:.1f} s", flush=True)
        if after_run is not None:
            after_run(timed)
    return timed


def summarize(timed: dict[str, list[StepRun]], beacons: int) -> dict[str, dict[str, float]]:
    summary = {}
    for name, runs in timed.items():
        if not runs:
            continue
        seconds = [r.seconds for r in runs]
        median = statistics.median(seconds)
        summary[name] = {
            "median_s": round(median, 2),
            "min_s": round(min(seconds), 2),
            "max_s": round(max(seconds), 2),
            "peak_rss_mb": round(max(r.peak_rss_mb for r in runs)),
            "beacons_per_s": round(beacons / median) if median else 0,
            "loadavg": round(statistics.mean(r.loadavg for r in runs), 1),
            "runs_s": [round(second, 2) for second in seconds],
        }
    return summary


def bench_size(args: argparse.Namespace, beacons_wanted: int, context: dict[str, Any]) -> dict:
    work = args.workdir
    history = data.history_inbox(work, args.history_days, args.history_beacons)
    night = data.night_inbox(work, beacons_wanted)
    base = data.base_warehouse(work, history, args.history_days)
    run_dir = work / f"runs-{beacons_wanted}"
    run_dir.mkdir(parents=True, exist_ok=True)
    floor_vars = None
    if not args.no_floor:
        inboxes = [history.path, night.path]
        lookups = build_lookups(inboxes, work / f"lookups-{beacons_wanted}")
        floor_vars = run_dir / "floor-variables.json"
        floor_vars.write_text(json.dumps(variables(inboxes, lookups)))
    record: dict[str, Any] = {
        **context,
        "id": f"{context['date']} nightly {beacons_wanted}",
        "kind": "nightly",
        "size": beacons_wanted,
        "beacons": night.beacons,
        "history": f"{args.history_days} days x {args.history_beacons:,} beacons",
    }

    def save(timed: dict[str, list[StepRun]]) -> None:
        record["runs"] = len(timed["total"])
        record["steps"] = summarize(timed, night.beacons)
        if timed["floor"]:
            # same run, same load: the ratio of each run, less noisy than a ratio of medians
            record["ratios"] = [
                round(total.seconds / floor.seconds, 2)
                for total, floor in zip(timed["total"], timed["floor"], strict=True)
            ]
        record["dbt_models"] = results.slowest_models(run_dir / "warehouse", 8)
        if floor_vars is not None:
            published = run_dir / "warehouse" / "published" / "warehouse.duckdb"
            comparison = compare(run_dir / "floor.duckdb", published)
            record["floor_equal"] = all(table.equal for table in comparison)
            record["comparison"] = [table.describe() for table in comparison]
            for line in record["comparison"]:
                print(f"  {line}", flush=True)
        results.save(args.out, record)

    print(f"timing {night.beacons:,} beacons, {args.runs} run(s)", flush=True)
    time_night(base, night.path, run_dir, args.runs, floor_vars, save)
    if not args.keep:
        shutil.rmtree(run_dir / "warehouse", ignore_errors=True)
    return record


def bench_incremental(args: argparse.Namespace, context: dict[str, Any]) -> dict:
    """A night of ``--incremental-beacons`` on 1 day of history vs on 60 days.

    The runs alternate (1 day, 60 days, 1 day, ...) so a change in the machine's load during
    the benchmark weighs on both sides alike.
    """
    work = args.workdir
    night = data.night_inbox(work, args.incremental_beacons, snapshots=False)
    history_days = (1, args.long_history_days)
    bases = {}
    for days in history_days:
        history = data.history_inbox(work, days, args.history_beacons)
        bases[days] = data.base_warehouse(work, history, days)
    timed: dict[int, dict[str, list[StepRun]]] = {}
    for run in range(args.runs):
        for days in history_days:
            print(
                f"run {run + 1}/{args.runs}: a night of {night.beacons:,} beacons on {days} "
                "day(s) of history",
                flush=True,
            )
            once = time_night(bases[days], night.path, work / f"incremental-{days}d", 1, None)
            for name, runs in once.items():
                timed.setdefault(days, {}).setdefault(name, []).extend(runs)
    totals = {str(days): summarize(timed[days], night.beacons) for days in history_days}
    if not args.keep:
        for days in history_days:
            shutil.rmtree(work / f"incremental-{days}d" / "warehouse", ignore_errors=True)
    return {
        **context,
        "id": f"{context['date']} incremental",
        "kind": "incremental",
        "beacons": night.beacons,
        "history_beacons_per_day": args.history_beacons,
        "runs": args.runs,
        "by_history_days": totals,
    }


def run_extra_benchmarks(args: argparse.Namespace) -> None:
    for name in EXTRA_BENCHMARKS:
        if name in args.skip or importlib.util.find_spec(f"bench.{name}") is None:
            continue
        print(f"running bench.{name}", flush=True)
        env = {**os.environ, "BENCH_DOCS": str(args.out), "BENCH_WORKDIR": str(args.workdir)}
        subprocess.run([sys.executable, "-m", f"bench.{name}"], cwd=ROOT, env=env, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--sizes",
        default=os.environ.get("BENCH_SIZES"),
        help="beacons per night, comma-separated (default 1000000,10000000)",
    )
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "3")))
    parser.add_argument("--history-days", type=int, default=3)
    parser.add_argument("--history-beacons", type=int, default=100_000, help="per history day")
    parser.add_argument("--incremental", action="store_true", help="also: 1 vs 60 days of history")
    parser.add_argument("--only-incremental", action="store_true")
    parser.add_argument("--incremental-beacons", type=int, default=1_000_000)
    parser.add_argument("--long-history-days", type=int, default=60)
    parser.add_argument("--no-floor", action="store_true")
    parser.add_argument("--skip", default="", help="extra benchmarks to skip: report_latency,...")
    parser.add_argument("--keep", action="store_true", help="keep the last run's warehouse")
    parser.add_argument("--workdir", type=Path, default=ROOT / "data" / "bench")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()
    args.workdir = args.workdir.resolve()
    args.workdir.mkdir(parents=True, exist_ok=True)
    args.skip = {part.strip() for part in args.skip.split(",") if part.strip()}

    started = datetime.now(UTC)
    context = {
        "date": started.strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "commit": results.commit(ROOT),
        "loadavg_start": round(loadavg(), 1),
    }
    if not args.only_incremental:
        for size in _sizes(args.sizes):
            bench_size(args, size, context)
    if args.incremental or args.only_incremental:
        results.save(args.out, bench_incremental(args, context))
    run_extra_benchmarks(args)
    print(f"results: {args.out}")


if __name__ == "__main__":
    main()
