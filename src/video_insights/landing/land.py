"""``land_inbox``: every inbox file not landed yet -> typed Parquet in the lake.

Per inbox file (beacon files in path order, then side-feed files in arrival order, see
:func:`.inbox.discover`):

1. sha256 of the bytes; skip it when ``lake/manifest/<sha16>.parquet`` exists or the same bytes
   came earlier in this run under another name;
2. *stage* (Python, main thread): read it line by line (gzip or plain; a truncated gzip keeps
   every complete line), validate each line (:mod:`.parse`), set bad lines aside with line,
   field and reason; for beacons compute ``beacon_id`` and enrich (GeoIP per distinct IP,
   ua-parser per distinct user agent, referrer per distinct value: each looked up once per
   call), spooling typed rows as NDJSON into ``warehouse/tmp`` (no IP address in them);
3. *write* (DuckDB, a writer thread, so it overlaps the staging of the next file): one Parquet
   file per UTC date of ``receivedAt`` (beacons) or one per file (side feeds), the quarantine
   file if there are bad lines, and the manifest row, last.

A big night (at least :data:`.pool.POOL_MIN_BYTES` of new files) lands in worker processes
instead, one whole file (steps 2 and 3) per task, so every core works (:mod:`.pool`); hashing,
duplicate detection and the summary stay in this process, in file order.

``beacon_id`` is keyed with the warehouse's secret landing key (:mod:`.secrets`), and the user
ids of partners listed in ``$VIDEO_INSIGHTS_PSEUDONYMIZE_PARTNERS`` are replaced by keyed
pseudonyms before anything is spooled (:mod:`video_insights.privacy.pseudonymize`).

Every file of a run gets ``landed_at`` = the run's time plus its index in microseconds, so the
snapshots of one run keep their arrival order for "newest record wins" (updated_at, landed_at,
source_line). Outputs have deterministic names, are written to ``warehouse/tmp`` and moved into
place, so a rerun after a crash overwrites what a failed run left; a file whose landing fails
is rolled back (its outputs removed: it is not in the manifest, so the next run lands it again).
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import logging
import os
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import BrokenExecutor, Future, ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

from video_insights.config import WarehousePaths
from video_insights.contract import BEACONS_DIR
from video_insights.landing import manifest as manifest_mod
from video_insights.landing.beacons import Enricher, beacons_select, stage_beacons
from video_insights.landing.errors import LandingError
from video_insights.landing.geo import GeoLookup
from video_insights.landing.inbox import InboxFile, discover
from video_insights.landing.parse import BeaconChecker
from video_insights.landing.secrets import landing_key
from video_insights.landing.side_feeds import side_select, stage_side_feed
from video_insights.landing.staged import Staged, quarantine_select
from video_insights.landing.summary import FileResult, LandingSummary
from video_insights.landing.writer import (
    DEFAULT_MEMORY_LIMIT,
    FileOutputs,
    ParquetWriter,
    sql_literal,
)
from video_insights.log import log_event
from video_insights.privacy.forgotten import ForgottenViewers
from video_insights.privacy.pseudonymize import Pseudonymizer

logger = logging.getLogger("video_insights.landing")

_MAX_PENDING = 2  # staged files waiting for (or in) the writer thread


def write_staged(
    staged: Staged, writer: ParquetWriter, warehouse: WarehousePaths, landed_at: datetime
) -> FileResult:
    """The Parquet writes of a staged file: data, quarantine, then the manifest row (last)."""
    outputs, sha256, sha16 = staged.outputs, staged.sha256, staged.sha16
    try:
        bounds: tuple = (None, None)
        if staged.file.feed == BEACONS_DIR:
            destinations = []
            for day in sorted(staged.spools):
                dest = warehouse.beacons / f"event_date={day}" / f"{sha16}.parquet"
                writer.copy(
                    beacons_select(staged.spools[day].path, staged.dims.path, sha256, landed_at),
                    dest,
                    outputs,
                )
                destinations.append(dest)
            if destinations:
                paths = ", ".join(sql_literal(str(p)) for p in destinations)
                bounds = writer.query(
                    f"SELECT min(received_at), max(received_at) FROM read_parquet([{paths}])"
                )[0]
        elif staged.result.landed_rows:
            feed = staged.file.feed
            writer.copy(
                side_select(feed, staged.spools[feed].path, sha256, landed_at),
                warehouse.side_feed(feed) / f"{sha16}.parquet",
                outputs,
            )
        if staged.quarantine is not None:
            writer.copy(
                quarantine_select(staged.quarantine.path, sha256, landed_at),
                warehouse.quarantine / f"{sha16}.parquet",
                outputs,
            )
        result = staged.result
        manifest_mod.write_manifest(
            writer,
            outputs,
            warehouse,
            sha256=sha256,
            file_name=staged.file.name,
            feed=staged.file.feed,
            size_bytes=result.size_bytes,
            line_count=result.line_count,
            landed_rows=result.landed_rows,
            quarantined_rows=result.quarantined_rows,
            forgotten_rows=result.forgotten_rows,
            min_received_at=bounds[0],
            max_received_at=bounds[1],
            landed_at=landed_at,
        )
    except LandingError:
        outputs.rollback()
        raise
    except Exception as exc:
        raise outputs.fail(exc) from exc
    finally:
        outputs.cleanup()
    return staged.result


def stage(
    file: InboxFile,
    sha256: str,
    warehouse: WarehousePaths,
    enricher: Enricher,
    checker: BeaconChecker,
    key: bytes,
    pseudonymizer: Pseudonymizer | None = None,
    forgotten: ForgottenViewers | None = None,
) -> Staged:
    outputs = FileOutputs(warehouse.tmp, file.name)
    try:
        if file.feed == BEACONS_DIR:
            return stage_beacons(
                file, sha256, outputs, enricher, checker, key, pseudonymizer, forgotten
            )
        return stage_side_feed(file, sha256, outputs, pseudonymizer, forgotten)
    except LandingError:
        outputs.rollback()
        raise
    except OSError as exc:
        raise outputs.fail(exc) from exc
    except BaseException:
        outputs.rollback()
        raise


@contextlib.contextmanager
def _exclusive(warehouse: WarehousePaths) -> Iterator[None]:
    """One landing run per warehouse at a time (an flock on the lake folder)."""
    fd = os.open(warehouse.lake, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LandingError(
                f"another landing run is writing {warehouse.lake}; try again when it has finished"
            ) from None
        yield
    finally:
        os.close(fd)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """The hot loop makes millions of short-lived dicts: cyclic GC passes only cost time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_M_TRIM_THRESHOLD = -1
