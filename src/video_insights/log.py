"""Structured logging: one ``key=value`` line per thing done, with counts."""

from __future__ import annotations

import logging
import sys
from typing import Any

_CONFIGURED = False


def configure(level: int = logging.INFO) -> None:
    """Send this package's logs to stderr once (Airflow tasks keep their own handlers)."""
    global _CONFIGURED
    if _CONFIGURED:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger("video_insights")
    root.addHandler(handler)
    root.setLevel(level)
    root.propagate = False
    _CONFIGURED = True


def kv(event: str, **fields: Any) -> str:
    """Format ``event key=value ...`` with values quoted when they hold spaces."""
    parts = [event]
    for key, value in fields.items():
        text = str(value)
        if " " in text or text == "":
            text = '"' + text.replace('"', '\\"') + '"'
        parts.append(f"{key}={text}")
    return " ".join(parts)


def log_event(logger: logging.Logger, event: str, **fields: Any) -> None:
    logger.info(kv(event, **fields))
