"""Writing the inbox: gzip JSON-lines files, deterministic to the byte, delivered atomically.

* gzip with ``mtime=0`` and no file name in the header, JSON by orjson with a fixed key order:
  the same seed gives the same bytes (and so the same sha256, which is how landing identifies
  a file).
* Every file is written under ``<inbox>/.tmp/`` and renamed into place, so a reader scanning
  ``beacons/`` never sees half a file.
* :class:`DayWriter` takes one day's beacons in ``receivedAt`` order and splits them into the
  day's files by time window (``files_per_day`` equal windows of the UTC day; a session that
  runs past midnight stays in the day's last file), adding the planned faults on the way.
"""

from __future__ import annotations

import gzip
import os
import random
from collections import Counter, deque
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import orjson

from video_insights.contract import BEACONS_DIR
from video_insights.simulate.faults import (
    MalformedLine,
    MalformedSpec,
    TruncatedFile,
    malformed_line,
    truncate_gzip,
)
from video_insights.simulate.timeline import DAY_MS, ReceivedAtFormatter, day_start_ms

TMP_DIR = ".tmp"
_FLUSH_LINES = 2048
_MAX_IN_FLIGHT = 8
_RECEIVED_AT = b'{"receivedAt":"'


class AtomicGzipLines:
    """A ``.jsonl.gz`` file written line by line, renamed into place on close.

    With ``compressor`` (a one-thread executor), chunks are compressed on that thread: zlib
    releases the GIL, so compression overlaps with the simulation on a second core. Chunks are
    queued in order (one thread, FIFO) and at most a few are in flight.
    """

    def __init__(
        self,
        inbox: Path,
        relative: str,
        compresslevel: int = 6,
        compressor: ThreadPoolExecutor | None = None,
    ) -> None:
        self.inbox = inbox
        self.relative = relative
        self.final = inbox / relative
        tmp_dir = inbox / TMP_DIR
        tmp_dir.mkdir(parents=True, exist_ok=True)
        self.tmp = tmp_dir / relative.replace("/", "__")
        self._raw = open(self.tmp, "wb")  # noqa: SIM115 - closed in close()
        self._gzip = gzip.GzipFile(
            filename="", mode="wb", compresslevel=compresslevel, fileobj=self._raw, mtime=0
        )
        self._compressor = compressor
        self._in_flight: deque[Future[int]] = deque()
        self._buffer: list[bytes] = []
        self.lines = 0

    def write(self, line: bytes) -> None:
        """``line`` must end with a newline."""
        self._buffer.append(line)
        self.lines += 1
        if len(self._buffer) >= _FLUSH_LINES:
            self._flush()

    def _flush(self) -> None:
        chunk = b"".join(self._buffer)
        self._buffer.clear()
        if self._compressor is None:
            self._gzip.write(chunk)
            return
        self._in_flight.append(self._compressor.submit(self._gzip.write, chunk))
        while len(self._in_flight) > _MAX_IN_FLIGHT:
            self._in_flight.popleft().result()

    def close(self) -> int:
        """Finish the file and move it into the inbox; its size in bytes."""
        if self._buffer:
            self._flush()
        while self._in_flight:
            self._in_flight.popleft().result()
        self._gzip.close()
        self._raw.close()
        self.final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(self.tmp, self.final)
        return self.final.stat().st_size


def write_records(inbox: Path, relative: str, records: Iterable[dict[str, Any]]) -> int:
    """A side-feed file: JSON lines, gzip if the name ends in ``.gz``; the number of records."""
    lines = [orjson.dumps(record) + b"\n" for record in records]
    if relative.endswith(".gz"):
        writer = AtomicGzipLines(inbox, relative)
        for line in lines:
            writer.write(line)
        writer.close()
    else:
        tmp_dir = inbox / TMP_DIR
        tmp_dir.mkdir(parents=True, exist_ok=True)
        tmp = tmp_dir / relative.replace("/", "__")
        tmp.write_bytes(b"".join(lines))
        (inbox / relative).parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, inbox / relative)
    return len(lines)


def beacon_file_name(day: date, window: int, files_per_day: int, seed: int) -> str:
    minutes = window * 1440 // files_per_day
    hhmm = f"{minutes // 60:02d}{minutes % 60:02d}"
    return f"{BEACONS_DIR}/kava_{day.isoformat()}_{hhmm}_s{seed}.jsonl.gz"


def late_file_name(delivered: date, number: int, beacons_day: date, seed: int) -> str:
    return (
        f"{BEACONS_DIR}/kava_{delivered.isoformat()}_late{number}"
        f"_{beacons_day.isoformat()}_s{seed}.jsonl.gz"
    )


@dataclass
class FileRecord:
    file: str  # relative to the inbox
    lines: int  # every line written (beacons, duplicates, malformed lines)
    beacons: int  # distinct good beacons
    size_bytes: int


@dataclass
class ChunkResult:
    """What one worker wrote: a day's regular files, or one late file."""

    files: list[FileRecord] = field(default_factory=list)
    by_event_type: Counter[int] = field(default_factory=Counter)
    by_day: Counter[int] = field(default_factory=Counter)  # UTC day number (epoch ms // DAY_MS)
    by_partner: Counter[int] = field(default_factory=Counter)
    sessions: int = 0
    duplicates_identical: int = 0
    duplicates_shifted: int = 0
    malformed: list[MalformedLine] = field(default_factory=list)
    truncated: TruncatedFile | None = None


