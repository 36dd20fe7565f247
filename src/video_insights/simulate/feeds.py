"""Side feeds: snapshots of the catalog, in the field names of ``contract.SIDE_FEED_FIELDS``.

Files written (``<seed>`` is the seed, ``<day>`` each simulated day):

* ``partners/partners_s<seed>.jsonl``, ``categories/categories_s<seed>.jsonl``,
  ``users/users_s<seed>.jsonl.gz``, ``entries/entries_s<seed>.jsonl.gz``: full snapshots. They
  depend on the seed and catalog size only, so every run with the same seed writes the same
  bytes (landed once).
* ``entries/entries_updates_<day>_s<seed>.jsonl``: one entry per partner renamed that day, with
  ``updatedAt`` on that day: a side feed that changes.
* ``usage/usage_<day>_s<seed>.jsonl``: one record per partner and day.

A root category has no ``parentId`` key. An interactive project's node entries carry the extra
field ``rootEntryId`` (kept by landing as an extra field).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from video_insights.contract import SIDE_FEED_FIELDS
from video_insights.simulate.catalog import CATALOG_EPOCH, Catalog, Entry, PartnerCatalog
from video_insights.simulate.writer import write_records

RENAME_SUFFIXES = (
    " - Updated",
    " (Remastered)",
    " [Captioned]",
    " - Full Version",
    " (2026 Edition)",
)


def _snapshot_time(start_day: date) -> str:
    """When the full snapshots were taken: the day before the catalog epoch (or start)."""
    return f"{(min(start_day, CATALOG_EPOCH) - timedelta(days=1)).isoformat()}T00:00:00Z"


def _ordered(feed: str, record: dict[str, Any]) -> dict[str, Any]:
    """The record with the contract's fields first, in the contract's order, then extras."""
    names = SIDE_FEED_FIELDS[feed]
    ordered = {name: record[name] for name in names if name in record}
    ordered.update((key, value) for key, value in record.items() if key not in names)
    return ordered


def entry_record(entry: Entry, updated_at: str, name: str | None = None) -> dict[str, Any]:
    record: dict[str, Any] = {
        "entryId": entry.entry_id,
        "partnerId": entry.partner_id,
        "name": name or entry.name,
        "mediaType": entry.media_type,
        "durationSecs": entry.duration_ms / 1000,
        "createdAt": entry.created_at,
        "creatorUserId": entry.creator_user_id,
        "ownerUserId": entry.owner_user_id,
        "categoryIds": entry.category_ids,
        "tags": entry.tags,
        "status": entry.status,
        "updatedAt": updated_at,
    }
    if entry.root_entry_id is not None:
        record["rootEntryId"] = entry.root_entry_id
    return _ordered("entries", record)


def _partners(catalog: Catalog, updated_at: str) -> Iterator[dict[str, Any]]:
    for pc in catalog.partners:
        p = pc.partner
        yield _ordered(
            "partners",
            {
                "partnerId": p.partner_id,
                "name": p.name,
                "timezone": p.timezone,
                "bandwidthAllowanceGb": p.bandwidth_allowance_gb,
                "storageAllowanceGb": p.storage_allowance_gb,
                "transcodingAllowanceMinutes": p.transcoding_allowance_minutes,
                "updatedAt": updated_at,
            },
        )


def _categories(catalog: Catalog, updated_at: str) -> Iterator[dict[str, Any]]:
    for pc in catalog.partners:
        for c in pc.categories:
            record: dict[str, Any] = {
                "categoryId": c.category_id,
                "partnerId": c.partner_id,
                "name": c.name,
            }
            if c.parent_id is not None:
                record["parentId"] = c.parent_id
            record["fullIds"] = c.full_ids
            record["updatedAt"] = updated_at
            yield _ordered("categories", record)


def _users(catalog: Catalog, updated_at: str) -> Iterator[dict[str, Any]]:
    for pc in catalog.partners:
        for u in pc.users:
            yield _ordered(
                "users",
                {
                    "userId": u.user_id,
                    "partnerId": u.partner_id,
                    "fullName": u.full_name,
                    "updatedAt": updated_at,
                },
            )


def renames(pc: PartnerCatalog, seed: int, day: date) -> list[tuple[Entry, str, str]]:
    """The entry of ``pc`` renamed on ``day``: (entry, new name, updatedAt)."""
    rng = random.Random(f"{seed}:rename:{pc.partner.partner_id}:{day.isoformat()}")
    candidates = [e for e in pc.ranked[:10] if e.media_type != "interactive"]
    if not candidates:
        return []
    entry = rng.choice(candidates)
    when = f"{day.isoformat()}T{rng.randrange(6, 20):02d}:{rng.randrange(60):02d}:00Z"
    return [(entry, entry.name + rng.choice(RENAME_SUFFIXES), when)]


def _usage(pc: PartnerCatalog, seed: int, day: date) -> dict[str, Any]:
    p = pc.partner
    rng = random.Random(f"{seed}:usage:{p.partner_id}:{day.isoformat()}")
    age_days = (day - date(2026, 1, 1)).days
    storage = p.storage_allowance_gb * (0.35 + 0.0008 * age_days) * rng.uniform(0.995, 1.005)
    transcoding = p.transcoding_allowance_minutes / 30 * rng.uniform(0.4, 1.3)
    return _ordered(
        "usage",
        {
            "partnerId": p.partner_id,
            "date": day.isoformat(),
            "storageGb": round(storage, 3),
            "transcodingMinutes": round(transcoding, 1),
            "updatedAt": f"{(day + timedelta(days=1)).isoformat()}T02:00:00Z",
        },
    )


def write_side_feeds(
    inbox: Path,
    catalog: Catalog,
    seed: int,
    start_day: date,
    days: list[date],
) -> tuple[dict[str, list[str]], dict[str, int], dict[str, str]]:
    """Write every side feed: (files per feed, records per feed, renamed entry -> new name)."""
    files: dict[str, list[str]] = {feed: [] for feed in SIDE_FEED_FIELDS}
    counts: dict[str, int] = dict.fromkeys(SIDE_FEED_FIELDS, 0)
    stamp = _snapshot_time(start_day)

    def put(feed: str, relative: str, records: Iterator[dict[str, Any]] | list[Any]) -> None:
        counts[feed] += write_records(inbox, relative, records)
        files[feed].append(relative)

    put("partners", f"partners/partners_s{seed}.jsonl", _partners(catalog, stamp))
    put("categories", f"categories/categories_s{seed}.jsonl", _categories(catalog, stamp))
    put("users", f"users/users_s{seed}.jsonl.gz", _users(catalog, stamp))
    put(
        "entries",
        f"entries/entries_s{seed}.jsonl.gz",
        (entry_record(e, e.created_at) for pc in catalog.partners for e in pc.entries),
    )
    renamed: dict[str, str] = {}
    for day in days:
        records = []
        for pc in catalog.partners:
            for entry, name, when in renames(pc, seed, day):
                records.append(entry_record(entry, when, name))
                renamed[entry.entry_id] = name
        put("entries", f"entries/entries_updates_{day.isoformat()}_s{seed}.jsonl", records)
        put(
            "usage",
            f"usage/usage_{day.isoformat()}_s{seed}.jsonl",
            [_usage(pc, seed, day) for pc in catalog.partners],
        )
    return files, counts, renamed
