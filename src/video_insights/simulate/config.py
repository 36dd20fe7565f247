"""The knobs of a simulation run."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from video_insights.simulate.faults import FaultConfig

DEFAULT_START_DAY = date(2026, 11, 1)


@dataclass(frozen=True)
class SimulationConfig:
    """What to simulate and where to write it.

    The content of a simulated day depends only on the seed, the catalog size (``partners``,
    ``entries``), ``beacons_per_day`` and ``files_per_day``, not on which other days the run
    covers: simulating three days at once or one day a night for three nights writes the same
    files (faults aside, which are planned per run).
    """

    inbox: Path
    partners: int = 2
    entries: int = 30  # per partner (interactive projects add their node entries on top)
    days: int = 3
    beacons_per_day: int = 20_000  # over all partners, approximate
    seed: int = 42
    start_day: date = DEFAULT_START_DAY
    files_per_day: int = 4
    faults: FaultConfig = field(default_factory=FaultConfig)
    side_feeds: bool = True  # False: beacons only (a run whose side feeds are late or missing)
    workers: int | None = None  # processes; None: one per CPU for large runs, else 1
    compresslevel: int = 6  # gzip level of the beacon files

    def __post_init__(self) -> None:
        if self.partners < 1 or self.entries < 1 or self.days < 1:
            raise ValueError("partners, entries and days must be at least 1")
        if self.beacons_per_day < 1 or self.files_per_day < 1:
            raise ValueError("beacons_per_day and files_per_day must be at least 1")
        if not 0 <= self.compresslevel <= 9:
            raise ValueError("compresslevel must be 0..9")