_GLIBC_DEFAULT_TRIM = 128 * 1024


@contextlib.contextmanager
def malloc_kept() -> Iterator[None]:
    """Keep freed heap memory in the process while landing (glibc only).

    The hot loop allocates and frees a few hundred MB of short-lived JSON bytes per million
    lines; glibc's default returns the top of the heap to the OS eagerly and every reuse then
    page-faults (measured: a third of the landing time on these VMs). A high trim threshold
    keeps the memory for reuse; the default is restored afterwards.
    """
    libc = None
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(_M_TRIM_THRESHOLD, 256 * 1024 * 1024)
    try:
        yield
    finally:
        if libc is not None:
            with contextlib.suppress(OSError, AttributeError):
                libc.mallopt(_M_TRIM_THRESHOLD, _GLIBC_DEFAULT_TRIM)
                libc.malloc_trim(0)


def _utc_naive(moment: datetime | None) -> datetime:
    if moment is None:
        return datetime.now(UTC).replace(tzinfo=None)
    if moment.tzinfo is not None:
        return moment.astimezone(UTC).replace(tzinfo=None)
    return moment


@contextlib.contextmanager
def _progress(enabled: bool, total: int) -> Iterator[Callable[[str], None]]:
    if not enabled:
        yield lambda name: None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(
        TextColumn("landing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        transient=True,
    ) as bar:
        task = bar.add_task("", total=total)
        yield lambda name: bar.update(task, advance=1, description=name)


def _hash(file: InboxFile) -> str | None:
    """The file's sha256; None when it vanished since it was listed (moved by the collector)."""
    try:
        return manifest_mod.file_sha256(file.path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise LandingError(f"cannot read inbox file {file.name}: {exc}") from None


class _Run:
    """One ``land_inbox`` call: staging in this thread and Parquet writes in a writer thread, or
    whole files in worker processes (``pool``)."""

    def __init__(
        self,
        warehouse: WarehousePaths,
        summary: LandingSummary,
        landed_at: datetime,
        memory_limit: str,
        key: bytes,
        pseudonymizer: Pseudonymizer | None,
        enricher: Enricher | None = None,
        pool: object | None = None,
        pool_workers: int = 1,
        forgotten: ForgottenViewers | None = None,
    ) -> None:
        self.warehouse = warehouse
        self.summary = summary
        self.enricher = enricher
        self.pool = pool
        self.pool_workers = pool_workers
        self.checker = BeaconChecker()
        self.landed_at = landed_at
        self.memory_limit = memory_limit
        self.key = key
        self.pseudonymizer = pseudonymizer
        self.forgotten = forgotten
        self.seen: dict[str, str] = {}  # sha256 -> the first name it came under in this run
        self.already: list[tuple[InboxFile, str]] = []  # in the manifest before this run
        self.pending: deque[tuple[Future, Staged | None, str]] = deque()
        self.staged = 0
        self.ips_looked_up = 0
        self.agents_parsed = 0
        self.worker_cpu = 0.0
        self.cpu_by_worker: dict[int, float] = {}
        self.thread_cpu = 0.0  # of this thread in land_all (staging, in-process)

    def land_all(self, files: list[InboxFile], advance: Callable[[str], None]) -> None:
        writer = ParquetWriter(self.warehouse, memory_limit=self.memory_limit)
        threads = ThreadPoolExecutor(max_workers=1, thread_name_prefix="landing-writer")
        thread_cpu = time.thread_time()
        try:
            for file in files:
                self.consider(file, writer, threads)
                advance(file.name)
            while self.pending:
                self.collect_oldest()
            self.count_already_landed(writer)
        except BaseException:
            for future, staged, _ in self.pending:
                if future.cancel() and staged is not None:  # not started: only its spools exist
                    staged.outputs.rollback()
            if self.pool is not None:  # files being landed by workers finish (or roll back)
                for future, _, _ in self.pending:
                    with contextlib.suppress(BaseException):
                        future.result()
            raise
        finally:
            threads.shutdown(wait=True)
            writer.close()
            self.thread_cpu = time.thread_time() - thread_cpu

    def consider(self, file: InboxFile, writer: ParquetWriter, threads: ThreadPoolExecutor) -> None:
        """Stage a file not landed yet and hand it to the writer thread (or a worker process);
        count the others."""
        sha256 = _hash(file)
        if sha256 is None:
            self.summary.files_seen -= 1
            log_event(logger, "landing.vanished", file=file.name)
        elif sha256 in self.seen:
            self.summary.duplicate_deliveries += 1
            log_event(
                logger,
                "landing.duplicate",
                file=file.name,
                same_as=self.seen[sha256],
                sha16=sha256[:16],
            )
        elif manifest_mod.is_landed(self.warehouse, sha256):
            self.seen[sha256] = file.name
            self.already.append((file, sha256))
        else:
            self.seen[sha256] = file.name
            # files one microsecond apart: "newest record wins" orders the snapshots of one run
            # by landed_at, in arrival order
            landed_at = self.landed_at + timedelta(microseconds=self.staged)
            self.staged += 1
            if self.pool is not None:
                from video_insights.landing import pool as pool_mod

                future = pool_mod.submit(self.pool, file, sha256, landed_at)
                self.pending.append((future, None, file.name))
                limit = 2 * self.pool_workers
            else:
                assert self.enricher is not None
                staged = stage(
                    file,
                    sha256,
                    self.warehouse,
                    self.enricher,
                    self.checker,
                    self.key,
                    self.pseudonymizer,
                    self.forgotten,
                )
                future = threads.submit(write_staged, staged, writer, self.warehouse, landed_at)
                self.pending.append((future, staged, file.name))
                limit = _MAX_PENDING
            while len(self.pending) >= limit or self.pending[0][0].done():
                self.collect_oldest()
                if not self.pending:
                    break

    def collect_oldest(self) -> None:
        future, _, name = self.pending[0]
        try:
            result = future.result()  # raises the LandingError of a failed write
        except BrokenExecutor as exc:
            raise LandingError(
                f"a landing worker process died while landing {name} (killed, or out of memory?):"
                f" {exc}; files not in the manifest land again on the next run"
            ) from None
        self.pending.popleft()
        if self.pool is not None:
            self.ips_looked_up += result.ips_looked_up
            self.agents_parsed += result.agents_parsed
            self.worker_cpu += result.cpu_seconds
            self.cpu_by_worker[result.worker] = (
                self.cpu_by_worker.get(result.worker, 0.0) + result.cpu_seconds
            )
            result = result.result
        self.summary.add(result)
        log_event(
            logger,
            "landing.file",
            file=result.file_name,
            feed=result.feed,
            sha16=result.file_sha256[:16],
            lines=result.line_count,
            rows=result.landed_rows,
            quarantined=result.quarantined_rows,
            forgotten=result.forgotten_rows,
            dates=",".join(sorted(result.rows_by_event_date)) or "-",
        )

    def count_already_landed(self, writer: ParquetWriter) -> None:
        """Already landed under the same name: skipped; under another name: a duplicate."""
        names = manifest_mod.landed_names(
            writer, self.warehouse, [sha256 for _, sha256 in self.already]
        )
        for file, sha256 in self.already:
            if names.get(sha256, file.name) == file.name:
                self.summary.files_skipped += 1
            else:
                self.summary.duplicate_deliveries += 1
                log_event(
                    logger,
                    "landing.duplicate",
                    file=file.name,
                    same_as=names[sha256],
                    sha16=sha256[:16],
                )


@contextlib.contextmanager
def _worker_pool(workers: int, settings: object) -> Iterator[object | None]:
    if workers <= 1:
        yield None
        return
    from video_insights.landing import pool as pool_mod

    executor = pool_mod.start_pool(workers, settings)  # type: ignore[arg-type]
    try:
        yield executor
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def land_inbox(
    inbox: Path,
    warehouse: WarehousePaths,
    *,
    geoip_db: Path | None = None,
    now: datetime | None = None,
    progress: bool = False,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
    workers: int | None = None,
) -> LandingSummary:
    """Land every file of ``inbox`` that is not in the manifest yet; see the module docstring.

    ``geoip_db``: a GeoLite2-City ``.mmdb`` (default ``$VIDEO_INSIGHTS_GEOIP_DB``, else the one
    shipped with maxminddb-geolite2). ``now``: the ``landed_at`` of this run (default: the
    clock). ``progress``: a rich progress bar over files. ``memory_limit``: DuckDB's, spilling
    to ``warehouse/tmp`` (shared by the workers). ``workers``: processes landing files (default
    ``$VIDEO_INSIGHTS_LANDING_WORKERS``, else one per core for a big night and 1, in this process,
    for a small one). Bad lines never raise (they are quarantined); whole-run problems raise
    :class:`LandingError` with a message naming the file.
    """
    started = time.perf_counter()
    cpu_started = time.process_time()
    inbox = Path(inbox)
    if not inbox.is_dir():
        raise LandingError(f"inbox {inbox} does not exist or is not a folder")
    landed_at = _utc_naive(now)
    try:
        for folder in (warehouse.beacons, warehouse.quarantine, warehouse.manifest, warehouse.tmp):
            folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LandingError(
            f"cannot create the warehouse folders under {warehouse.root}: {exc}"
        ) from None
    files, ignored = discover(inbox)
    summary = LandingSummary(files_seen=len(files), ignored_files=ignored)
    log_event(
        logger,
        "landing.start",
        inbox=inbox,
        warehouse=warehouse.root,
        files=len(files),
        ignored=len(ignored),
    )
    from video_insights.landing import pool as pool_mod

    with _exclusive(warehouse), _gc_paused(), malloc_kept():
        key = landing_key(warehouse)
        pseudonymizer = Pseudonymizer.for_warehouse(warehouse)
        forgotten = ForgottenViewers.load(warehouse)  # the forget ledger, read once per run
        workers = pool_mod.worker_count(workers, files)
        with GeoLookup(geoip_db) as geo:
            settings = pool_mod.WorkerSettings(
                warehouse=warehouse,
                geoip_db=geo.path,  # resolved here: workers do not read this process's env
                memory_limit=pool_mod.split_memory_limit(memory_limit, workers),
                key=key,
                pseudonym_key=pseudonymizer.key if pseudonymizer is not None else None,
                pseudonym_partners=pseudonymizer.partners if pseudonymizer else frozenset(),
                forgotten=forgotten,
            )
            with _worker_pool(workers, settings) as pool:
                run = _Run(
                    warehouse,
                    summary,
                    landed_at,
                    memory_limit,
                    key,
                    pseudonymizer,
                    enricher=Enricher(geo) if pool is None else None,
                    pool=pool,
                    pool_workers=workers,
                    forgotten=forgotten,
                )
                with _progress(progress, len(files)) as advance:
                    run.land_all(files, advance)
    if run.enricher is not None:
        summary.distinct_ips_looked_up = run.enricher.distinct_ips
        summary.distinct_user_agents_parsed = run.enricher.distinct_agents
    else:
        summary.distinct_ips_looked_up = run.ips_looked_up
        summary.distinct_user_agents_parsed = run.agents_parsed
    critical = max(run.cpu_by_worker.values(), default=0.0) if run.pool else run.thread_cpu
    summary.finish(
        time.perf_counter() - started,
        time.process_time() - cpu_started + run.worker_cpu,
        critical,
    )
    log_event(
        logger,
        "landing.done",
        files_seen=summary.files_seen,
        files_landed=summary.files_landed,
        files_skipped=summary.files_skipped,
        duplicate_deliveries=summary.duplicate_deliveries,
        lines=summary.lines_read,
        rows_landed=summary.rows_landed,
        side_rows=sum(summary.side_rows_landed.values()),
        quarantined=summary.rows_quarantined,
        forgotten=summary.rows_forgotten,
        distinct_ips=summary.distinct_ips_looked_up,
        distinct_user_agents=summary.distinct_user_agents_parsed,
        seconds=summary.seconds,
        cpu_seconds=summary.cpu_seconds,
        workers=workers,
        beacons_per_second=summary.beacons_per_second,
    )
    return summary
