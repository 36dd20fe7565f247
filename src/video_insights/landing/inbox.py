"""Finding inbox files and reading their lines, surviving a truncated or corrupt gzip stream."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from video_insights.contract import BEACONS_DIR, SIDE_FEED_FIELDS

# ISA-L's inflate (python-isal) is zlib's API at about twice zlib's speed on beacon files
# (docs/benchmarks.md); plain zlib where no isal wheel exists.
try:
    from isal import isal_zlib as inflate
except ImportError:  # pragma: no cover - every platform we test has the wheel
    inflate = zlib  # type: ignore[assignment]

SUFFIXES = (".jsonl", ".jsonl.gz")
READ_SIZE = 256 * 1024  # compressed bytes per read (a few MB of text)
PLAIN_READ_SIZE = 4 * 1024 * 1024
LINE_KEEP = 2 * 1024 * 1024  # of a line longer than this only the start is kept (it is too long)


@dataclass(frozen=True)
class InboxFile:
    path: Path
    name: str  # path relative to the inbox, POSIX separators
    feed: str  # "beacons" or a side feed

    @property
    def gzipped(self) -> bool:
        return self.name.endswith(".gz")


def _visible(relative: Path) -> bool:
    """Not a collector's file in progress: no dotfile/dot-folder, no ``*.tmp``."""
    return not any(part.startswith(".") for part in relative.parts) and not relative.name.endswith(
        (".tmp", ".part", ".partial")
    )


def discover(inbox: Path) -> tuple[list[InboxFile], list[str]]:
    """Files to land and the ignored ones (visible files with another suffix, or in a folder
    that is no feed).

    Beacon files come first, in path order (their order does not matter: every beacon counts
    on its own ``receivedAt``). Side-feed files follow feed by feed in the order they arrived
    (modification time, then path), because without ``updatedAt`` the last snapshot wins.
    """
    files: list[InboxFile] = []
    ignored: list[str] = []
    for feed in (BEACONS_DIR, *SIDE_FEED_FIELDS):
        folder = inbox / feed
        if not folder.is_dir():
            continue
        found: list[tuple[int, InboxFile]] = []
        for path in folder.rglob("*"):
            relative = path.relative_to(inbox)
            if not _visible(relative):
                continue
            try:
                stat = path.stat()
            except FileNotFoundError:  # moved away by the collector meanwhile
                continue
            if not path.is_file():
                continue
            if path.name.endswith(SUFFIXES):
                arrived = stat.st_mtime_ns if feed != BEACONS_DIR else 0
                found.append((arrived, InboxFile(path, relative.as_posix(), feed)))
            else:
                ignored.append(relative.as_posix())
        files.extend(file for _, file in sorted(found, key=lambda item: (item[0], item[1].name)))
    feeds = {BEACONS_DIR, *SIDE_FEED_FIELDS}
    for path in sorted(inbox.iterdir()):
        if path.name not in feeds and _visible(path.relative_to(inbox)):
            ignored.append(path.relative_to(inbox).as_posix())
    return files, sorted(ignored)


class LineReader:
    """Yields blocks of complete lines (``bytes`` split on ``\\n``) of a plain or gzip file.

    After iteration: ``error`` holds ``(kind, message)`` when the gzip stream was truncated or
    corrupt (every complete line before the break has been yielded), and ``partial`` the bytes
    of an incomplete last line cut by that break (None if the break fell on a line end).
    A plain file's last line needs no newline.
    """

    def __init__(self, path: Path, gzipped: bool) -> None:
        self.path = path
        self.gzipped = gzipped
        self.error: tuple[str, str] | None = None
        self.partial: bytes | None = None

    def __iter__(self) -> Iterator[list[bytes]]:
        parts: list[bytes] = []  # the start of a line that continues in the next block
        size = 0
        first = True
        for block in self._blocks():
            if first and block:
                first = False
                block = block.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 byte order mark
            if b"\n" not in block:
                if size <= LINE_KEEP:  # a line this long is quarantined: keep only its start
                    parts.append(block)
                    size += len(block)
                continue
            if parts:
                block = b"".join((*parts, block))
                parts, size = [], 0
            lines = block.split(b"\n")
            rest = lines.pop()
            if rest:
                parts, size = [rest], len(rest)
            yield lines
        rest = b"".join(parts)
        if rest:
            if self.error is None:
                yield [rest]
            else:
                self.partial = rest

    def _blocks(self) -> Iterator[bytes]:
        with open(self.path, "rb") as handle:
            if not self.gzipped:
                while block := handle.read(PLAIN_READ_SIZE):
                    yield block
                return
            inflater = inflate.decompressobj(16 + zlib.MAX_WBITS)
            started = False
            while True:
                data = handle.read(READ_SIZE)
                if not data:
                    break
                while data:
                    try:
                        out = inflater.decompress(data)
                    except (inflate.error, zlib.error) as exc:
                        self.error = ("corrupt_gzip", f"corrupt gzip: {exc}")
                        return
                    started = True
                    if out:
                        yield out
                    if not inflater.eof:
                        break
                    # end of one gzip member: another may follow (concatenated gzip)
                    data = inflater.unused_data
                    if data and not data.strip(b"\x00"):
                        data = b""  # zero padding after the last member
                    inflater = inflate.decompressobj(16 + zlib.MAX_WBITS)
                    started = False
                    if not data:
                        break
            tail = inflater.flush()
            if tail:
                yield tail
            if started and not inflater.eof:
                self.error = (
                    "truncated_gzip",
                    "truncated gzip: the compressed stream ends before its end-of-stream"
                    " marker (complete lines before the break were landed)",
                )
