"""Landing and privacy: the keyed beacon_id, its secret key, pseudonymized user ids.

Expected ids are computed here with hashlib/hmac from the documented recipe and known keys,
never by the code under test.
"""

from __future__ import annotations

import hashlib
import hmac
import stat

import duckdb
import orjson
import pytest

from tests.unit.test_landing import beacon, land, table, write
from video_insights.config import WarehousePaths
from video_insights.landing import LandingError
from video_insights.privacy.pseudonymize import (
    PseudonymizeSettingError,
    pseudonymization_key,
    pseudonymize_user_id,
    pseudonymized_partners,
)

KEY = bytes(range(32))
PSEUDO_KEY = bytes(range(100, 132))


def keyed_id(obj: dict, key: bytes) -> str:
    raw = {k: v for k, v in obj.items() if k != "receivedAt"}
    canonical = orjson.dumps(raw, option=orjson.OPT_SORT_KEYS)
    return hashlib.blake2b(canonical, digest_size=16, key=key).hexdigest()


def pseudonym(key: bytes, message: bytes) -> str:
    return "psu_" + hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


# ------------------------------------------------------------------------- keyed beacon_id


def test_the_landing_key_is_created_once_private_and_keys_beacon_id(tmp_path, monkeypatch):
    monkeypatch.delenv("VIDEO_INSIGHTS_LANDING_KEY", raising=False)
    inbox = tmp_path / "inbox"
    first = beacon(position=1.5)
    write(inbox / "beacons" / "a.jsonl", [first])
    land(inbox, tmp_path)
    key_file = tmp_path / "warehouse" / "secrets" / "landing.key"
    key = key_file.read_bytes()
    assert len(key) == 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    # a later night, the same beacon retried: the same key, so the same id
    write(inbox / "beacons" / "b.jsonl", [{**first, "receivedAt": "2026-11-02T11:00:00.000Z"}])
    land(inbox, tmp_path)
    assert key_file.read_bytes() == key
    ids = [r["beacon_id"] for r in table(tmp_path, "beacons/*/*.parquet", "ORDER BY received_at")]
    assert ids == [keyed_id(first, key)] * 2
    # without the key the id is not the plain hash of the beacon (which an IPv4 brute force
    # could invert)
    unkeyed = keyed_id(first, b"")
    assert ids[0] != unkeyed


def test_another_warehouse_has_another_key(tmp_path, monkeypatch):
    monkeypatch.delenv("VIDEO_INSIGHTS_LANDING_KEY", raising=False)
    write(tmp_path / "inbox" / "beacons" / "a.jsonl", [beacon()])
    land(tmp_path / "inbox", tmp_path / "one")
    land(tmp_path / "inbox", tmp_path / "two")
    (one,) = table(tmp_path / "one", "beacons/*/*.parquet")
    (two,) = table(tmp_path / "two", "beacons/*/*.parquet")
    assert one["beacon_id"] != two["beacon_id"]


@pytest.mark.parametrize("value", ["abc", "00" * 31, "zz" * 32])
def test_a_bad_key_setting_is_a_clear_error(tmp_path, monkeypatch, value):
    monkeypatch.setenv("VIDEO_INSIGHTS_LANDING_KEY", value)
    write(tmp_path / "inbox" / "beacons" / "a.jsonl", [beacon()])
    with pytest.raises(LandingError, match="VIDEO_INSIGHTS_LANDING_KEY must be 32 bytes"):
        land(tmp_path / "inbox", tmp_path)


def test_a_damaged_key_file_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.delenv("VIDEO_INSIGHTS_LANDING_KEY", raising=False)
    key_file = tmp_path / "warehouse" / "secrets" / "landing.key"
    key_file.parent.mkdir(parents=True)
    key_file.write_bytes(b"short")
    write(tmp_path / "inbox" / "beacons" / "a.jsonl", [beacon()])
    with pytest.raises(LandingError, match=r"landing\.key holds 5 bytes, expected 32"):
        land(tmp_path / "inbox", tmp_path)


# ------------------------------------------------------------------------ pseudonymization


def test_pseudonymize_user_id_is_a_keyed_hash_of_partner_and_trimmed_id():
    expected = pseudonym(PSEUDO_KEY, b"1001:alice@example.com")
    assert pseudonymize_user_id(PSEUDO_KEY, 1001, "alice@example.com") == expected
    assert pseudonymize_user_id(PSEUDO_KEY, 1001, " alice@example.com  ") == expected
    assert pseudonymize_user_id(PSEUDO_KEY, 1002, "alice@example.com") == pseudonym(
        PSEUDO_KEY, b"1002:alice@example.com"
    )
    assert pseudonymize_user_id(bytes(32), 1001, "alice@example.com") != expected
    assert pseudonymize_user_id(PSEUDO_KEY, 1001, "") == ""  # anonymous stays anonymous
    assert pseudonymize_user_id(PSEUDO_KEY, 1001, "   ") == "   "


