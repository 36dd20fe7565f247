"""Data quality of a warehouse: Great Expectations suites on the landed lake and the dbt marts.

    from video_insights.quality import validate
    result = validate(WarehousePaths.at("data/warehouse"))
    result.raise_for_failure()   # QualityError listing each failed check

The GX project lives in ``expectations/gx`` (generated from :mod:`.suites` and
``expectations/thresholds.yml``). Importing this package does not import GX (seconds); running a
validation does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from video_insights.quality.result import Check, QualityError, QualityResult

if TYPE_CHECKING:
    from video_insights.quality.runner import validate, validate_landed, validate_marts

__all__ = [
    "Check",
    "QualityError",
    "QualityResult",
    "validate",
    "validate_landed",
    "validate_marts",
]


def __getattr__(name: str) -> Any:
    if name in ("validate", "validate_landed", "validate_marts"):
        from video_insights.quality import runner

        return getattr(runner, name)
    raise AttributeError(name)
