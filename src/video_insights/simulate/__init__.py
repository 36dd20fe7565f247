"""The beacon simulator: a realistic inbox of KAVA beacons and side feeds.

``simulate(SimulationConfig(inbox=Path("data/inbox")))`` writes ``<inbox>/beacons/*.jsonl.gz``
(one beacon per line, the landing contract of shared/spec/raw-events.md) and the side feeds
``entries/``, ``categories/``, ``partners/``, ``users/`` and ``usage/``, deterministically for a
seed, and returns a :class:`SimulationSummary` of what it wrote (and of the faults it injected,
see :class:`FaultConfig`).

Modules: ``catalog`` (partners, categories, entries, users), ``sessions`` (the viewing-session
state machine), ``timeline`` (when sessions start), ``useragents``, ``ipranges``, ``referrers``,
``faults``, ``writer`` (gzip files), ``feeds`` (side feeds), ``engine`` (the run).
"""

from video_insights.simulate.config import DEFAULT_START_DAY, SimulationConfig
from video_insights.simulate.engine import simulate
from video_insights.simulate.faults import FaultConfig, LateFile, MalformedLine, TruncatedFile
from video_insights.simulate.summary import FaultSummary, SimulationSummary

__all__ = [
    "DEFAULT_START_DAY",
    "FaultConfig",
    "FaultSummary",
    "LateFile",
    "MalformedLine",
    "SimulationConfig",
    "SimulationSummary",
    "TruncatedFile",
    "simulate",
]
