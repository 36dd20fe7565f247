"""What a simulation wrote, in numbers a test can reconcile with the warehouse."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from video_insights.contract import EVENT_TYPES
from video_insights.simulate.faults import LateFile, MalformedLine, TruncatedFile


@dataclass
class FaultSummary:
    """Exactly what was injected (see :mod:`video_insights.simulate.faults`)."""

    duplicates_identical: int = 0  # byte-identical repeated lines
    duplicates_shifted: int = 0  # repeated lines with receivedAt a few ms later
    late_files: list[LateFile] = field(default_factory=list)
    malformed: list[MalformedLine] = field(default_factory=list)
    truncated: TruncatedFile | None = None

    @property
    def duplicate_lines(self) -> int:
        return self.duplicates_identical + self.duplicates_shifted

    @property
    def malformed_lines(self) -> int:
        return len(self.malformed)

    def malformed_by_kind(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for line in self.malformed:
            counts[line.kind] = counts.get(line.kind, 0) + 1
        return dict(sorted(counts.items()))


@dataclass
class SimulationSummary:
    """Counts of what :func:`~video_insights.simulate.simulate` wrote.

    Beacon counts are of distinct good beacons as generated: duplicates and malformed lines are
    counted apart (``faults``), and the beacons lost by the truncated file are included here and
    listed in ``faults.truncated`` (use :meth:`readable_by_event_type` for what a reader gets).
    ``by_day`` is keyed by the UTC date of ``receivedAt``.
    """

    seed: int
    start_day: str
    days: int
    partners: dict[int, str]  # partner id -> time zone
    beacons_written: int = 0  # distinct good beacons (duplicates and bad lines apart)
    lines: int = 0  # every line of every beacon file
    sessions: int = 0
    by_event_type: dict[int, int] = field(default_factory=dict)
    by_day: dict[str, int] = field(default_factory=dict)
    by_partner: dict[int, int] = field(default_factory=dict)
    beacon_files: list[str] = field(default_factory=list)
    side_feed_files: dict[str, list[str]] = field(default_factory=dict)
    side_feed_records: dict[str, int] = field(default_factory=dict)
    renamed_entries: dict[str, str] = field(default_factory=dict)  # entry id -> newest name
    faults: FaultSummary = field(default_factory=FaultSummary)
    elapsed_secs: float = field(default=0.0, compare=False)

    @property
    def plays(self) -> int:
        return self.by_event_type.get(3, 0)

    @property
    def files(self) -> int:
        return len(self.beacon_files)

    def readable_by_event_type(self) -> dict[int, int]:
        """Beacons by event type, less those lost in the truncated file."""
        counts = dict(self.by_event_type)
        if self.faults.truncated:
            for event_type, lost in self.faults.truncated.lost_by_event_type.items():
                counts[event_type] -= lost
        return counts

    def unique_beacons_by_type(self) -> dict[int, int]:
        """What the warehouse should hold after landing and deduplication, by event type:
        every distinct beacon a reader can get (the truncated file's lost lines excluded;
        duplicates count once, malformed lines not at all)."""
        return self.readable_by_event_type()

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-serialisable data (int keys become strings in JSON)."""
        data = asdict(self)
        data["plays"] = self.plays
        data["faults"]["duplicate_lines"] = self.faults.duplicate_lines
        data["faults"]["malformed_by_kind"] = self.faults.malformed_by_kind()
        return data

    def as_table_rows(self) -> list[tuple[str, str]]:
        """(label, value) rows for the command line."""
        rate = f"{self.beacons_written / self.elapsed_secs:,.0f}/s" if self.elapsed_secs else "-"
        rows: list[tuple[str, str]] = [
            ("seed", str(self.seed)),
            ("days", f"{self.start_day} + {self.days} day(s)"),
            ("partners", ", ".join(f"{pid} ({tz})" for pid, tz in self.partners.items())),
            ("sessions", f"{self.sessions:,}"),
            ("beacons", f"{self.beacons_written:,} in {self.files} files ({self.lines:,} lines)"),
            ("speed", f"{self.elapsed_secs:.1f} s, {rate}"),
        ]
        rows += [(f"  on {day}", f"{count:,}") for day, count in self.by_day.items()]
        rows += [
            (f"  {EVENT_TYPES.get(code, code)} ({code})", f"{count:,}")
            for code, count in sorted(self.by_event_type.items())
        ]
        rows += [
            (f"side feed {feed}", f"{self.side_feed_records.get(feed, 0):,} records")
            for feed in self.side_feed_files
        ]
        faults = self.faults
        if faults.duplicate_lines:
            rows.append(
                (
                    "duplicate lines",
                    f"{faults.duplicate_lines:,} "
                    f"({faults.duplicates_identical} identical, "
                    f"{faults.duplicates_shifted} with a later receivedAt)",
                )
            )
        for late in faults.late_files:
            rows.append(
                (
                    "late file",
                    f"{late.file}: {late.beacons:,} beacons of "
                    f"{late.beacons_day}, delivered {late.delivered_day}",
                )
            )
        if faults.malformed:
            kinds = ", ".join(f"{k} {n}" for k, n in faults.malformed_by_kind().items())
            rows.append(("malformed lines", f"{faults.malformed_lines} ({kinds})"))
        if faults.truncated:
            cut = faults.truncated
            rows.append(
                (
                    "truncated gzip",
                    f"{cut.file}: {cut.lost_lines:,} of {cut.lines_written:,} lines lost",
                )
            )
        return rows