def test_pseudonymized_partners_setting(monkeypatch):
    monkeypatch.setenv("VIDEO_INSIGHTS_PSEUDONYMIZE_PARTNERS", " 1001, 1002,,")
    assert pseudonymized_partners() == {1001, 1002}
    monkeypatch.delenv("VIDEO_INSIGHTS_PSEUDONYMIZE_PARTNERS")
    assert pseudonymized_partners() == frozenset()
    with pytest.raises(PseudonymizeSettingError, match="'acme' is not a partner id"):
        pseudonymized_partners("1001,acme")


def test_pseudonymization_key_file_is_private_and_stable(tmp_path, monkeypatch):
    monkeypatch.delenv("VIDEO_INSIGHTS_PSEUDONYMIZE_KEY", raising=False)
    paths = WarehousePaths.at(tmp_path / "warehouse")
    key = pseudonymization_key(paths)
    key_file = tmp_path / "warehouse" / "secrets" / "pseudonymize.key"
    assert key_file.read_bytes() == key and len(key) == 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert pseudonymization_key(paths) == key
    monkeypatch.setenv("VIDEO_INSIGHTS_PSEUDONYMIZE_KEY", PSEUDO_KEY.hex())
    assert pseudonymization_key(paths) == PSEUDO_KEY


@pytest.fixture
def pseudonymized(monkeypatch):
    monkeypatch.setenv("VIDEO_INSIGHTS_PSEUDONYMIZE_PARTNERS", "101")
    monkeypatch.setenv("VIDEO_INSIGHTS_PSEUDONYMIZE_KEY", PSEUDO_KEY.hex())
    monkeypatch.setenv("VIDEO_INSIGHTS_LANDING_KEY", KEY.hex())


def test_landing_pseudonymizes_the_user_ids_of_listed_partners(tmp_path, pseudonymized):
    inbox = tmp_path / "inbox"
    write(
        inbox / "beacons" / "a.jsonl",
        [
            beacon(userId="ann", eventIndex=1),
            beacon(userId="ann ", eventIndex=2),  # the same viewer (staging trims spaces)
            beacon(userId="bob", eventIndex=3),
            beacon(userId="", eventIndex=4),  # anonymous
            beacon(eventIndex=5),  # anonymous
            beacon(userId=4242, eventIndex=6),  # a numeric id is a string id
            beacon(userId="ann", partnerId=202, eventIndex=7),  # not a listed partner
            beacon(userId="ann", eventIndex=8, eventType=777),  # quarantined
            '{"partnerId": 101, "userId": "carl", "eventType": 3',  # not JSON
            '{"userId": "dora", "eventType": 3}',  # no partner: the id cannot stay
            beacon(userId=["x-secret"], eventIndex=9),  # wrong type
        ],
    )
    write(
        inbox / "users" / "u.jsonl",
        [
            {"userId": "ann", "partnerId": 101, "fullName": "Ann"},
            {"userId": "ann", "partnerId": 202, "fullName": "Ann"},
        ],
    )
    write(
        inbox / "entries" / "e.jsonl",
        [
            {"entryId": "1_a", "partnerId": 101, "creatorUserId": "bob", "ownerUserId": "ann"},
        ],
    )
    summary = land(inbox, tmp_path)
    assert summary.rows_landed == 7 and summary.lines_quarantined == 4

    ann = pseudonym(PSEUDO_KEY, b"101:ann")
    bob = pseudonym(PSEUDO_KEY, b"101:bob")
    rows = table(tmp_path, "beacons/*/*.parquet", "ORDER BY source_line")
    assert [(r["partner_id"], r["user_id"]) for r in rows] == [
        (101, ann),
        (101, ann),
        (101, bob),
        (101, ""),
        (101, None),
        (101, pseudonym(PSEUDO_KEY, b"101:4242")),
        (202, "ann"),
    ]
    # beacon_id still hashes the raw beacon (keyed): the raw id never leaves the process
    assert rows[0]["beacon_id"] == keyed_id(beacon(userId="ann", eventIndex=1), KEY)

    (users_101, users_202) = table(tmp_path, "side/users/*.parquet", "ORDER BY partner_id")
    assert (users_101["user_id"], users_202["user_id"]) == (ann, "ann")
    (entry,) = table(tmp_path, "side/entries/*.parquet")
    assert (entry["creator_user_id"], entry["owner_user_id"]) == (bob, ann)

    bad = {r["line_number"]: r for r in table(tmp_path, "quarantine/*.parquet")}
    assert f'"userId":"{ann}"' in bad[8]["raw_line"]
    assert '"userId": "{}"'.format(pseudonym(PSEUDO_KEY, b"101:carl")) in bad[9]["raw_line"]
    assert '"userId": "<redacted>"' in bad[10]["raw_line"]
    assert bad[11]["field"] == "userId"
    assert bad[11]["reason"] == "field userId: expected str, got <redacted>"
    assert "x-secret" not in bad[11]["raw_line"]

    # no raw id of partner 101 anywhere in the lake
    lake = tmp_path / "warehouse" / "lake"
    con = duckdb.connect()
    for parquet in lake.rglob("*.parquet"):
        text = con.execute(
            f"SELECT string_agg(CAST(t AS VARCHAR), ' ') FROM read_parquet('{parquet}') AS t"
        ).fetchone()[0]
        for raw in ("bob", "carl", "dora", "x-secret", "4242"):
            assert raw not in text, (raw, parquet)


