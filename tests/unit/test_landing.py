"""land_inbox end to end on small hand-made inboxes, read back with DuckDB."""

from __future__ import annotations

import errno
import functools
import gzip
import hashlib
import itertools
import os
import tempfile
from collections import Counter
from datetime import datetime
from pathlib import Path

import duckdb
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from video_insights.config import WarehousePaths
from video_insights.contract import BEACON_FIELDS, SIDE_FEED_FIELDS
from video_insights.landing import LandingError, land_inbox
from video_insights.landing import beacons as beacons_module
from video_insights.landing import writer as writer_module

NOW = datetime(2026, 11, 3, 2, 0, 0)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)
PUBLIC_IP = "128.104.1.1"


def beacon(**fields) -> dict:
    base = {
        "eventType": 3,
        "partnerId": 101,
        "entryId": "1_abc",
        "sessionId": "s-1",
        "eventIndex": 1,
        "receivedAt": "2026-11-02T10:00:00.000Z",
        "ipAddress": PUBLIC_IP,
        "userAgent": IPHONE,
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v is not ...}


def line(obj: dict | str) -> bytes:
    return obj.encode() if isinstance(obj, str) else orjson.dumps(obj)


def write(path: Path, lines: list, *, gz: bool = False, end: bytes = b"\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = b"\n".join(line(x) for x in lines) + (end if lines else b"")
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def land(inbox: Path, root: Path, **kwargs):
    return land_inbox(inbox, WarehousePaths.at(root / "warehouse"), now=NOW, **kwargs)


def table(root: Path, pattern: str, order: str = "") -> list[dict]:
    lake = root / "warehouse" / "lake"
    if not list(lake.glob(pattern)):
        return []
    con = duckdb.connect()
    cursor = con.execute(
        f"SELECT * FROM read_parquet('{lake / pattern}', hive_partitioning = true) {order}"
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def schema(path: Path) -> list[tuple[str, str]]:
    con = duckdb.connect()
    return [
        (r[0], r[1])
        for r in con.execute(
            f"DESCRIBE SELECT * FROM read_parquet('{path}', hive_partitioning = false)"
        ).fetchall()
    ]


def lake_files(root: Path) -> dict[str, bytes]:
    lake = root / "warehouse" / "lake"
    return {p.relative_to(lake).as_posix(): p.read_bytes() for p in lake.rglob("*") if p.is_file()}


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ------------------------------------------------------------------------------------- layout


def test_beacons_land_with_the_design_columns_and_enrichment(tmp_path):
    inbox = tmp_path / "inbox"
    ref = "aHR0cHM6Ly93d3cuZXhhbXBsZS5jb20vd2F0Y2gvMT9hPTE="  # https://www.example.com/watch/1?a=1
    path = write(
        inbox / "beacons" / "day.jsonl.gz",
        [
            beacon(referrer=ref, position="12.5", uiConfId=4567, pluginVersion="2.1"),
            beacon(eventType=99, eventIndex=2, ipAddress=..., userAgent=..., playbackType="live"),
        ],
        gz=True,
    )
    summary = land(inbox, tmp_path)
    assert (summary.files_landed, summary.rows_landed, summary.rows_quarantined) == (1, 2, 0)
    sha16 = sha(path)[:16]
    parquet = tmp_path / "warehouse/lake/beacons/event_date=2026-11-02" / f"{sha16}.parquet"
    expected_columns = (
        ["received_at", "beacon_id"]
        + [f.column for f in BEACON_FIELDS]
        + [
            "country",
            "country_name",
            "region",
            "city",
            "device",
            "os",
            "browser",
            "domain",
            "canonical_url",
            "extra_fields",
            "source_file_sha256",
            "source_line",
            "landed_at",
        ]
    )
    assert [name for name, _ in schema(parquet)] == expected_columns
    first, second = table(tmp_path, "beacons/*/*.parquet", "ORDER BY source_line")
    assert first["received_at"] == datetime(2026, 11, 2, 10, 0)
    assert (first["event_type"], first["partner_id"], first["entry_id"]) == (3, 101, "1_abc")
    assert (first["position"], first["ui_conf_id"], first["playback_type"]) == (12.5, "4567", "vod")
    assert (first["country"], first["country_name"], first["region"], first["city"]) == (
        "US",
        "United States",
        "Wisconsin",
        "Madison",
    )
    assert (first["device"], first["os"], first["browser"]) == ("Mobile", "iOS", "Mobile Safari")
    assert first["referrer"] == "https://www.example.com/watch/1?a=1"
    assert (first["domain"], first["canonical_url"]) == ("example.com", "example.com/watch/1")
    assert orjson.loads(first["extra_fields"]) == {"pluginVersion": "2.1"}
    assert (first["source_file_sha256"], first["source_line"]) == (sha(path), 1)
    assert first["landed_at"] == NOW
    assert str(first["event_date"]) == "2026-11-02"
    assert (second["country"], second["region"], second["city"]) == ("Unknown",) * 3
    assert (second["device"], second["os"], second["browser"]) == ("Other", "Unknown", "Unknown")
    assert second["playback_type"] == "live"
    assert second["referrer"] is None and second["domain"] is None
    assert second["extra_fields"] is None


def test_all_null_columns_keep_their_types(tmp_path):
    inbox = tmp_path / "inbox"
    write(inbox / "beacons" / "minimal.jsonl", [beacon(ipAddress=..., userAgent=...)])
    write(inbox / "entries" / "e.jsonl", [{"entryId": "1_abc", "partnerId": 101}])
    land(inbox, tmp_path)
    lake = tmp_path / "warehouse" / "lake"
    beacons = schema(next((lake / "beacons").rglob("*.parquet")))
    kinds = {"int": "BIGINT", "float": "DOUBLE", "str": "VARCHAR"}
    types = dict(beacons)
    for field in BEACON_FIELDS:
        assert types[field.column] == kinds[field.kind], field.column
    assert types["received_at"] == types["landed_at"] == "TIMESTAMP"
    assert types["source_line"] == "INTEGER"
    assert types["extra_fields"] == types["domain"] == types["canonical_url"] == "VARCHAR"
    entries = dict(schema(next((lake / "side" / "entries").glob("*.parquet"))))
    side_kinds = {
        "int": "BIGINT",
        "float": "DOUBLE",
        "str": "VARCHAR",
        "list": "VARCHAR[]",
        "timestamp": "TIMESTAMP",
        "date": "DATE",
    }
    for column, kind in SIDE_FEED_FIELDS["entries"].values():
        assert entries[column] == side_kinds[kind], column
    manifest = dict(schema(next((lake / "manifest").glob("*.parquet"))))
    assert manifest == {
        "file_sha256": "VARCHAR",
        "file_name": "VARCHAR",
        "feed": "VARCHAR",
        "size_bytes": "BIGINT",
        "line_count": "BIGINT",
        "landed_rows": "BIGINT",
        "quarantined_rows": "BIGINT",
        "forgotten_rows": "BIGINT",
        "min_received_at": "TIMESTAMP",
        "max_received_at": "TIMESTAMP",
        "landed_at": "TIMESTAMP",
    }


def test_lines_of_two_utc_dates_go_to_two_partitions(tmp_path):
    inbox = tmp_path / "inbox"
    path = write(
        inbox / "beacons" / "late.jsonl",
        [
            beacon(receivedAt="2026-11-02T23:59:59.999Z"),
            beacon(receivedAt="2026-11-03T00:00:00.000Z", eventIndex=2),
            beacon(receivedAt="2026-11-03T01:30:00+02:00", eventIndex=3),  # 2026-11-02 23:30 UTC
        ],
    )
    summary = land(inbox, tmp_path)
    assert summary.rows_by_event_date == {"2026-11-02": 2, "2026-11-03": 1}
    sha16 = sha(path)[:16]
    beacons = tmp_path / "warehouse" / "lake" / "beacons"
    assert sorted(p.relative_to(beacons).as_posix() for p in beacons.rglob("*.parquet")) == [
        f"event_date=2026-11-02/{sha16}.parquet",
        f"event_date=2026-11-03/{sha16}.parquet",
    ]
    rows = table(tmp_path, "beacons/*/*.parquet", "ORDER BY source_line")
    assert [(str(r["event_date"]), r["received_at"]) for r in rows] == [
        ("2026-11-02", datetime(2026, 11, 2, 23, 59, 59, 999000)),
        ("2026-11-03", datetime(2026, 11, 3, 0, 0)),
        ("2026-11-02", datetime(2026, 11, 2, 23, 30)),
    ]
    (manifest,) = table(tmp_path, "manifest/*.parquet")
    assert manifest["min_received_at"] == datetime(2026, 11, 2, 23, 30)
    assert manifest["max_received_at"] == datetime(2026, 11, 3, 0, 0)


# --------------------------------------------------------------------------------- quarantine


def test_bad_lines_are_quarantined_with_line_numbers_and_the_rest_lands(tmp_path):
    inbox = tmp_path / "inbox"
    path = write(
        inbox / "beacons" / "mixed.jsonl",
        [
            beacon(),  # 1 good
            "this is not json",  # 2
            beacon(eventType="abc"),  # 3
            "",  # 4 blank: skipped
            beacon(eventType=57),  # 5
            beacon(sessionId=...),  # 6
            "[1, 2, 3]",  # 7
            beacon(receivedAt="not a time"),  # 8
            beacon(eventIndex="7", partnerId="101"),  # 9 good: numeric strings
        ],
    )
    summary = land(inbox, tmp_path)
    assert summary.rows_landed == 2
    assert summary.rows_quarantined == summary.lines_quarantined == 6
    assert summary.blank_lines == 1 and summary.lines_read == 9
    assert summary.quarantined_by_kind == {
        "bad_timestamp": 1,
        "missing_field": 1,
        "not_json": 1,
        "not_object": 1,
        "unknown_event_type": 1,
        "wrong_type": 1,
    }
    rows = table(tmp_path, "quarantine/*.parquet", "ORDER BY line_number")
    assert [(r["line_number"], r["field"]) for r in rows] == [
        (2, None),
        (3, "eventType"),
        (5, "eventType"),
        (6, "sessionId"),
        (7, None),
        (8, "receivedAt"),
    ]
    reasons = {r["line_number"]: r["reason"] for r in rows}
    assert reasons[2].startswith("not JSON: ")
    assert reasons[3] == 'field eventType: expected int, got "abc"'
    assert reasons[5] == "unknown eventType 57"
    assert reasons[6] == "missing required field sessionId"
    assert reasons[7] == "not a JSON object: got array"
    assert reasons[8] == 'field receivedAt: not an ISO-8601 timestamp: "not a time"'
    assert all(r["source_file"] == "beacons/mixed.jsonl" for r in rows)
    assert all(r["source_file_sha256"] == sha(path) for r in rows)
    assert rows[0]["raw_line"] == "this is not json"
    landed = table(tmp_path, "beacons/*/*.parquet", "ORDER BY source_line")
    assert [(r["source_line"], r["event_index"], r["partner_id"]) for r in landed] == [
        (1, 1, 101),
        (9, 7, 101),
    ]
    (manifest,) = table(tmp_path, "manifest/*.parquet")
    assert (manifest["line_count"], manifest["landed_rows"], manifest["quarantined_rows"]) == (
        9,
        2,
        6,
    )


def test_truncated_gzip_keeps_complete_lines(tmp_path):
    inbox = tmp_path / "inbox"
    lines = [orjson.dumps(beacon(eventIndex=i, sessionId=f"s{i:04d}")) for i in range(1, 2001)]
    data = gzip.compress(b"\n".join(lines) + b"\n")
    cut = inbox / "beacons" / "cut.jsonl.gz"
    cut.parent.mkdir(parents=True)
    cut.write_bytes(data[: len(data) * 2 // 3])
    # how many complete lines the cut stream holds, computed independently of landing
    import zlib

    text = zlib.decompressobj(31).decompress(data[: len(data) * 2 // 3])
    complete = text.count(b"\n")
    assert 0 < complete < 2000 and not text.endswith(b"\n")
    summary = land(inbox, tmp_path)
    assert summary.rows_landed == complete
    rows = table(tmp_path, "quarantine/*.parquet", "ORDER BY line_number")
    assert [(r["line_number"], r["field"]) for r in rows] == [(0, None), (complete + 1, None)]
    assert rows[0]["reason"].startswith("truncated gzip: ")
    assert rows[1]["reason"] == "partial last line: cut by the truncated gzip"
    assert summary.quarantined_by_kind == {"partial_line": 1, "truncated_gzip": 1}
    assert summary.lines_quarantined == 1
    landed = table(tmp_path, "beacons/*/*.parquet", "ORDER BY source_line")
    assert [r["event_index"] for r in landed] == list(range(1, complete + 1))


def test_corrupt_gzip_is_a_file_level_quarantine_row(tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "beacons").mkdir(parents=True)
    (inbox / "beacons" / "bad.jsonl.gz").write_bytes(b"this is not gzip at all")
    summary = land(inbox, tmp_path)
    assert summary.files_landed == 1 and summary.rows_landed == 0
    (row,) = table(tmp_path, "quarantine/*.parquet")
    assert row["line_number"] == 0 and row["reason"].startswith("corrupt gzip: ")


def test_concatenated_gzip_members_are_one_file(tmp_path):
    inbox = tmp_path / "inbox"
    path = inbox / "beacons" / "two-members.jsonl.gz"
    path.parent.mkdir(parents=True)
    path.write_bytes(
        gzip.compress(line(beacon(eventIndex=1)) + b"\n")
        + gzip.compress(line(beacon(eventIndex=2)) + b"\n")
    )
    summary = land(inbox, tmp_path)
    assert summary.rows_landed == 2 and summary.rows_quarantined == 0


# ------------------------------------------------------------------------- IP never written


def test_the_ip_address_is_in_no_output_file(tmp_path):
    inbox = tmp_path / "inbox"
    ips = ["128.104.1.1", "203.0.113.77", "2001:db8:85a3::8a2e:370:7334"]
    write(
        inbox / "beacons" / "ips.jsonl",
        [
            beacon(ipAddress=ips[0]),
            beacon(ipAddress=ips[1], eventType="bad"),  # quarantined: raw line redacted
            beacon(ipAddress=ips[2], sessionId=...),
            '{"ipAddress": "203.0.113.77", "eventType": 3, "truncat',
            beacon(ipAddress=ips[0], clientIp=...),
        ],
    )
    land(inbox, tmp_path)
    con = duckdb.connect()
    lake = tmp_path / "warehouse" / "lake"
    parquet_files = list(lake.rglob("*.parquet"))
    assert len(parquet_files) == 3  # beacons, quarantine, manifest
    for path in parquet_files:
        text = str(con.execute(f"SELECT * FROM '{path}'").fetchall())
        columns = [
            r[0]
            for r in con.execute(
                f"DESCRIBE SELECT * FROM read_parquet('{path}', hive_partitioning = false)"
            ).fetchall()
        ]
        assert not any(c == "ip" or "ip_address" in c for c in columns)
        for ip in ips:
            assert ip not in text, (path, ip)
        for ip in ips:
            assert ip.encode() not in path.read_bytes()
    assert list((tmp_path / "warehouse" / "tmp").iterdir()) == []


# ------------------------------------------------------------------------------- beacon_id


def test_beacon_id_is_equal_for_duplicates_differing_only_in_received_at(tmp_path, monkeypatch):
    key = bytes(range(32))
    monkeypatch.setenv("VIDEO_INSIGHTS_LANDING_KEY", key.hex())
    inbox = tmp_path / "inbox"
    original = beacon(position=10.5)
    write(
        inbox / "beacons" / "a.jsonl",
        [
            original,
            {**original, "receivedAt": "2026-11-02T10:00:05.000Z"},  # a retry
            {**original, "position": 11.5, "receivedAt": "2026-11-02T10:00:09.000Z"},  # another
        ],
    )
    write(
        inbox / "beacons" / "b.jsonl",
        [
            # the collector delivered it again, keys in another order
            dict(reversed(list({**original, "receivedAt": "2026-11-03T00:00:01.000Z"}.items())))
        ],
    )
    land(inbox, tmp_path)
    rows = table(tmp_path, "beacons/*/*.parquet", "ORDER BY received_at, source_line")
    ids = [r["beacon_id"] for r in rows]
    raw = {k: v for k, v in original.items() if k != "receivedAt"}
    expected = hashlib.blake2b(
        orjson.dumps(raw, option=orjson.OPT_SORT_KEYS), digest_size=16, key=key
    ).hexdigest()
    assert ids[0] == ids[1] == ids[3] == expected
    assert ids[2] != expected and len(ids[2]) == 32
    assert [r["source_line"] for r in rows] == [1, 2, 3, 1]


# ------------------------------------------------------------------------------ idempotence


def test_landing_twice_lands_nothing_the_second_time(tmp_path):
    inbox = tmp_path / "inbox"
    write(inbox / "beacons" / "one.jsonl.gz", [beacon(), "bad line"], gz=True)
    write(inbox / "users" / "u.jsonl", [{"userId": "u1", "partnerId": 101, "fullName": "A"}])
    first = land(inbox, tmp_path)
    before = lake_files(tmp_path)
    assert first.files_landed == 2
    second = land_inbox(inbox, WarehousePaths.at(tmp_path / "warehouse"))
    assert (second.files_seen, second.files_landed, second.files_skipped) == (2, 0, 2)
    assert second.rows_landed == 0 and second.duplicate_deliveries == 0
    assert lake_files(tmp_path) == before


def test_same_bytes_under_another_name_land_once(tmp_path):
    inbox = tmp_path / "inbox"
    original = write(inbox / "beacons" / "a.jsonl", [beacon(), beacon(eventIndex=2)])
    (inbox / "beacons" / "sub").mkdir()
    (inbox / "beacons" / "sub" / "a-again.jsonl").write_bytes(original.read_bytes())
    summary = land(inbox, tmp_path)
    assert (summary.files_seen, summary.files_landed, summary.duplicate_deliveries) == (2, 1, 1)
    assert summary.rows_landed == 2
    # a later run gets the same bytes under a third name
    (inbox / "beacons" / "z.jsonl").write_bytes(original.read_bytes())
    later = land(inbox, tmp_path)
    assert (later.files_landed, later.files_skipped, later.duplicate_deliveries) == (0, 1, 2)
    assert len(table(tmp_path, "beacons/*/*.parquet")) == 2
    assert [m["file_name"] for m in table(tmp_path, "manifest/*.parquet")] == ["beacons/a.jsonl"]


def test_rerun_after_a_crash_overwrites_instead_of_duplicating(tmp_path):
    inbox = tmp_path / "inbox"
    path = write(inbox / "beacons" / "a.jsonl", [beacon(), beacon(eventIndex=2)])
    land(inbox, tmp_path)
    # simulate a crash after the data files, before the manifest row
    (tmp_path / "warehouse" / "lake" / "manifest" / f"{sha(path)[:16]}.parquet").unlink()
    summary = land(inbox, tmp_path)
    assert summary.files_landed == 1
    assert len(table(tmp_path, "beacons/*/*.parquet")) == 2


def test_collector_files_in_progress_are_ignored(tmp_path):
    inbox = tmp_path / "inbox"
    write(inbox / "beacons" / "done.jsonl", [beacon()])
    write(inbox / "beacons" / "writing.jsonl.gz.tmp", [beacon(eventIndex=2)])
    write(inbox / "beacons" / ".hidden.jsonl", [beacon(eventIndex=3)])
    write(inbox / "beacons" / ".staging" / "x.jsonl", [beacon(eventIndex=4)])
    write(inbox / "beacons" / "notes.txt", ["hello"])
    summary = land(inbox, tmp_path)
    assert (summary.files_seen, summary.rows_landed) == (1, 1)
    assert summary.ignored_files == ["beacons/notes.txt"]


# ------------------------------------------------------------------------------- side feeds


def test_side_feeds_land_typed_and_bad_records_are_quarantined(tmp_path):
    inbox = tmp_path / "inbox"
    write(
        inbox / "entries" / "entries.jsonl.gz",
        [
            {
                "entryId": "1_abc",
                "partnerId": "101",
                "name": "Intro",
                "mediaType": "video",
                "durationSecs": 93.5,
                "createdAt": "2026-10-01T08:00:00Z",
                "categoryIds": ["7", "7>9"],
                "tags": "news, sport",
                "updatedAt": "2026-11-01T00:00:00Z",
                "thumbnail": "t.jpg",
            },
            {"partnerId": 101, "name": "no id"},
            {"entryId": "1_def", "partnerId": 101, "categoryIds": {"not": "a list"}},
        ],
        gz=True,
    )
    write(
        inbox / "usage" / "usage.jsonl",
        [
            {"partnerId": 101, "date": "2026-11-02", "storageGb": 12.5, "transcodingMinutes": 30},
            {"partnerId": 101, "date": "02/11/2026"},
        ],
    )
    write(
        inbox / "partners" / "p.jsonl",
        [
            {
                "partnerId": 101,
                "name": "Acme",
                "timezone": "Europe/Berlin",
                "bandwidthAllowanceGb": 100,
            }
        ],
    )
    summary = land(inbox, tmp_path)
    assert summary.side_rows_landed == {"entries": 1, "usage": 1, "partners": 1}
    (entry,) = table(tmp_path, "side/entries/*.parquet")
    assert entry["entry_id"] == "1_abc" and entry["partner_id"] == 101
    assert entry["created_at"] == datetime(2026, 10, 1, 8, 0)
    assert entry["category_ids"] == ["7", "7>9"] and entry["tags"] == ["news", "sport"]
    assert orjson.loads(entry["extra_fields"]) == {"thumbnail": "t.jpg"}
    assert entry["source_line"] == 1 and entry["landed_at"] == NOW
    (usage,) = table(tmp_path, "side/usage/*.parquet")
    assert str(usage["date"]) == "2026-11-02" and usage["transcoding_minutes"] == 30.0
    (partner,) = table(tmp_path, "side/partners/*.parquet")
    assert partner["timezone"] == "Europe/Berlin" and partner["updated_at"] is None
    bad = table(tmp_path, "quarantine/*.parquet", "ORDER BY source_file, line_number")
    assert [(r["source_file"], r["line_number"], r["field"], r["reason"]) for r in bad] == [
        ("entries/entries.jsonl.gz", 2, "entryId", "missing required field entryId"),
        (
            "entries/entries.jsonl.gz",
            3,
            "categoryIds",
            'field categoryIds: expected list of strings, got {"not":"a list"}',
        ),
        (
            "usage/usage.jsonl",
            2,
            "date",
            'field date: expected a YYYY-MM-DD date, got "02/11/2026"',
        ),
    ]
    feeds = {m["file_name"]: m["feed"] for m in table(tmp_path, "manifest/*.parquet")}
    assert feeds == {
        "entries/entries.jsonl.gz": "entries",
        "usage/usage.jsonl": "usage",
        "partners/p.jsonl": "partners",
    }


def test_snapshots_of_one_run_are_ordered_by_landed_at_in_arrival_order(tmp_path):
    inbox = tmp_path / "inbox"
    newer = write(
        inbox / "users" / "a-newer.jsonl",
        [{"userId": "u1", "partnerId": 1, "fullName": "New Name"}],
    )
    older = write(
        inbox / "users" / "b-older.jsonl",
        [{"userId": "u1", "partnerId": 1, "fullName": "Old Name"}],
    )
    os.utime(older, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    os.utime(newer, ns=(1_000_000_001_000_000_000, 1_000_000_001_000_000_000))
    land(inbox, tmp_path)
    rows = table(tmp_path, "side/users/*.parquet", "ORDER BY landed_at")
    assert [r["full_name"] for r in rows] == ["Old Name", "New Name"]
    assert rows[0]["landed_at"] == NOW and rows[1]["landed_at"] > NOW


def test_byte_order_mark_and_overlong_lines(tmp_path):
    inbox = tmp_path / "inbox"
    path = inbox / "beacons" / "bom.jsonl"
    path.parent.mkdir(parents=True)
    huge = beacon(eventIndex=2, blob="x" * (1024 * 1024))
    path.write_bytes(b"\xef\xbb\xbf" + line(beacon()) + b"\n" + line(huge) + b"\n")
    summary = land(inbox, tmp_path)
    assert summary.rows_landed == 1
    (row,) = table(tmp_path, "quarantine/*.parquet")
    assert row["line_number"] == 2 and row["reason"] == "line longer than the 1048576 bytes allowed"
    assert len(row["raw_line"]) == 2000


# ------------------------------------------------------------------------- enrichment caches


def test_each_distinct_ip_and_user_agent_is_looked_up_once(tmp_path, monkeypatch):
    inbox = tmp_path / "inbox"
    for n in range(3):
        write(
            inbox / "beacons" / f"f{n}.jsonl",
            [
                beacon(
                    eventIndex=i,
                    sessionId=f"s{n}",
                    ipAddress=f"128.104.1.{i % 2 + 1}",
                    userAgent=f"UA {i % 3}",
                )
                for i in range(1, 20)
            ],
        )
    ips, agents = Counter(), Counter()
    lookup, parse = beacons_module.GeoLookup.lookup, beacons_module.parse_agent
    monkeypatch.setattr(
        beacons_module.GeoLookup, "lookup", lambda self, ip: (ips.update([ip]), lookup(self, ip))[1]
    )
    monkeypatch.setattr(
        beacons_module, "parse_agent", lambda ua: (agents.update([ua]), parse(ua))[1]
    )
    summary = land(inbox, tmp_path)
    assert summary.rows_landed == 57
    assert ips == Counter({"128.104.1.1": 1, "128.104.1.2": 1})
    assert agents == Counter({"UA 0": 1, "UA 1": 1, "UA 2": 1})
    assert (summary.distinct_ips_looked_up, summary.distinct_user_agents_parsed) == (2, 3)


# ------------------------------------------------------------------------------- run errors


def test_missing_inbox_is_a_landing_error(tmp_path):
    with pytest.raises(LandingError, match="does not exist"):
        land(tmp_path / "nowhere", tmp_path)


@pytest.mark.parametrize("fail_on", [1, 2, 3])
def test_disk_full_names_the_file_and_leaves_nothing_behind(tmp_path, monkeypatch, fail_on):
    inbox = tmp_path / "inbox"
    write(
        inbox / "beacons" / "a.jsonl",
        [beacon(receivedAt="2026-11-01T10:00:00.000Z"), beacon(), "bad"],
    )
    calls = []
    copy = writer_module.ParquetWriter.copy

    def full_disk(self, select_sql, dest, outputs):
        calls.append(dest)
        if len(calls) == fail_on:  # 1, 2: the two date partitions, 3: quarantine
            raise OSError(errno.ENOSPC, "No space left on device")
        return copy(self, select_sql, dest, outputs)

    monkeypatch.setattr(writer_module.ParquetWriter, "copy", full_disk)
    with pytest.raises(LandingError, match=r"disk full while landing beacons/a\.jsonl"):
        land(inbox, tmp_path)
    assert lake_files(tmp_path) == {}
    assert list((tmp_path / "warehouse" / "tmp").iterdir()) == []
    monkeypatch.setattr(writer_module.ParquetWriter, "copy", copy)
    assert land(inbox, tmp_path).rows_landed == 2


def test_duckdb_disk_full_is_a_landing_error(tmp_path, monkeypatch):
    inbox = tmp_path / "inbox"
    write(inbox / "beacons" / "a.jsonl", [beacon()])

    def failing(self, select_sql, dest, outputs):
        raise duckdb.IOException('Could not write file "x": No space left on device')

    monkeypatch.setattr(writer_module.ParquetWriter, "copy", failing)
    with pytest.raises(LandingError, match=r"disk full while landing beacons/a\.jsonl"):
        land(inbox, tmp_path)
    assert list((tmp_path / "warehouse" / "tmp").iterdir()) == []


def test_progress_bar_and_logs(tmp_path, caplog):
    inbox = tmp_path / "inbox"
    write(inbox / "beacons" / "a.jsonl", [beacon()])
    with caplog.at_level("INFO", logger="video_insights.landing"):
        land(inbox, tmp_path, progress=True)
    messages = [r.getMessage() for r in caplog.records]
    assert any(
        m.startswith("landing.file file=beacons/a.jsonl") and "rows=1" in m for m in messages
    )
    assert any(m.startswith("landing.done") and "rows_landed=1" in m for m in messages)


# -------------------------------------------------------------------------- property: splits

POOL = [
    beacon(
        eventIndex=i,
        sessionId=f"s{i % 4}",
        eventType=[1, 2, 3, 99][i % 4],
        receivedAt=f"2026-11-0{2 + i % 2}T0{i % 10}:00:00.{i:03d}Z",
        ipAddress=["128.104.1.1", "10.0.0.1", "203.0.113.5"][i % 3],
        userAgent=[IPHONE, "garbage"][i % 2],
    )
    for i in range(1, 25)
]
POOL += [
    {**POOL[0], "receivedAt": "2026-11-02T09:59:59.000Z"},  # a duplicate beacon
    beacon(eventType="x", eventIndex=99),
    beacon(eventIndex=98, sessionId=...),
]
ROW_COLUMNS = (
    "beacon_id",
    "received_at",
    "event_type",
    "event_index",
    "session_id",
    "country",
    "device",
    "event_date",
)


def _land_split(lines: list[dict], cuts: list[int], gz_flags: list[bool]):
    # one landing key for every warehouse of this test, so their beacon_ids compare
    with tempfile.TemporaryDirectory() as root, pytest.MonkeyPatch.context() as patch:
        patch.setenv("VIDEO_INSIGHTS_LANDING_KEY", "ab" * 32)
        inbox = Path(root) / "inbox"
        bounds = [0, *sorted(set(cuts)), len(lines)]
        for n, (start, stop) in enumerate(itertools.pairwise(bounds)):
            if start < stop:
                gz = gz_flags[n % len(gz_flags)]
                write(
                    inbox / "beacons" / f"part{n:02d}.jsonl{'.gz' if gz else ''}",
                    lines[start:stop],
                    gz=gz,
                )
        (inbox / "beacons").mkdir(parents=True, exist_ok=True)
        land(inbox, Path(root))
        beacons = Counter(
            tuple(str(r[c]) for c in ROW_COLUMNS) for r in table(Path(root), "beacons/*/*.parquet")
        )
        bad = Counter((r["field"], r["reason"]) for r in table(Path(root), "quarantine/*.parquet"))
        return beacons, bad


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.permutations(POOL),
    st.lists(st.integers(0, len(POOL)), max_size=5),
    st.lists(st.booleans(), min_size=1, max_size=6),
)
def test_any_split_of_lines_into_files_lands_the_same_rows(lines, cuts, gz_flags):
    assert _land_split(lines, cuts, gz_flags) == _one_file_result()


@functools.cache
def _one_file_result():
    beacons, bad = _land_split(POOL, [], [False])
    assert sum(beacons.values()) == 25 and sum(bad.values()) == 2  # 24 + the duplicate beacon
    assert len({row[0] for row in beacons}) == 24  # ...which shares its beacon_id
    return beacons, bad


def test_lines_split_across_read_blocks_and_huge_lines(tmp_path, monkeypatch):
    from video_insights.landing import inbox as inbox_module

    monkeypatch.setattr(inbox_module, "PLAIN_READ_SIZE", 7)  # every line spans many blocks
    monkeypatch.setattr(inbox_module, "READ_SIZE", 5)
    inbox = tmp_path / "inbox"
    lines = [beacon(eventIndex=i) for i in range(1, 6)]
    write(inbox / "beacons" / "plain.jsonl", lines, end=b"")  # last line without newline
    write(inbox / "beacons" / "zipped.jsonl.gz", lines, gz=True)
    summary = land(inbox, tmp_path)
    assert summary.rows_landed == 10 and summary.rows_quarantined == 0
    rows = table(tmp_path, "beacons/*/*.parquet", "ORDER BY source_file_sha256, source_line")
    assert [r["event_index"] for r in rows] == [1, 2, 3, 4, 5] * 2


def test_a_failed_write_among_several_files_leaves_no_partial_file(tmp_path, monkeypatch):
    inbox = tmp_path / "inbox"
    for n in range(4):
        write(inbox / "beacons" / f"f{n}.jsonl", [beacon(eventIndex=n)])
    copy = writer_module.ParquetWriter.copy

    def failing_on_f2(self, select_sql, dest, outputs):
        if outputs.source == "beacons/f2.jsonl":
            raise OSError(errno.ENOSPC, "No space left on device")
        return copy(self, select_sql, dest, outputs)

    monkeypatch.setattr(writer_module.ParquetWriter, "copy", failing_on_f2)
    with pytest.raises(LandingError, match=r"beacons/f2\.jsonl"):
        land(inbox, tmp_path)
    assert list((tmp_path / "warehouse" / "tmp").iterdir()) == []
    landed = {m["file_name"] for m in table(tmp_path, "manifest/*.parquet")}
    assert {"beacons/f0.jsonl", "beacons/f1.jsonl"} <= landed
    assert "beacons/f2.jsonl" not in landed
    # every beacon file in the lake belongs to a landed file
    shas = {m["file_sha256"] for m in table(tmp_path, "manifest/*.parquet")}
    assert {r["source_file_sha256"] for r in table(tmp_path, "beacons/*/*.parquet")} == shas
    monkeypatch.setattr(writer_module.ParquetWriter, "copy", copy)
    rerun = land(inbox, tmp_path)
    assert rerun.files_landed == 4 - len(landed)
    assert len(table(tmp_path, "beacons/*/*.parquet")) == 4
