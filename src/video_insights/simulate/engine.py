"""Running a simulation: one job per day (and per late file), merged into a summary.

Each day is generated from its own random stream, ``Random(f"{seed}:day:{date}")``, so days are
independent: they can run in parallel processes and a one-day run writes the same files as the
same day inside a longer run. Within a day, sessions are simulated in start-time order and their
beacons merged through a heap, so the files come out sorted by ``receivedAt`` while only the
beacons of sessions still in progress are held in memory.
"""

from __future__ import annotations

import contextlib
import heapq
import multiprocessing
import os
import random
import threading
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from time import perf_counter

from video_insights.contract import BEACONS_DIR
from video_insights.simulate.catalog import Catalog, build_catalog
from video_insights.simulate.config import SimulationConfig
from video_insights.simulate.faults import FaultPlan, LateFile, MalformedSpec
from video_insights.simulate.feeds import write_side_feeds
from video_insights.simulate.sessions import ViewerHome, ViewingSession
from video_insights.simulate.summary import FaultSummary, SimulationSummary
from video_insights.simulate.timeline import (
    HOUR_MS,
    WEEKDAY_FACTOR,
    session_starts,
)
from video_insights.simulate.writer import TMP_DIR, ChunkResult, DayWriter, late_file_name

# Sessions simulated (and thrown away) to size a day: the mean session size is heavy-tailed
# (hour-long lectures and live events), so big runs afford a bigger, more precise pilot.
PILOT_SESSIONS = (400, 3000)
LATE_START_WINDOW = (0, 17 * HOUR_MS)  # late-file sessions end before midnight
PARALLEL_THRESHOLD = 400_000  # beacons in a run before it uses several processes

_catalogs: dict[tuple[int, int, int, date], Catalog] = {}


def catalog_for(seed: int, partners: int, entries: int, start_day: date) -> Catalog:
    key = (seed, partners, entries, start_day)
    if key not in _catalogs:
        _catalogs.clear()
        _catalogs[key] = build_catalog(seed, partners, entries, start_day)
    return _catalogs[key]


