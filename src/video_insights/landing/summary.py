"""What a landing run did, as a JSON-able dataclass (the nightly run records it)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class FileResult:
    """What landing one inbox file produced (one manifest row)."""

    file_sha256: str
    file_name: str
    feed: str
    size_bytes: int
    line_count: int = 0
    blank_lines: int = 0
    landed_rows: int = 0
    quarantined_rows: int = 0
    forgotten_rows: int = 0  # rows of viewers in the forget ledger, dropped (privacy/forgotten.py)
    rows_by_event_date: Counter[str] = field(default_factory=Counter)
    quarantined_by_kind: Counter[str] = field(default_factory=Counter)


@dataclass
class LandingSummary:
    """Counts of one ``land_inbox`` call.

    ``files_seen`` = ``files_landed + files_skipped + duplicate_deliveries``. A file is skipped when
    its bytes were landed by an earlier run under the same name, and a duplicate delivery when
    the same bytes arrived under another name (in this run or an earlier one).
    ``lines_read`` = ``rows_landed + side_rows_landed + lines_quarantined + rows_forgotten +
    blank_lines`` (``rows_forgotten``: lines of viewers in the forget ledger, dropped) where
    ``lines_quarantined`` counts quarantined lines and ``rows_quarantined`` all quarantine rows
    (file-level rows such as a truncated gzip have line number 0).
    """

    files_seen: int = 0
    files_landed: int = 0
    files_skipped: int = 0
    duplicate_deliveries: int = 0
    beacon_files_landed: int = 0
    side_files_landed: dict[str, int] = field(default_factory=dict)
    lines_read: int = 0
    blank_lines: int = 0
    rows_landed: int = 0
    side_rows_landed: dict[str, int] = field(default_factory=dict)
    rows_quarantined: int = 0
    lines_quarantined: int = 0
    rows_forgotten: int = 0
    quarantined_by_kind: dict[str, int] = field(default_factory=dict)
    rows_by_event_date: dict[str, int] = field(default_factory=dict)
    distinct_ips_looked_up: int = 0
    distinct_user_agents_parsed: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # this process and its landing workers, every thread
    # CPU seconds of the busiest single thread of work (the staging thread in-process, the
    # busiest worker process otherwise): with enough free cores, wall time cannot be shorter
    critical_cpu_seconds: float = 0.0
    beacons_per_second: float = 0.0
    landed_files: list[str] = field(default_factory=list)
    ignored_files: list[str] = field(default_factory=list)

    def add(self, result: FileResult) -> None:
        """Count one landed file."""
        self.files_landed += 1
        self.landed_files.append(result.file_name)
        self.lines_read += result.line_count
        self.blank_lines += result.blank_lines
        self.rows_quarantined += result.quarantined_rows
        self.rows_forgotten += result.forgotten_rows
        self.lines_quarantined += sum(
            n for kind, n in result.quarantined_by_kind.items() if kind not in FILE_LEVEL_KINDS
        )
        for kind, n in result.quarantined_by_kind.items():
            self.quarantined_by_kind[kind] = self.quarantined_by_kind.get(kind, 0) + n
        if result.feed == "beacons":
            self.beacon_files_landed += 1
            self.rows_landed += result.landed_rows
            for day, n in result.rows_by_event_date.items():
                self.rows_by_event_date[day] = self.rows_by_event_date.get(day, 0) + n
        else:
            self.side_files_landed[result.feed] = self.side_files_landed.get(result.feed, 0) + 1
            self.side_rows_landed[result.feed] = (
                self.side_rows_landed.get(result.feed, 0) + result.landed_rows
            )

    def finish(self, seconds: float, cpu_seconds: float = 0.0, critical: float = 0.0) -> None:
        self.seconds = round(seconds, 3)
        self.cpu_seconds = round(cpu_seconds, 3)
        self.critical_cpu_seconds = round(critical, 3)
        self.beacons_per_second = round(self.rows_landed / seconds, 1) if seconds > 0 else 0.0
        self.rows_by_event_date = dict(sorted(self.rows_by_event_date.items()))
        self.quarantined_by_kind = dict(sorted(self.quarantined_by_kind.items()))


# Quarantine kinds that describe a whole file (line_number 0), not one line.
FILE_LEVEL_KINDS = frozenset({"truncated_gzip", "corrupt_gzip"})
