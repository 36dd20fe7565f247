"""A forgotten viewer stays forgotten: later deliveries of their beacons do not land again.

After ``forget-user`` (601, alice) the warehouse receives, on Tuesday:

* ``fg-a.jsonl`` again under a new name (the same bytes: a duplicate delivery, skipped);
* ``fg-tuesday.jsonl``, a new file: alice (601) plays to 60 s (10 beacons: load, play request,
  play, first view and 6 heartbeats of 10 s), carol (601) plays to 60 s (10 beacons), the other
  partner's alice (602, another person) plays to 60 s (10 beacons), one malformed line of alice
  (601) and one of carol: 32 lines;
* ``users-tuesday.jsonl``: alice (601) and carol (601).

By hand: landed 20 beacons (carol's and 602-alice's) + 1 users record (carol); forgotten
10 + 1 (alice's beacons and her malformed line) + 1 (her users record) = 12; quarantined 1
(carol's malformed line). Tuesday's HIGHLIGHTS (both partners UTC, a 600 s entry): one load,
one play, one known viewer, 1 minute of view period, 10% completion, no drop-off beyond 0.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.fixtures.worked_examples import MONDAY, TUESDAY, Session, at, write_jsonl
from tests.reliability import forget_cases as fc
from tests.reliability.helpers import report_tables
from video_insights.config import WarehousePaths
from video_insights.pipeline import build_step, land_step, publish_step, validate_step
from video_insights.privacy.forget import forget_user

CAROL = "carol"
TUESDAY_HIGHLIGHTS = {
    fc.PARTNER: (1, 1, 1, 1.0, 10.0, 0.0),
    fc.OTHER_PARTNER: (1, 1, 1, 1.0, 10.0, 0.0),
}
EXPECTED_DELIVERY = {  # the Tuesday landing, by hand (module docstring)
    "files_landed": 2,
    "duplicate_deliveries": 1,
    "rows_landed": 20,
    "side_rows_landed": {"users": 1},
    "rows_quarantined": 1,
    "rows_forgotten": 12,
}
EXPECTED_MANIFEST = {  # file -> (line_count, landed_rows, quarantined_rows, forgotten_rows)
    "beacons/fg-tuesday.jsonl": (32, 20, 1, 11),
    "users/users-tuesday.jsonl": (2, 1, 0, 1),
}


def _play(partner: int, entry: str, session: str, hour: int, user: str) -> list[dict]:
    viewer = Session(partner, entry, session, at(TUESDAY, hour), user_id=user)
    viewer.load()
    viewer.play(600, 60)
    return viewer.beacons


def write_tuesday(inbox: Path, *, with_forgotten: bool = True) -> None:
    """The Tuesday deliveries (module docstring); without alice (601) for the reference."""
    plays = [
        (fc.PARTNER, fc.ENTRY, "fg-tue-alice", 9, fc.FORGOTTEN),
        (fc.PARTNER, fc.ENTRY, "fg-tue-carol", 10, CAROL),
        (fc.OTHER_PARTNER, fc.OTHER_ENTRY, "fg-tue-other-alice", 11, fc.FORGOTTEN),
    ]
    beacons: list[dict] = []
    bad: list[str] = []
    for partner, entry, session, hour, user in plays:
        if not with_forgotten and (partner, user) == (fc.PARTNER, fc.FORGOTTEN):
            continue
        beacons += _play(partner, entry, session, hour, user)
        if partner == fc.PARTNER:
            line = dict(_play(partner, entry, f"{session}-bad", 12, user)[0])
            line["eventType"] = "impression"  # no number: quarantined (or forgotten)
            bad.append(json.dumps(line, sort_keys=True))
    path = write_jsonl(inbox / "beacons" / "fg-tuesday.jsonl", beacons)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("".join(line + "\n" for line in bad))
    users = [
        {"userId": user, "partnerId": fc.PARTNER, "fullName": name, "updatedAt": fc.UPDATED}
        for user, name in ((fc.FORGOTTEN, "Alice Example"), (CAROL, "Carol Example"))
        if with_forgotten or user != fc.FORGOTTEN
    ]
    write_jsonl(inbox / "users" / "users-tuesday.jsonl", users)


def _alice_in_lake(paths: WarehousePaths, user_id: str = fc.FORGOTTEN) -> dict[str, int]:
    with duckdb.connect() as con:
        counts = {
            name: con.execute(
                "select count(*) from read_parquet(?, union_by_name = true) "
                "where partner_id = ? and user_id = ?",
                [str(pattern), fc.PARTNER, user_id],
            ).fetchone()[0]
            for name, pattern in (
                ("beacons", paths.beacons / "*" / "*.parquet"),
                ("users", paths.side_feed("users") / "*.parquet"),
            )
        }
        counts["quarantine"] = con.execute(
            "select count(*) from read_parquet(?) where raw_line like ? and raw_line like ?",
            [
                str(paths.quarantine / "*.parquet"),
                f'%"partnerId": {fc.PARTNER}%',
                f'%"userId": "{user_id}"%',
            ],
        ).fetchone()[0]
    return counts


def _manifest(paths: WarehousePaths) -> dict[str, tuple]:
    with duckdb.connect() as con:
        rows = con.execute(
            "select file_name, line_count, landed_rows, quarantined_rows, forgotten_rows "
            "from read_parquet(?, union_by_name = true)",
            [str(paths.manifest / "*.parquet")],
        ).fetchall()
    return {name: tuple(values) for name, *values in rows}


def _delivery(summary: dict) -> dict:
    return {key: summary[key] for key in EXPECTED_DELIVERY}


def _tuesday_highlights(db: Path) -> dict[int, tuple]:
    columns = ", ".join(fc.HIGHLIGHTS_COLUMNS)
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            f"select partner_id, {columns} from rpt_highlights_daily where report_date = ?",
            [TUESDAY],
        ).fetchall()
    return {
        row[0]: tuple(round(v, 6) if isinstance(v, float) else v for v in row[1:]) for row in rows
    }


def test_a_forgotten_viewer_delivered_again_does_not_land(tmp_path):
    inbox = fc.write_inbox(tmp_path / "inbox")
    paths = WarehousePaths.at(tmp_path / "warehouse")
    land_step(inbox, paths.root, MONDAY)
    build_step(paths.root, MONDAY)
    publish_step(paths.root, MONDAY)

    result = forget_user(paths, fc.PARTNER, fc.FORGOTTEN)
    # partial: alice's only partner-day (601, Monday), widened by session_span_days = 1
    assert result.rebuild == {
        "full": False,
        "reason": "forget-user",
        "rebuilt_partner_days": [
            [fc.PARTNER, "2026-11-01"],
            [fc.PARTNER, "2026-11-02"],
            [fc.PARTNER, "2026-11-03"],
        ],
    }

    # Tuesday: the same bytes under a new name, and new files with her beacons and record
    shutil.copyfile(inbox / "beacons" / "fg-a.jsonl", inbox / "beacons" / "fg-redelivered.jsonl")
    write_tuesday(inbox)
    landed = land_step(inbox, paths.root, TUESDAY)
    assert _delivery(landed) == EXPECTED_DELIVERY
    manifest = _manifest(paths)
    assert {name: manifest[name] for name in EXPECTED_MANIFEST} == EXPECTED_MANIFEST
    build_step(paths.root, TUESDAY)
    validate_step(paths.root, TUESDAY)  # the lake-vs-manifest checks hold
    publish_step(paths.root, TUESDAY)

    # nothing of alice (601) anywhere; the other partner's alice and carol landed
    assert _alice_in_lake(paths) == {"beacons": 0, "users": 0, "quarantine": 0}
    with duckdb.connect(str(paths.published_db), read_only=True) as con:
        tables = [
            row[0]
            for row in con.execute(
                "select table_name from information_schema.columns where column_name = 'user_id' "
                "intersect select table_name from information_schema.columns "
                "where column_name = 'partner_id'"
            ).fetchall()
        ]
        for table in tables:
            found = con.execute(
                f'select count(*) from "{table}" where partner_id = ? and user_id = ?',
                [fc.PARTNER, fc.FORGOTTEN],
            ).fetchone()[0]
            assert found == 0, table
    assert _tuesday_highlights(paths.published_db) == TUESDAY_HIGHLIGHTS

    # every rpt_ table equals the same deliveries without alice (601) from the start
    reference = WarehousePaths.at(tmp_path / "reference")
    without = fc.write_inbox(tmp_path / "inbox-without", with_forgotten=False)
    write_tuesday(without, with_forgotten=False)
    land_step(without, reference.root, TUESDAY)
    build_step(reference.root, TUESDAY)
    after, expected = report_tables(paths.published_db), report_tables(reference.build_db)
    assert sorted(after) == sorted(expected)
    for name, rows in expected.items():
        assert after[name] == rows, f"{name} differs from the deliveries without the viewer"


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_pseudonymized_forgotten_viewer_delivered_again_does_not_land(
    tmp_path, monkeypatch, workers
):
    """Partner 601's ids are pseudonymized: the ledger key is of the pseudonym landing stores,
    so the request with the real id also stops her new beacons (landing only: no build), in
    this process and in landing's worker processes."""
    from video_insights.privacy.pseudonymize import pseudonymization_key, pseudonymize_user_id

    monkeypatch.setenv("VIDEO_INSIGHTS_PSEUDONYMIZE_PARTNERS", str(fc.PARTNER))
    monkeypatch.setenv("VIDEO_INSIGHTS_LANDING_WORKERS", workers)
    inbox = fc.write_inbox(tmp_path / "inbox")
    paths = WarehousePaths.at(tmp_path / "warehouse")
    land_step(inbox, paths.root, MONDAY)
    forget_user(paths, fc.PARTNER, fc.FORGOTTEN, rebuild=False)

    shutil.copyfile(inbox / "beacons" / "fg-a.jsonl", inbox / "beacons" / "fg-redelivered.jsonl")
    write_tuesday(inbox)
    landed = land_step(inbox, paths.root, TUESDAY)
    assert _delivery(landed) == EXPECTED_DELIVERY
    pseudonym = pseudonymize_user_id(pseudonymization_key(paths), fc.PARTNER, fc.FORGOTTEN)
    assert _alice_in_lake(paths, pseudonym) == {"beacons": 0, "users": 0, "quarantine": 0}
    assert _alice_in_lake(paths) == {"beacons": 0, "users": 0, "quarantine": 0}


@pytest.mark.parametrize(
    ("line", "forgotten"),
    [
        ('{"partnerId": 601, "userId": "alice", "eventType": "x"}', True),
        ('{"partnerId": "601", "userId": "alice ", "eventType": "x"}', True),  # trimmed
        ('{"partnerId": 601, "userId": "alice", "eventType": 1, "cut', True),  # not JSON
        ('{"partnerId": 602, "userId": "alice", "eventType": "x"}', False),  # another partner
        ('{"partnerId": 601, "creatorUserId": "alice"}', False),  # not the viewer's id
        ("not json at all", False),
    ],
)
def test_the_ledger_check_on_a_bad_line(tmp_path, line, forgotten):
    from video_insights.privacy.forget import _ledger_key, ledger_path, user_key
    from video_insights.privacy.forgotten import ForgottenViewers

    paths = WarehousePaths.at(tmp_path / "warehouse")
    _ledger_key(paths)
    entry = {"partner_id": fc.PARTNER, "user_key": user_key(paths, fc.PARTNER, fc.FORGOTTEN)}
    ledger_path(paths).write_text(json.dumps(entry) + "\n")
    viewers = ForgottenViewers.load(paths)
    assert viewers is not None
    assert viewers.holds_line(line) is forgotten