def beacons_per_session(catalog: Catalog, seed: int, beacons_per_day: int) -> float:
    """The mean size of a session for this catalog, from a seeded pilot run (about 3% off
    for big runs, 8% for small ones)."""
    low, high = PILOT_SESSIONS
    sessions = max(low, min(high, beacons_per_day // 200))
    rng = random.Random(f"{seed}:pilot")
    homes: dict[str, ViewerHome] = {}
    total = 0
    for number in range(sessions):
        pc = catalog.pick_partner(rng)
        total += len(ViewingSession(rng, pc, number * 1000, homes, seed).run())
    return total / sessions


@dataclass(frozen=True)
class Job:
    """One unit of work: the regular files of a day, or one late file."""

    inbox: Path
    seed: int
    partners: int
    entries: int
    catalog_day: date  # the run's start day (the catalog depends on it)
    day: date  # the day the beacons are received on
    sessions: int
    files_per_day: int
    compresslevel: int
    duplicate_rate: float = 0.0
    malformed: dict[int, list[MalformedSpec]] = field(default_factory=dict)
    truncate: int | None = None
    delivered: date | None = None  # set for a late file
    late_number: int = 0


def run_job(job: Job) -> ChunkResult:
    catalog = catalog_for(job.seed, job.partners, job.entries, job.catalog_day)
    result = ChunkResult()
    seed = job.seed
    if job.delivered is None:
        rng = random.Random(f"{seed}:day:{job.day.isoformat()}")
        starts = session_starts(rng, catalog, job.day, job.sessions)
        writer = DayWriter(
            job.inbox,
            job.day,
            job.files_per_day,
            seed,
            result,
            compresslevel=job.compresslevel,
            duplicate_rate=job.duplicate_rate,
            duplicate_rng=random.Random(f"{seed}:duplicates:{job.day.isoformat()}"),
            malformed=job.malformed,
            truncate=job.truncate,
            truncate_rng=random.Random(f"{seed}:truncate:{job.day.isoformat()}"),
        )
    else:
        rng = random.Random(f"{seed}:late:{job.delivered.isoformat()}:{job.late_number}")
        starts = session_starts(rng, catalog, job.day, job.sessions, LATE_START_WINDOW)
        name = late_file_name(job.delivered, job.late_number, job.day, seed)
        writer = DayWriter(
            job.inbox, job.day, 1, seed, result, compresslevel=job.compresslevel, single_file=name
        )

    homes: dict[str, ViewerHome] = {}
    partners = catalog.partners
    heap: list[tuple[int, int, int, bytes]] = []
    push, pop, add = heapq.heappush, heapq.heappop, writer.add
    sequence = 0
    for start, index in starts:
        # No later session can send anything before its start: what is older is final.
        while heap and heap[0][0] < start:
            received, _, event_type, body = pop(heap)
            add(received, event_type, body)
        pc = partners[index]
        beacons = ViewingSession(rng, pc, start, homes, seed).run()
        result.by_partner[pc.partner.partner_id] += len(beacons)
        for received, event_type, body in beacons:
            push(heap, (received, sequence, event_type, body))
            sequence += 1
    while heap:
        received, _, event_type, body = pop(heap)
        add(received, event_type, body)
    writer.finish()
    result.sessions = len(starts)
    return result


def _jobs(config: SimulationConfig, catalog: Catalog) -> tuple[list[Job], FaultPlan]:
    per_session = beacons_per_session(catalog, config.seed, config.beacons_per_day)
    days = [config.start_day + timedelta(days=i) for i in range(config.days)]

    def sessions_on(day: date) -> int:
        return max(1, round(config.beacons_per_day * WEEKDAY_FACTOR[day.weekday()] / per_session))

    plan = FaultPlan.make(
        config.faults,
        config.seed,
        config.days,
        config.files_per_day,
        max(1, config.beacons_per_day // config.files_per_day),
    )
    base = Job(
        inbox=Path(config.inbox),
        seed=config.seed,
        partners=config.partners,
        entries=config.entries,
        catalog_day=config.start_day,
        day=config.start_day,
        sessions=0,
        files_per_day=config.files_per_day,
        compresslevel=config.compresslevel,
    )
    jobs: list[Job] = []
    for index, day in enumerate(days):
        malformed = {k: specs for (d, k), specs in plan.malformed.items() if d == index}
        truncate = plan.truncated[1] if plan.truncated and plan.truncated[0] == index else None
        jobs.append(
            replace(
                base,
                day=day,
                sessions=sessions_on(day),
                duplicate_rate=config.faults.duplicate_rate,
                malformed=malformed,
                truncate=truncate,
            )
        )
    for delivered_index, number in plan.late:
        delivered = days[delivered_index]
        beacons_day = delivered - timedelta(days=2)
        late_sessions = max(1, sessions_on(beacons_day) // (2 * config.files_per_day))
        jobs.append(
            replace(
                base,
                day=beacons_day,
                sessions=late_sessions,
                delivered=delivered,
                late_number=number,
            )
        )
    return jobs, plan


def _can_fork() -> bool:
    """Forking is safe for a single-threaded caller on POSIX. "spawn" is not an option: it
    re-imports the caller's main module, which breaks callers without a ``__main__`` guard."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def _run(jobs: list[Job], workers: int) -> list[ChunkResult]:
    if workers <= 1 or len(jobs) <= 1 or not _can_fork():
        return [run_job(job) for job in jobs]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(run_job, jobs))


def simulate(config: SimulationConfig) -> SimulationSummary:
    """Write beacons and side feeds for ``config`` into ``config.inbox``; what was written."""
    started = perf_counter()
    inbox = Path(config.inbox)
    (inbox / BEACONS_DIR).mkdir(parents=True, exist_ok=True)
    catalog = catalog_for(config.seed, config.partners, config.entries, config.start_day)
    jobs, _plan = _jobs(config, catalog)
    workers = config.workers
    if workers is None:
        big = config.beacons_per_day * config.days >= PARALLEL_THRESHOLD
        workers = min(len(jobs), os.cpu_count() or 1) if big else 1
    results = _run(jobs, workers)

    summary = SimulationSummary(
        seed=config.seed,
        start_day=config.start_day.isoformat(),
        days=config.days,
        partners={pc.partner.partner_id: pc.partner.timezone for pc in catalog.partners},
    )
    by_event_type: Counter[int] = Counter()
    by_day: Counter[int] = Counter()
    by_partner: Counter[int] = Counter()
    faults = FaultSummary()
    for job, result in zip(jobs, results, strict=True):
        by_event_type.update(result.by_event_type)
        by_day.update(result.by_day)
        by_partner.update(result.by_partner)
        summary.sessions += result.sessions
        summary.lines += sum(f.lines for f in result.files)
        summary.beacon_files += [f.file for f in result.files]
        faults.duplicates_identical += result.duplicates_identical
        faults.duplicates_shifted += result.duplicates_shifted
        faults.malformed += result.malformed
        if result.truncated is not None:
            faults.truncated = result.truncated
        if job.delivered is not None:
            late = result.files[0]
            faults.late_files.append(
                LateFile(late.file, job.delivered.isoformat(), job.day.isoformat(), late.beacons)
            )
    summary.by_event_type = dict(sorted(by_event_type.items()))
    summary.by_day = {
        date.fromordinal(day + 719_163).isoformat(): count for day, count in sorted(by_day.items())
    }
    summary.by_partner = dict(sorted(by_partner.items()))
    summary.beacons_written = sum(by_event_type.values())
    summary.faults = faults

    if config.side_feeds:
        days = [config.start_day + timedelta(days=i) for i in range(config.days)]
        files, counts, renamed = write_side_feeds(
            inbox, catalog, config.seed, config.start_day, days
        )
        summary.side_feed_files, summary.side_feed_records = files, counts
        summary.renamed_entries = renamed
    with contextlib.suppress(OSError):
        (inbox / TMP_DIR).rmdir()  # left in place only if something else uses it
    summary.elapsed_secs = perf_counter() - started
    return summary
