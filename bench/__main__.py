"""Time each step of a nightly run as whole processes, on simulated data made outside the timing.

    python -m bench [--beacons 1000000] [--runs 3] [--out docs/benchmarks.md]

Each run starts from a fresh warehouse over the same inbox: land (with enrichment), dbt build,
quality checks, publish, each as its own `video-insights` process. Reported per step: median and
spread of wall time over the runs, peak RSS of the step's process, and beacons per second.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STEPS = ("land", "build", "validate", "publish")
DAY = date(2026, 11, 1)


@dataclass
class StepRun:
    seconds: float
    peak_rss_mb: float


def _cli() -> str:
    return str(Path(sys.executable).parent / "video-insights")


def run_step(step: str, inbox: Path, warehouse: Path) -> StepRun:
    """One step as a child process; peak RSS from wait4's rusage of that child alone."""
    args = [_cli(), step, "--warehouse", str(warehouse)]
    args += ["--inbox", str(inbox)] if step == "land" else ["--day", DAY.isoformat()]
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{step} failed:\n{proc.stderr.read()[-3000:] if proc.stderr else ''}")
    return StepRun(seconds, usage.ru_maxrss / 1024)


def machine() -> str:
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    cpu = platform.processor() or platform.machine()
    python = platform.python_version()
    return f"{os.cpu_count()} cores ({cpu}), {mem_gb:.0f} GB memory, Python {python}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--beacons", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()

    from video_insights.simulate import SimulationConfig, simulate

    work = args.workdir or Path(tempfile.mkdtemp(prefix="vi-bench-"))
    inbox = work / "inbox"
    if inbox.exists():
        shutil.rmtree(inbox)
    print(f"simulating {args.beacons:,} beacons into {inbox} (not timed)")
    summary = simulate(
        SimulationConfig(
            inbox=inbox,
            partners=2,
            entries=200,
            days=1,
            beacons_per_day=args.beacons,
            start_day=DAY,
        )
    )
    beacons = summary.beacons_written
    results: dict[str, list[StepRun]] = {step: [] for step in STEPS}
    for run in range(args.runs):
        warehouse = work / f"warehouse-{run}"
        shutil.rmtree(warehouse, ignore_errors=True)
        for step in STEPS:
            results[step].append(run_step(step, inbox, warehouse))
            print(f"run {run + 1}/{args.runs} {step}: {results[step][-1].seconds:.1f} s")
        shutil.rmtree(warehouse, ignore_errors=True)

    lines = [
        f"## Nightly run, {beacons:,} beacons, {args.runs} runs ({datetime.now(UTC):%Y-%m-%d})",
        "",
        f"Machine: {machine()}. Each step is its own process on a fresh warehouse; the data was",
        "simulated before timing (2 partners, 200 entries, one day).",
        "",
        "| step | median s | min-max s | peak RSS MB | beacons/s |",
        "|---|---|---|---|---|",
    ]
    total = 0.0
    for step in STEPS:
        seconds = [r.seconds for r in results[step]]
        median = statistics.median(seconds)
        total += median
        rss = max(r.peak_rss_mb for r in results[step])
        lines.append(
            f"| {step} | {median:.1f} | {min(seconds):.1f}-{max(seconds):.1f} | "
            f"{rss:,.0f} | {beacons / median:,.0f} |"
        )
    lines.append(f"| **total** | **{total:.1f}** | | | **{beacons / total:,.0f}** |")
    lines.append("")
    text = "\n".join(lines)
    print(text)
    previous = args.out.read_text() if args.out.exists() else "# Benchmarks\n\n"
    header, _, rest = previous.partition("\n## ")
    args.out.write_text(header.rstrip() + "\n\n" + text + ("\n## " + rest if rest else ""))


if __name__ == "__main__":
    main()