class DayWriter:
    """One simulated day's beacon files (see the module docstring)."""

    def __init__(
        self,
        inbox: Path,
        day: date,
        files_per_day: int,
        seed: int,
        result: ChunkResult,
        *,
        compresslevel: int = 6,
        duplicate_rate: float = 0.0,
        duplicate_rng: random.Random | None = None,
        malformed: dict[int, list[MalformedSpec]] | None = None,
        truncate: int | None = None,
        truncate_rng: random.Random | None = None,
        single_file: str | None = None,
    ) -> None:
        self.inbox = inbox
        self.day = day
        self.seed = seed
        self.files_per_day = 1 if single_file else files_per_day
        self.single_file = single_file
        self.base = day_start_ms(day)
        self.window_ms = DAY_MS // self.files_per_day
        self.result = result
        self.compresslevel = compresslevel
        self.duplicate_rate = duplicate_rate
        self.duplicate_rng = duplicate_rng or random.Random(0)
        self.malformed = malformed or {}
        self.truncate = truncate
        self.truncate_rng = truncate_rng or random.Random(0)
        self.formatter = ReceivedAtFormatter()
        self.compressor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gzip")
        self.event_counts = [0] * 256  # by event type (codes are < 100)
        self.last_day, self.last_day_count = -1, 0  # by_day, counted in runs
        self.window = -1
        self.file: AtomicGzipLines | None = None
        self.file_beacons = 0
        self.pending: list[MalformedSpec] = []
        self.tracked: list[tuple[int, int]] = []  # (event type, day) per line of the cut file
        self._open(0)

    def _name(self, window: int) -> str:
        if self.single_file:
            return self.single_file
        return beacon_file_name(self.day, window, self.files_per_day, self.seed)

    def _open(self, window: int) -> None:
        self.window = window
        self.file = AtomicGzipLines(
            self.inbox, self._name(window), self.compresslevel, self.compressor
        )
        self.file_beacons = 0
        self.pending = list(self.malformed.get(window, ()))
        self.cut_file = self.truncate is not None and window == self.truncate
        self.tracked = []
        self.last_line = b""

    def _inject_due(self, at_end: bool) -> None:
        file = self.file
        assert file is not None
        while self.pending and (at_end or self.pending[0].after_line <= file.lines):
            spec = self.pending.pop(0)
            template = self.last_line or self._fallback_template()
            bad, bad_field = malformed_line(template, spec)
            file.write(bad + b"\n")
            self.result.malformed.append(
                MalformedLine(file.relative, file.lines, spec.kind, bad_field)
            )

    def _fallback_template(self) -> bytes:
        """A template for a bad line in a file that has no good line yet."""
        return (
            b'{"receivedAt":"'
            + self.formatter.format(self.base + self.window * self.window_ms)
            + b'","eventType":1,"partnerId":1001,"entryId":"0_missing0","sessionId":'
            b'"00000000-0000-4000-8000-000000000000","eventIndex":1,"position":0.0}'
        )

    def _close(self) -> None:
        file = self.file
        assert file is not None
        self._inject_due(at_end=True)
        size = file.close()
        record = FileRecord(file.relative, file.lines, self.file_beacons, size)
        self.result.files.append(record)
        if self.truncate is not None and self.window == self.truncate:
            before, kept, complete = truncate_gzip(file.final, self.truncate_rng)
            lost_types: Counter[int] = Counter()
            lost_days: Counter[str] = Counter()
            for event_type, day_number in self.tracked[complete:]:
                lost_types[event_type] += 1
                lost_days[date.fromordinal(day_number + 719_163).isoformat()] += 1
            self.result.truncated = TruncatedFile(
                file=file.relative,
                lines_written=file.lines,
                complete_lines=complete,
                bytes_written=before,
                bytes_kept=kept,
                lost_by_event_type=dict(sorted(lost_types.items())),
                lost_by_day=dict(sorted(lost_days.items())),
            )
            record.size_bytes = kept
        self.file = None

    def add(self, received_ms: int, event_type: int, body: bytes) -> None:
        """One beacon (``body``: its JSON without ``receivedAt``), in ``receivedAt`` order."""
        window = (received_ms - self.base) // self.window_ms
        if window > self.window:
            if window >= self.files_per_day:
                window = self.files_per_day - 1
            while window > self.window:
                self._close()
                self._open(self.window + 1)
        file = self.file
        assert file is not None
        line = _RECEIVED_AT + self.formatter.format(received_ms) + b'",' + body[1:] + b"\n"
        file.write(line)
        self.file_beacons += 1
        self.event_counts[event_type] += 1
        day = received_ms // DAY_MS
        if day == self.last_day:
            self.last_day_count += 1
        else:
            self._count_day(day)
        if self.cut_file:
            self.tracked.append((event_type, day))
        elif self.duplicate_rate and self.duplicate_rng.random() < self.duplicate_rate:
            if self.duplicate_rng.random() < 0.5:
                file.write(line)
                self.result.duplicates_identical += 1
            else:
                later = received_ms + self.duplicate_rng.randrange(1, 40)
                file.write(_RECEIVED_AT + self.formatter.format(later) + b'",' + body[1:] + b"\n")
                self.result.duplicates_shifted += 1
        if self.pending and not self.cut_file:
            self.last_line = line[:-1]
            self._inject_due(at_end=False)

    def _count_day(self, day: int) -> None:
        """Beacons come in time order: count each day's run in one go."""
        if self.last_day_count:
            self.result.by_day[self.last_day] += self.last_day_count
        self.last_day, self.last_day_count = day, 1

    def finish(self) -> None:
        """Close the current file and write the empty windows left (every file exists)."""
        if self.last_day_count:
            self.result.by_day[self.last_day] += self.last_day_count
            self.last_day_count = 0
        for event_type, count in enumerate(self.event_counts):
            if count:
                self.result.by_event_type[event_type] += count
        while True:
            self._close()
            if self.window + 1 >= self.files_per_day:
                break
            self._open(self.window + 1)
        self.compressor.shutdown()
