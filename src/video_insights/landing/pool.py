"""Landing files in worker processes, one file per task, so both cores work (``land_inbox``).

The hot loop is Python (one core per process), so a big night lands in ``workers`` processes
(default: one per core), each landing whole files on its own: staging, its own DuckDB writing
the Parquet files, the manifest row last, rollback on failure, exactly as in-process. Each file's
``landed_at`` is fixed before it is handed out, so the result does not depend on which worker
finishes first. Workers start from a fork server that has imported landing once, die with
their parent (``PR_SET_PDEATHSIG``, so a killed run leaves no writer behind) and keep their
enrichment caches across the files they land. As with any ``multiprocessing`` program, a script
that calls ``land_inbox`` on a big night must guard its entry point with
``if __name__ == "__main__":`` (the ``video-insights`` command, ``python -m`` modules and
pytest do).
A worker's first file costs ~0.3 s of CPU more than the next ones (caches, DuckDB warm-up).
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import re
import signal
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from video_insights.config import WarehousePaths
from video_insights.landing.inbox import InboxFile
from video_insights.landing.summary import FileResult
from video_insights.privacy.forgotten import ForgottenViewers

WORKERS_ENV = "VIDEO_INSIGHTS_LANDING_WORKERS"
# Below this many compressed bytes to land, starting workers costs more than it saves.
POOL_MIN_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class WorkerSettings:
    warehouse: WarehousePaths
    geoip_db: Path | None
    memory_limit: str
    key: bytes
    pseudonym_key: bytes | None
    pseudonym_partners: frozenset[int]
    forgotten: ForgottenViewers | None = None


@dataclass
class TaskResult:
    result: FileResult
    ips_looked_up: int  # distinct IPs / user agents this task resolved first in its worker
    agents_parsed: int
    cpu_seconds: float  # of the worker process (all its threads) while landing this file
    worker: int  # the worker's process id


def worker_count(requested: int | None, files: list[InboxFile]) -> int:
    """Processes to land ``files`` with: 1 means in this process."""
    if requested is None:
        env = os.environ.get(WORKERS_ENV, "").strip()
        if env:
            requested = int(env) if env.isdigit() else 1
    if requested is None:
        total = 0
        for file in files:
            with contextlib.suppress(OSError):
                total += file.path.stat().st_size
        if total < POOL_MIN_BYTES:
            return 1
        requested = os.cpu_count() or 1
    return max(1, min(requested, len(files)))


def split_memory_limit(memory_limit: str, workers: int) -> str:
    """DuckDB's memory limit shared by ``workers`` processes (``"2GB"`` / 2 -> ``"1024MB"``)."""
    match = re.fullmatch(r"\s*([0-9.]+)\s*(KB|MB|GB|TB|KIB|MIB|GIB|TIB)?\s*", memory_limit.upper())
    if not match or workers <= 1:
        return memory_limit
    scale = {"KB": 1 / 1024, "MB": 1, "GB": 1024, "TB": 1024**2}
    unit = (match.group(2) or "MB").replace("I", "")
    megabytes = float(match.group(1)) * scale[unit] / workers
    return f"{max(64, int(megabytes))}MB"


_state: dict = {}


def _die_with_parent() -> None:
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _init(settings: WorkerSettings) -> None:
    from video_insights.landing.beacons import Enricher
    from video_insights.landing.geo import GeoLookup
    from video_insights.landing.land import malloc_kept
    from video_insights.landing.parse import BeaconChecker
    from video_insights.landing.writer import ParquetWriter
    from video_insights.privacy.pseudonymize import Pseudonymizer

    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; it kills us on exit
    gc.disable()
    malloc_kept().__enter__()
    geo = GeoLookup(settings.geoip_db).__enter__()
    pseudonymizer = None
    if settings.pseudonym_key is not None:
        pseudonymizer = Pseudonymizer(settings.pseudonym_key, settings.pseudonym_partners)
    _state.update(
        settings=settings,
        enricher=Enricher(geo),
        checker=BeaconChecker(),
        writer=ParquetWriter(settings.warehouse, memory_limit=settings.memory_limit, threads=1),
        pseudonymizer=pseudonymizer,
    )


def _land(file: InboxFile, sha256: str, landed_at: datetime) -> TaskResult:
    from video_insights.landing.land import stage, write_staged

    cpu = time.process_time()
    settings: WorkerSettings = _state["settings"]
    enricher = _state["enricher"]
    ips, agents = enricher.distinct_ips, enricher.distinct_agents
    staged = stage(
        file,
        sha256,
        settings.warehouse,
        enricher,
        _state["checker"],
        settings.key,
        _state["pseudonymizer"],
        settings.forgotten,
    )
    result = write_staged(staged, _state["writer"], settings.warehouse, landed_at)
    return TaskResult(
        result,
        enricher.distinct_ips - ips,
        enricher.distinct_agents - agents,
        time.process_time() - cpu,
        os.getpid(),
    )


def start_pool(workers: int, settings: WorkerSettings):
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["video_insights.landing.land"])
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_init, initargs=(settings,)
    )


def submit(pool, file: InboxFile, sha256: str, landed_at: datetime):
    return pool.submit(_land, file, sha256, landed_at)