def test_unique_viewers_are_counted_the_same_when_pseudonymized(tmp_path, monkeypatch):
    """The staging rule (trim, blank = the one anonymous viewer) over the landed rows gives the
    hand-counted viewers whether or not the partner is pseudonymized: ann, bob, anonymous."""
    monkeypatch.setenv("VIDEO_INSIGHTS_PSEUDONYMIZE_KEY", PSEUDO_KEY.hex())
    lines = [
        beacon(userId="ann", eventIndex=1),
        beacon(userId=" ann", eventIndex=2),
        beacon(userId="bob", eventIndex=3),
        beacon(userId="", eventIndex=4),
        beacon(eventIndex=5),
        beacon(userId="  ", eventIndex=6),
    ]
    write(tmp_path / "inbox" / "beacons" / "a.jsonl", lines)
    viewers = {}
    for setting in ("", "101"):
        monkeypatch.setenv("VIDEO_INSIGHTS_PSEUDONYMIZE_PARTNERS", setting)
        root = tmp_path / f"run{setting or 'plain'}"
        land(tmp_path / "inbox", root)
        lake = root / "warehouse" / "lake" / "beacons" / "*" / "*.parquet"
        viewers[setting] = (
            duckdb.connect()
            .execute(
                "SELECT count(DISTINCT coalesce(nullif(trim(user_id), ''), '(anonymous)')) "
                f"FROM read_parquet('{lake}')"
            )
            .fetchone()[0]
        )
    assert viewers == {"": 3, "101": 3}


# ------------------------------------------------------------------------ worker processes


def test_worker_processes_land_exactly_what_one_process_lands(tmp_path, monkeypatch):
    """Two worker processes (forced on a small inbox) write the same rows, quarantine, manifest
    and summary counts as landing in-process; pseudonymization and the key reach the workers."""
    monkeypatch.setenv("VIDEO_INSIGHTS_LANDING_KEY", KEY.hex())
    monkeypatch.setenv("VIDEO_INSIGHTS_PSEUDONYMIZE_KEY", PSEUDO_KEY.hex())
    monkeypatch.setenv("VIDEO_INSIGHTS_PSEUDONYMIZE_PARTNERS", "101")
    inbox = tmp_path / "inbox"
    for n in range(4):
        lines = [beacon(eventIndex=i, userId=f"u{i % 3}") for i in range(1, 30)]
        lines.append("not json")
        write(inbox / "beacons" / f"f{n}.jsonl.gz", lines[n:], gz=True)
    write(inbox / "users" / "u.jsonl", [{"userId": "u1", "partnerId": 101, "fullName": "U"}])
    results = {}
    for workers in (1, 2):
        root = tmp_path / f"w{workers}"
        summary = land(inbox, root, workers=workers)
        results[workers] = (
            summary.rows_landed,
            summary.lines_quarantined,
            summary.files_landed,
            table(root, "beacons/*/*.parquet", "ORDER BY source_file_sha256, source_line"),
            table(root, "quarantine/*.parquet", "ORDER BY source_file_sha256, line_number"),
            table(root, "manifest/*.parquet", "ORDER BY file_sha256"),
            table(root, "side/users/*.parquet"),
        )
        assert summary.cpu_seconds > 0
    assert results[1] == results[2]
    assert results[2][0] == 29 + 28 + 27 + 26
    assert {r["user_id"] for r in results[2][3]} == {
        pseudonym(PSEUDO_KEY, f"101:u{i}".encode()) for i in range(3)
    }
