"""Inbox retention: raw delivered files are deleted once landed and older than a retention period.

Raw beacon files hold what landing never keeps (IP addresses, raw user agents), so they should
not lie around for ever. A file is deleted only when **both** hold:

* its bytes are landed: the sha256 of the file is in the manifest (``lake/manifest/<sha16>``), so
  a second delivery of landed bytes under another name goes too, and a file that failed to
  land, arrived after the last landing run or is being written by the collector stays;
* it is older than the retention period (its modification time), so a re-landing from the raw
  files stays possible for that long.

Setting: ``VIDEO_INSIGHTS_INBOX_RETENTION_DAYS`` (default 30; ``off`` keeps every file).
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from video_insights.config import WarehousePaths
from video_insights.errors import VideoInsightsError
from video_insights.log import log_event

logger = logging.getLogger(__name__)

RETENTION_ENV = "VIDEO_INSIGHTS_INBOX_RETENTION_DAYS"
DEFAULT_RETENTION_DAYS = 30.0
_OFF = ("off", "never", "none", "")


class RetentionError(VideoInsightsError):
    """A retention setting or inbox that cannot be used."""


@dataclass
class PruneResult:
    retention_days: float | None
    deleted: list[str] = field(default_factory=list)
    kept_not_landed: list[str] = field(default_factory=list)
    kept_recent: int = 0
    freed_bytes: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "retention_days": self.retention_days,
            "deleted": self.deleted,
            "deleted_files": len(self.deleted),
            "kept_not_landed": self.kept_not_landed,
            "kept_recent": self.kept_recent,
            "freed_bytes": self.freed_bytes,
        }


def retention_days_from_env(environ: dict[str, str] | None = None) -> float | None:
    """The retention period in days from the environment; None when retention is off."""
    value = (environ if environ is not None else os.environ).get(RETENTION_ENV)
    if value is None:
        return DEFAULT_RETENTION_DAYS
    if value.strip().lower() in _OFF:
        return None
    try:
        days = float(value)
    except ValueError:
        raise RetentionError(
            f"{RETENTION_ENV}={value!r} is not a number of days (or 'off')"
        ) from None
    if days < 0:
        raise RetentionError(f"{RETENTION_ENV}={value!r} must not be negative")
    return days


def prune_inbox(
    inbox: Path | str,
    warehouse: WarehousePaths,
    retention_days: float | None,
    *,
    now: float | None = None,
    dry_run: bool = False,
) -> PruneResult:
    """Delete the inbox files that are landed and older than ``retention_days``."""
    from video_insights.landing.inbox import discover
    from video_insights.landing.manifest import file_sha256, is_landed

    result = PruneResult(retention_days=retention_days)
    inbox = Path(inbox)
    if retention_days is None:
        return result
    if not inbox.is_dir():
        raise RetentionError(f"inbox {inbox} does not exist or is not a folder")
    cutoff = (time.time() if now is None else now) - retention_days * 86400
    files, _ignored = discover(inbox)
    for file in files:
        try:
            stat = file.path.stat()
            if stat.st_mtime > cutoff:
                result.kept_recent += 1
                continue
            if not is_landed(warehouse, file_sha256(file.path)):
                result.kept_not_landed.append(file.name)
                continue
            if not dry_run:
                file.path.unlink()
        except FileNotFoundError:  # removed meanwhile
            continue
        except OSError as error:
            raise RetentionError(f"cannot prune inbox file {file.name}: {error}") from None
        result.deleted.append(file.name)
        result.freed_bytes += stat.st_size
    log_event(
        logger,
        "inbox_pruned",
        inbox=inbox,
        retention_days=retention_days,
        deleted=len(result.deleted),
        kept_not_landed=len(result.kept_not_landed),
        kept_recent=result.kept_recent,
        freed_bytes=result.freed_bytes,
        dry_run=dry_run,
    )
    return result


def prune_inbox_step(inbox: Path | str, warehouse: Path | str) -> dict[str, Any]:
    """The DAG's retention task (after publish): prune with the configured period."""
    paths = WarehousePaths.at(warehouse)
    result = prune_inbox(inbox, paths, retention_days_from_env())
    return result.to_dict()
