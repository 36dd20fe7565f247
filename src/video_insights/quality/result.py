"""What a quality run returns: one :class:`Check` per expectation, and the verdict.

Plain dataclasses, no Great Expectations import: the pipeline and the CLI can read, print and
serialise a result without paying for GX.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from video_insights.errors import VideoInsightsError


class QualityError(VideoInsightsError):
    """Raised by :meth:`QualityResult.raise_for_failure` when any check failed; ``failed`` holds
    those checks."""

    def __init__(self, message: str, failed: list[Check]) -> None:
        super().__init__(message)
        self.failed = failed


@dataclass(frozen=True)
class Check:
    """The outcome of one expectation.

    ``observed`` is what GX saw: a count of nulls, the out-of-set or out-of-bounds values (a
    sample of at most 20), offending column pairs, or for a query check the first offending rows
    (as dicts, at most 5). ``expected`` says what would have passed, in words
    (``"[0, 1]"``, ``"|diff| <= 0"``). ``message`` is one human line for logs and alerts.
    """

    suite: str
    name: str
    success: bool
    observed: Any
    expected: str
    unexpected_count: int | None
    message: str
    table: str | None = None
    expectation_type: str | None = None
    exception: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class QualityResult:
    """The checks of one or more suites, and where the JSON record was written.

    ``passed`` is a field (so ``dataclasses.asdict`` keeps it), set from ``checks`` when the
    result is made; ``failed`` and :meth:`raise_for_failure` always look at ``checks``.
    """

    checks: list[Check] = field(default_factory=list)
    passed: bool = field(init=False, default=True)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    warehouse: str | None = None
    run_day: str | None = None
    suites: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    record_path: Path | None = None
    data_docs_path: Path | None = None

    def __post_init__(self) -> None:
        self.passed = all(check.success for check in self.checks)

    @property
    def failed(self) -> list[Check]:
        failed = [check for check in self.checks if not check.success]
        self.passed = not failed
        return failed

    def check(self, name: str, suite: str | None = None) -> Check:
        """The check called ``name`` (``KeyError`` if absent)."""
        for item in self.checks:
            if item.name == name and (suite is None or item.suite == suite):
                return item
        raise KeyError(name)

    def merge(self, other: QualityResult) -> QualityResult:
        starts = [t for t in (self.started_at, other.started_at) if t is not None]
        ends = [t for t in (self.finished_at, other.finished_at) if t is not None]
        return QualityResult(
            checks=[*self.checks, *other.checks],
            started_at=min(starts) if starts else None,
            finished_at=max(ends) if ends else None,
            warehouse=self.warehouse or other.warehouse,
            run_day=self.run_day or other.run_day,
            suites=[*self.suites, *other.suites],
            seconds={**self.seconds, **other.seconds},
            data_docs_path=other.data_docs_path or self.data_docs_path,
        )

    def summary(self) -> str:
        failed = self.failed
        head = (
            f"quality {'passed' if not failed else 'FAILED'}: "
            f"{len(self.checks) - len(failed)}/{len(self.checks)} checks passed"
            f" ({', '.join(self.suites)})"
        )
        return "\n".join([head, *(f"  - [{c.suite}] {c.name}: {c.message}" for c in failed)])

    def raise_for_failure(self) -> None:
        """Raise :class:`QualityError` listing every failed check (observed vs expected)."""
        failed = self.failed
        if not failed:
            return
        lines = [f"{len(failed)} of {len(self.checks)} quality checks failed:"]
        for check in failed:
            lines.append(
                f"- [{check.suite}] {check.name}: {check.message}"
                f" (observed {_short(check.observed)}; expected {check.expected})"
            )
        if self.record_path is not None:
            lines.append(f"details: {self.record_path}")
        raise QualityError("\n".join(lines), failed)

    def to_dict(self) -> dict[str, Any]:
        failed = self.failed
        return {
            "passed": not failed,
            "warehouse": self.warehouse,
            "run_day": self.run_day,
            "suites": self.suites,
            "started_at": _iso(self.started_at),
            "finished_at": _iso(self.finished_at),
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
            "counts": {
                "checks": len(self.checks),
                "failed": len(failed),
            },
            "data_docs": str(self.data_docs_path) if self.data_docs_path else None,
            "checks": [check.to_dict() for check in self.checks],
        }

    def write(self, runs_dir: Path) -> Path:
        """Write ``runs/quality-<UTC timestamp>.json`` and copy it to ``quality-latest.json``.

        Both files are written to a temporary name and renamed into place, so a reader never
        sees half a record.
        """
        runs_dir.mkdir(parents=True, exist_ok=True)
        stamp = (self.finished_at or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
        path = runs_dir / f"quality-{stamp}.json"
        n = 1
        while path.exists():
            n += 1
            path = runs_dir / f"quality-{stamp}-{n}.json"
        self.record_path = path
        text = json.dumps(self.to_dict(), indent=2, default=_json_default) + "\n"
        for target in (path, runs_dir / "quality-latest.json"):
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, target)
        return path


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, Path):
        return str(value)
    return str(value)


def _short(value: Any, limit: int = 300) -> str:
    text = json.dumps(value, default=_json_default)
    return text if len(text) <= limit else text[: limit - 3] + "..."
