"""Where the API reads from, and its limits."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from video_insights.config import WarehousePaths, default_warehouse

TOKENS_ENV = "VIDEO_INSIGHTS_API_TOKENS"

# A page of at most this many rows (`page_size`); more is a 400. Without `page_size` a request
# returns every row, exactly as `video-insights report` does.
MAX_PAGE_SIZE = 10_000
# Bounds on what one request may carry: values per list parameter and characters per value.
MAX_LIST_VALUES = 1_000
MAX_VALUE_CHARS = 1_000


def default_tokens_file(warehouse: WarehousePaths) -> Path:
    """``$VIDEO_INSIGHTS_API_TOKENS`` or ``<warehouse>/config/api_tokens.json``."""
    configured = os.environ.get(TOKENS_ENV)
    return Path(configured) if configured else warehouse.root / "config" / "api_tokens.json"


@dataclass(frozen=True)
class ApiSettings:
    warehouse: WarehousePaths
    tokens_file: Path

    @classmethod
    def load(
        cls, warehouse: Path | str | None = None, tokens_file: Path | str | None = None
    ) -> ApiSettings:
        paths = WarehousePaths.at(warehouse or default_warehouse())
        return cls(paths, Path(tokens_file) if tokens_file else default_tokens_file(paths))
