"""Fault injection: what a real collector delivers besides good beacons.

All faults are off by default. Each one is recorded exactly in the summary, so a test can
reconcile what landing quarantined or deduplicated with what was injected:

* duplicate beacons: right after a beacon, the same line again, either byte-identical (the
  collector delivered twice) or with ``receivedAt`` a few ms later (the player retried): both
  are "every field except receivedAt equal", so the warehouse counts them once;
* late files: an extra file delivered with day N's files that holds beacons of day N-2
  (offline playback, a collector that uploaded late): new sessions, not copies;
* malformed lines: extra lines (never replacing a good beacon) of four kinds: not JSON, a
  required field missing, a field of the wrong type, an unknown ``eventType``;
* one truncated gzip file: a regular file cut short after it was written, so its last lines
  are lost and reading it ends with an error; the lost beacons are recorded by event type and
  day. That file gets no duplicates and no malformed lines, so its loss is pure.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

MALFORMED_KINDS: tuple[str, ...] = ("not_json", "missing_field", "wrong_type", "unknown_event_type")

# Variants per kind (cycled): which field is dropped or given a wrong type, which code is unknown.
MISSING_FIELDS: tuple[str, ...] = (
    "entryId",
    "sessionId",
    "eventIndex",
    "partnerId",
    "eventType",
    "receivedAt",
)
WRONG_TYPES: tuple[tuple[str, Any], ...] = (
    ("eventIndex", "third"),
    ("partnerId", "northwind"),
    ("eventType", [3]),
    ("position", "middle"),
)
UNKNOWN_EVENT_TYPES: tuple[int, ...] = (77, 5, 500, 0)
NOT_JSON_LINES: tuple[bytes | None, ...] = (
    None,  # the first half of a real line (a write cut short)
    b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
)


@dataclass(frozen=True)
class FaultConfig:
    """Which faults to inject (all off by default)."""

    duplicate_rate: float = 0.0  # share of beacons written twice
    late_files: int = 0  # extra files holding beacons two days older than their delivery day
    malformed_lines: int = 0  # bad lines added to the regular beacon files
    truncated_gzip: bool = False  # cut one regular beacon file short

    def __post_init__(self) -> None:
        if not 0.0 <= self.duplicate_rate < 1.0:
            raise ValueError("duplicate_rate must be in [0, 1)")
        if self.late_files < 0 or self.malformed_lines < 0:
            raise ValueError("late_files and malformed_lines must be >= 0")

    @property
    def any(self) -> bool:
        return bool(
            self.duplicate_rate or self.late_files or self.malformed_lines or self.truncated_gzip
        )


@dataclass(frozen=True)
class MalformedLine:
    """One bad line: where it is (path relative to the inbox, 1-based line) and what is wrong."""

    file: str
    line_number: int
    kind: str
    field: str | None  # the field missing or of the wrong type; None otherwise


@dataclass(frozen=True)
class LateFile:
    file: str
    delivered_day: str  # the day whose files it came with
    beacons_day: str  # the day its beacons were received on (delivered_day - 2)
    beacons: int


@dataclass(frozen=True)
class TruncatedFile:
    file: str
    lines_written: int
    complete_lines: int  # newline-terminated lines a reader gets before the gzip error
    bytes_written: int
    bytes_kept: int
    lost_by_event_type: dict[int, int] = field(default_factory=dict)
    lost_by_day: dict[str, int] = field(default_factory=dict)

    @property
    def lost_lines(self) -> int:
        return self.lines_written - self.complete_lines


@dataclass(frozen=True)
class MalformedSpec:
    """A planned bad line: inserted after ``after_line`` lines of its file (or at its end)."""

    after_line: int
    kind: str
    variant: int


@dataclass
class FaultPlan:
    """Where the faults of a run go. Regular files are addressed as (day index, file index)."""

    malformed: dict[tuple[int, int], list[MalformedSpec]] = field(default_factory=dict)
    truncated: tuple[int, int] | None = None
    late: list[tuple[int, int]] = field(default_factory=list)  # (delivered day index, number)

    @classmethod
    def make(
        cls,
        faults: FaultConfig,
        seed: int,
        days: int,
        files_per_day: int,
        expected_lines_per_file: int,
    ) -> FaultPlan:
        rng = random.Random(f"{seed}:faults")
        plan = cls()
        slots = [(day, k) for day in range(days) for k in range(files_per_day)]
        if faults.truncated_gzip:
            # the evening UTC window of a random day: busy enough that the cut loses lines
            plan.truncated = (rng.randrange(days), files_per_day * 3 // 4)
        open_slots = [slot for slot in slots if slot != plan.truncated]
        if faults.malformed_lines and not open_slots:
            raise ValueError("malformed lines and a truncated file need two beacon files or more")
        kinds = [MALFORMED_KINDS[i % len(MALFORMED_KINDS)] for i in range(faults.malformed_lines)]
        rng.shuffle(kinds)
        per_kind: dict[str, int] = {}
        for kind in kinds:
            variant = per_kind.get(kind, 0)
            per_kind[kind] = variant + 1
            slot = open_slots[rng.randrange(len(open_slots))]
            after = rng.randrange(max(1, expected_lines_per_file))
            plan.malformed.setdefault(slot, []).append(MalformedSpec(after, kind, variant))
        for specs in plan.malformed.values():
            specs.sort(key=lambda spec: spec.after_line)
        # Late files come with the last days of the run, newest first.
        for number in range(faults.late_files):
            plan.late.append((days - 1 - (number % days), number // days + 1))
        return plan


def malformed_line(template: bytes, spec: MalformedSpec) -> tuple[bytes, str | None]:
    """A bad line made from a good one (``template``, without its newline)."""
    if spec.kind == "not_json":
        fixed = NOT_JSON_LINES[spec.variant % len(NOT_JSON_LINES)]
        return (fixed if fixed is not None else template[: len(template) // 2]), None
    beacon: dict[str, Any] = orjson.loads(template)
    if spec.kind == "missing_field":
        name = MISSING_FIELDS[spec.variant % len(MISSING_FIELDS)]
        beacon.pop(name, None)
        return orjson.dumps(beacon), name
    if spec.kind == "wrong_type":
        name, value = WRONG_TYPES[spec.variant % len(WRONG_TYPES)]
        beacon[name] = value
        return orjson.dumps(beacon), name
    if spec.kind == "unknown_event_type":
        beacon["eventType"] = UNKNOWN_EVENT_TYPES[spec.variant % len(UNKNOWN_EVENT_TYPES)]
        return orjson.dumps(beacon), "eventType"
    raise ValueError(f"unknown malformed kind {spec.kind!r}")


def truncate_gzip(path: Path, rng: random.Random) -> tuple[int, int, int]:
    """Cut ``path`` to 40-80% of its bytes: (bytes before, bytes kept, complete lines left)."""
    data = path.read_bytes()
    keep = max(12, int(len(data) * rng.uniform(0.4, 0.8)))
    keep = min(keep, max(0, len(data) - 9))  # always lose at least the gzip trailer
    cut = data[:keep]
    path.write_bytes(cut)
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        text = inflater.decompress(cut)
    except zlib.error:  # pragma: no cover - a cut inside the header
        text = b""
    return len(data), keep, text.count(b"\n")
