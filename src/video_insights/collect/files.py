"""Beacon files: append lines, rotate by age and size, and publish a file only when complete.

An open file lives under its final name plus ``.part`` (landing ignores ``*.part``). Closing it
flushes the compressor, fsyncs the file, renames it to its final name and fsyncs the folder, so
landing only ever sees complete files and a crash after the rename cannot lose it.

Lines are buffered in memory and written to the open file every ``flush_seconds`` or
``flush_bytes``; rotation and :meth:`BeaconFiles.close` (graceful shutdown) write everything that
was accepted. A hard kill (SIGKILL, power loss) can lose the buffered lines and leaves a
``.part`` file; the next collector on the same host publishes such leftovers at start-up
(landing lands their complete lines and quarantines a cut last line).
"""

from __future__ import annotations

import logging
import os
import socket
import time
import zlib
from pathlib import Path
from typing import BinaryIO

from video_insights.collect.settings import CollectorSettings
from video_insights.contract import BEACONS_DIR
from video_insights.log import log_event

logger = logging.getLogger(__name__)

PART = ".part"
GZIP_LEVEL = 6


def _safe_host() -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in socket.gethostname())[:40]


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class BeaconFiles:
    """The collector's output: one open file at a time under ``<inbox>/beacons/``."""

    def __init__(self, settings: CollectorSettings) -> None:
        self.settings = settings
        self.folder = settings.inbox / BEACONS_DIR
        self.folder.mkdir(parents=True, exist_ok=True)
        self.suffix = ".jsonl.gz" if settings.gzip else ".jsonl"
        self._host = _safe_host()
        self._pid = os.getpid()
        self._seq = 0
        self._pending: list[bytes] = []
        self._pending_bytes = 0
        self._handle: BinaryIO | None = None
        self._compressor: zlib._Compress | None = None
        self._final: Path | None = None
        self._opened_at = 0.0  # monotonic time of the first line of the current file
        self._file_lines = 0
        self._file_bytes = 0
        self.lines_appended = 0  # accepted lines (written or pending)
        self.lines_published = 0  # lines in files that have been renamed to their final name
        self.files_published = 0

    # ------------------------------------------------------------------ writing

    def append(self, line: bytes) -> None:
        """Take one beacon line (ending in ``\\n``); it is on disk by the next flush."""
        if not self._file_lines and not self._pending:
            self._opened_at = time.monotonic()
        self._pending.append(line)
        self._pending_bytes += len(line)
        self.lines_appended += 1
        if self._pending_bytes >= self.settings.flush_bytes:
            self.flush()
            if self._file_bytes >= self.settings.rotate_bytes:
                self.rotate()

    def flush(self) -> None:
        """Write the pending lines to the open file (opening one if needed)."""
        if not self._pending:
            return
        if self._handle is None:
            self._open()
        assert self._handle is not None
        data = b"".join(self._pending)
        self._file_lines += len(self._pending)
        self._file_bytes += len(data)
        self._pending.clear()
        self._pending_bytes = 0
        if self._compressor is not None:
            data = self._compressor.compress(data)
        if data:
            self._handle.write(data)

    def tick(self) -> None:
        """Called about every ``flush_seconds``: write pending lines, rotate an old file."""
        self.flush()
        if self._file_lines and time.monotonic() - self._opened_at >= self.settings.rotate_seconds:
            self.rotate()

    def rotate(self) -> Path | None:
        """Close the open file (flushed, fsynced, renamed); the next line opens a new one."""
        self.flush()
        if self._handle is None or self._final is None:
            return None
        if self._compressor is not None:
            self._handle.write(self._compressor.flush(zlib.Z_FINISH))
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
        part = self._final.with_name(self._final.name + PART)
        os.rename(part, self._final)
        _fsync_dir(self.folder)
        final, lines = self._final, self._file_lines
        self.lines_published += lines
        self.files_published += 1
        log_event(logger, "collector_file_published", file=final.name, beacons=lines)
        self._handle = None
        self._compressor = None
        self._final = None
        self._file_lines = 0
        self._file_bytes = 0
        return final

    def close(self) -> None:
        """Graceful shutdown: publish everything accepted so far."""
        self.rotate()

    @property
    def pending(self) -> int:
        return len(self._pending)

    def _open(self) -> None:
        self._seq += 1
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        millis = int(time.time() * 1000) % 1000
        name = f"beacons-{stamp}{millis:03d}Z-{self._host}-{self._pid}-{self._seq:06d}{self.suffix}"
        self._final = self.folder / name
        self._handle = open(self.folder / (name + PART), "wb")  # noqa: SIM115 (kept open)
        self._compressor = (
            zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
            if self.settings.gzip
            else None
        )

    # ------------------------------------------------------------------ recovery

    def publish_leftovers(self) -> list[Path]:
        """Publish ``.part`` files a killed collector of this host left behind.

        Only files whose name carries this host and a process id that no longer runs are
        touched, so collectors sharing an inbox never take each other's open files.
        """
        published: list[Path] = []
        for part in sorted(self.folder.glob(f"beacons-*-{self._host}-*{PART}")):
            pieces = part.name.removesuffix(PART).split("-")
            try:
                pid = int(pieces[-2])
            except (IndexError, ValueError):
                continue
            if pid == self._pid or _pid_alive(pid):
                continue
            final = part.with_name(part.name.removesuffix(PART))
            os.rename(part, final)
            published.append(final)
            log_event(logger, "collector_leftover_published", file=final.name, pid=pid)
        if published:
            _fsync_dir(self.folder)
        return published
