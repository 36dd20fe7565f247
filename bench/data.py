"""Benchmark data, made outside the timed part and cached in the work directory.

* history: ``history_days`` days of ``history_beacons`` beacons each, ending the day before the
  benchmark night, in their own inbox; landed and built once into a *base warehouse* (the state
  after those nights), which every timed run starts from (a copy).
* the night: one day of ``beacons`` beacons (1% of them duplicated, as a collector delivers
  them) in its own inbox, landed by the timed ``land`` step.

Inboxes are reused when their simulation summary says they hold what was asked for (same
seed, catalog and volume), so a rerun of ``make bench`` does not simulate again.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from bench.steps import cli, run_process, run_step

NIGHT = date(2026, 11, 1)
PARTNERS = 2
ENTRIES = 200
DUPLICATE_RATE = 0.01


@dataclass(frozen=True)
class Inbox:
    path: Path
    beacons: int  # lines written (duplicates included)


def _simulate(
    inbox: Path, days: int, beacons_per_day: int, start_day: date, duplicates: float
) -> Inbox:
    from video_insights.simulate import SimulationConfig, simulate
    from video_insights.simulate.faults import FaultConfig

    stamp = inbox.parent / (inbox.name + ".json")
    wanted = {
        "days": days,
        "beacons_per_day": beacons_per_day,
        "start_day": start_day.isoformat(),
        "partners": PARTNERS,
        "entries": ENTRIES,
        "duplicate_rate": duplicates,
    }
    if stamp.exists() and inbox.exists():
        saved = json.loads(stamp.read_text())
        if saved.get("wanted") == wanted:
            return Inbox(inbox, saved["beacons"])
    shutil.rmtree(inbox, ignore_errors=True)
    print(f"simulating {days} day(s) x {beacons_per_day:,} beacons into {inbox} (not timed)")
    summary = simulate(
        SimulationConfig(
            inbox=inbox,
            partners=PARTNERS,
            entries=ENTRIES,
            days=days,
            beacons_per_day=beacons_per_day,
            start_day=start_day,
            faults=FaultConfig(duplicate_rate=duplicates),
        )
    )
    beacons = summary.lines
    stamp.write_text(json.dumps({"wanted": wanted, "beacons": beacons}))
    return Inbox(inbox, beacons)


def history_inbox(work: Path, days: int, beacons_per_day: int) -> Inbox:
    start = NIGHT - timedelta(days=days)
    return _simulate(work / f"history-{days}d-{beacons_per_day}", days, beacons_per_day, start, 0.0)


def night_inbox(work: Path, beacons: int, *, snapshots: bool = True) -> Inbox:
    """The night's inbox. ``snapshots=False`` (the incremental benchmark): without the side
    feeds' full snapshots, only the day's own side-feed files (the entries renamed that day, the
    day's usage). The simulator dates its catalog from its first day, so a night simulated on
    its own carries snapshots whose entries were "created" on other dates than the history's:
    landed on top of the history they would change hundreds of entries at once, which no real
    night does (and whose cost then depends on how the two simulations happen to differ)."""
    if snapshots:
        return _simulate(work / f"night-{beacons}", 1, beacons, NIGHT, DUPLICATE_RATE)
    inbox = _simulate(work / f"night-{beacons}-deltas", 1, beacons, NIGHT, DUPLICATE_RATE)
    for feed in ("partners", "categories", "users", "entries"):
        for snapshot in inbox.path.glob(f"{feed}/{feed}_s[0-9]*.jsonl*"):
            snapshot.unlink()
    return inbox


def base_warehouse(work: Path, history: Inbox, days: int) -> Path:
    """The warehouse after the history's nights: landed once, then built, checked and published
    by a backfill of the history's days (one build of the last day would set aside every day
    older than late_arrival_days: a "60-day" base would hold 8 days)."""
    base = work / f"base-{history.path.name}"
    done = base / ".bench-ready"
    if done.exists():
        return base
    shutil.rmtree(base, ignore_errors=True)
    first_day, last_day = NIGHT - timedelta(days=days), NIGHT - timedelta(days=1)
    print(f"preparing the base warehouse {base} (not timed)")
    run_step("land", base, inbox=history.path, day=last_day)
    run_process(
        [
            cli(),
            "backfill",
            "--warehouse",
            str(base),
            "--from-day",
            first_day.isoformat(),
            "--to-day",
            last_day.isoformat(),
        ],
        what="backfill",
    )
    done.write_text("ok\n")
    return base


def fresh_copy(base: Path, target: Path) -> Path:
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(base, target, ignore=shutil.ignore_patterns(".bench-ready"))
    return target
