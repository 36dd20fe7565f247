"""One timed step = one child process: wall time and peak RSS (see bench/peak.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path


@dataclass(frozen=True)
class StepRun:
    seconds: float
    peak_rss_mb: float
    loadavg: float  # 1-minute load average when the step started


def cli() -> str:
    return str(Path(sys.executable).parent / "video-insights")


def loadavg() -> float:
    return os.getloadavg()[0]


def run_process(args: list[str], *, env: dict[str, str] | None = None, what: str = "") -> StepRun:
    """Run ``args`` to completion under bench.peak; fail with its stderr tail when it fails."""
    wrapped = [sys.executable, "-m", "bench.peak", *args]
    load = loadavg()
    started = time.perf_counter()
    proc = subprocess.Popen(
        wrapped,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[1],
    )
    out, err = proc.communicate()
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{what or args[0]} failed ({proc.returncode}):\n{err[-3000:]}")
    peak_kb = int(out.strip().splitlines()[-1])
    return StepRun(seconds, peak_kb / 1024, load)


def run_step(step: str, warehouse: Path, *, inbox: Path | None = None, day: date) -> StepRun:
    """One nightly step as a ``video-insights`` process."""
    args = [cli(), step, "--warehouse", str(warehouse)]
    args += ["--inbox", str(inbox)] if step == "land" else ["--day", day.isoformat()]
    return run_process(args, what=step)
