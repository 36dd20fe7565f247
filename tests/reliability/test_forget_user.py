"""``video-insights forget-user``: the viewer's plays leave every report, nothing else changes."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap

import duckdb
from click.testing import CliRunner

from tests.reliability import forget_cases as fc
from tests.reliability.helpers import report_tables
from video_insights.config import WarehousePaths
from video_insights.pipeline import build_step, land_step, publish_step
from video_insights.privacy.forget import forget_user, is_forgotten, ledger_path


def _highlights(db) -> dict[int, tuple]:
    columns = ", ".join(fc.HIGHLIGHTS_COLUMNS)
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            f"select partner_id, {columns} from rpt_highlights_daily where report_date = ?",
            [fc.MONDAY],
        ).fetchall()
    return {row[0]: tuple(_rounded(value) for value in row[1:]) for row in rows}


def _rounded(value):
    return round(value, 6) if isinstance(value, float) else value


def _viewer_rows(db) -> dict[str, int]:
    """Rows of (601, alice) in every published table that has partner_id and user_id columns."""
    with duckdb.connect(str(db), read_only=True) as con:
        tables = con.execute(
            "select table_name from information_schema.columns where column_name = 'user_id' "
            "intersect select table_name from information_schema.columns "
            "where column_name = 'partner_id'"
        ).fetchall()
        return {
            name: con.execute(
                f'select count(*) from "{name}" where partner_id = ? and user_id = ?',
                [fc.PARTNER, fc.FORGOTTEN],
            ).fetchone()[0]
            for (name,) in sorted(tables)
        }


def _lake_rows(paths: WarehousePaths, partner: int) -> dict[str, int]:
    with duckdb.connect() as con:
        beacons = con.execute(
            "select count(*) from read_parquet(?) where partner_id = ? and user_id = ?",
            [str(paths.beacons / "*" / "*.parquet"), partner, fc.FORGOTTEN],
        ).fetchone()[0]
        users = con.execute(
            "select count(*) from read_parquet(?) where partner_id = ? and user_id = ?",
            [str(paths.side_feed("users") / "*.parquet"), partner, fc.FORGOTTEN],
        ).fetchone()[0]
    return {"beacons": beacons, "users": users}


def test_forget_user_removes_the_viewer_from_every_report_and_nothing_else(tmp_path):
    inbox = fc.write_inbox(tmp_path / "inbox")
    paths = WarehousePaths.at(tmp_path / "warehouse")
    land_step(inbox, paths.root, fc.MONDAY)  # the night (its checks left out: forget runs them)
    build_step(paths.root, fc.MONDAY)
    publish_step(paths.root, fc.MONDAY)
    assert _highlights(paths.published_db) == fc.EXPECTED_HIGHLIGHTS["before"]
    assert sum(_viewer_rows(paths.published_db).values()) > 0
    alice_beacons = _lake_rows(paths, fc.PARTNER)["beacons"]
    other_alice = _lake_rows(paths, fc.OTHER_PARTNER)

    done = CliRunner().invoke(
        __import__("video_insights.cli", fromlist=["main"]).main,
        [
            "forget-user",
            "--partner-id",
            str(fc.PARTNER),
            "--user-id",
            fc.FORGOTTEN,
            "--warehouse",
            str(paths.root),
        ],
    )
    assert done.exit_code == 0, done.output
    result = json.loads(done.stdout)
    # two plays of alice: every beacon of both sessions, her malformed line, her user record
    assert result["beacon_rows_removed"] == alice_beacons > 0
    assert (result["quarantine_rows_removed"], result["user_records_removed"]) == (1, 1)
    assert result["rebuilt"] and result["published_run_day"] == fc.MONDAY.isoformat()
    # a partial rebuild: alice's one partner-day (601, Monday) widened by session_span_days = 1
    viewer_days = [[fc.PARTNER, "2026-11-02"]]
    rebuilt = [[fc.PARTNER, "2026-11-01"], [fc.PARTNER, "2026-11-02"], [fc.PARTNER, "2026-11-03"]]
    assert result["rebuild"] == {
        "full": False,
        "reason": "forget-user",
        "rebuilt_partner_days": rebuilt,
    }
    record = json.loads((paths.runs / "2026-11-02-forget-build.json").read_text())
    assert record["result"]["incremental"]["full"] is False
    assert record["result"]["incremental"]["viewer_partner_days"] == viewer_days
    assert record["result"]["incremental"]["rebuilt_partner_days"] == rebuilt
    assert record["result"]["incremental"]["new_partitions"] == 0

    # the figures she contributed are gone, by the amounts computed by hand
    assert _highlights(paths.published_db) == fc.EXPECTED_HIGHLIGHTS["after"]
    assert set(_viewer_rows(paths.published_db).values()) == {0}
    # the lake: nothing of her under 601; the other partner's "alice" is another person, kept
    assert _lake_rows(paths, fc.PARTNER) == {"beacons": 0, "users": 0}
    assert _lake_rows(paths, fc.OTHER_PARTNER) == other_alice
    with duckdb.connect() as con:
        quarantined = con.execute(
            "select raw_line from read_parquet(?)", [str(paths.quarantine / "*.parquet")]
        ).fetchall()
    assert len(quarantined) == 1 and '"userId": "bob"' in quarantined[0][0]

    # nothing else changed: every report table equals the same night delivered without her
    reference = WarehousePaths.at(tmp_path / "reference")
    fc.write_inbox(tmp_path / "inbox-without", with_forgotten=False)
    land_step(tmp_path / "inbox-without", reference.root, fc.MONDAY)
    build_step(reference.root, fc.MONDAY)
    after, expected = report_tables(paths.published_db), report_tables(reference.build_db)
    assert sorted(after) == sorted(expected)
    for name, rows in expected.items():
        assert after[name] == rows, f"{name}: more changed than the forgotten viewer's figures"

    # recorded, without the user id in clear
    ledger = ledger_path(paths).read_text()
    assert len(ledger.splitlines()) == 1 and fc.FORGOTTEN not in ledger
    assert is_forgotten(paths, fc.PARTNER, fc.FORGOTTEN)
    assert not is_forgotten(paths, fc.OTHER_PARTNER, fc.FORGOTTEN)
    assert not (paths.root / "privacy" / "forget-pending.json").exists()


KILLED_FORGET = textwrap.dedent("""
    import os, signal, sys
    from video_insights.config import WarehousePaths
    from video_insights.privacy.forget import forget_user

    warehouse, partner, user = sys.argv[1:4]
    renames = []

    def kill_at(event, args):
        if event == "os.rename" and "/lake/" in os.fsdecode(args[1]):
            renames.append(args[1])
            if len(renames) == 2:  # one landed file rewritten, the others not yet
                os.kill(os.getpid(), signal.SIGKILL)

    sys.addaudithook(kill_at)
    forget_user(WarehousePaths.at(warehouse), int(partner), user, rebuild=False)
""")


def _lake_state(paths: WarehousePaths) -> dict[str, list[tuple]]:
    """Every landed row (without landed_at, which differs between two landings)."""
    state = {}
    with duckdb.connect() as con:
        for name, pattern in (
            ("beacons", paths.beacons / "*" / "*.parquet"),
            ("quarantine", paths.quarantine / "*.parquet"),
            ("users", paths.side_feed("users") / "*.parquet"),
            ("manifest", paths.manifest / "*.parquet"),
        ):
            rows = con.execute(
                "select * exclude (landed_at) from read_parquet(?, hive_partitioning = false)",
                [str(pattern)],
            ).fetchall()
            state[name] = sorted(rows, key=repr)
    return state


def test_forget_user_killed_midway_finishes_when_run_again(tmp_path, monkeypatch):
    """SIGKILL after the first rewritten file: the pending plan makes the rerun finish the job,
    ending with the same lake and manifest as an uninterrupted request (rebuild left out: the
    first test covers it)."""
    monkeypatch.setenv("VIDEO_INSIGHTS_LANDING_KEY", "5a" * 32)  # same beacon ids in both lakes
    inbox = fc.write_inbox(tmp_path / "inbox")
    calm, killed = WarehousePaths.at(tmp_path / "calm"), WarehousePaths.at(tmp_path / "killed")
    for paths in (calm, killed):
        land_step(inbox, paths.root, fc.MONDAY)
    forget_user(calm, fc.PARTNER, fc.FORGOTTEN, rebuild=False)

    proc = subprocess.run(
        [sys.executable, "-c", KILLED_FORGET, str(killed.root), str(fc.PARTNER), fc.FORGOTTEN],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr[-2000:]
    assert (killed.root / "privacy" / "forget-pending.json").exists()
    assert _lake_state(killed) != _lake_state(calm)  # half done

    forget_user(killed, fc.PARTNER, fc.FORGOTTEN, rebuild=False)
    assert _lake_state(killed) == _lake_state(calm)
    assert not (killed.root / "privacy" / "forget-pending.json").exists()
    assert len(ledger_path(killed).read_text().splitlines()) == 1


def test_forget_user_of_a_pseudonymized_partner_takes_the_real_id(tmp_path, monkeypatch):
    """Partner 601's ids are pseudonymized at landing: the request with the real id finds the
    viewer's rows by the pseudonym; partner 602 (not pseudonymized) keeps its own alice."""
    from video_insights.privacy.pseudonymize import (
        pseudonymization_key,
        pseudonymize_user_id,
    )

    monkeypatch.setenv("VIDEO_INSIGHTS_PSEUDONYMIZE_PARTNERS", str(fc.PARTNER))
    inbox = fc.write_inbox(tmp_path / "inbox")
    paths = WarehousePaths.at(tmp_path / "warehouse")
    land_step(inbox, paths.root, fc.MONDAY)
    pseudonym = pseudonymize_user_id(pseudonymization_key(paths), fc.PARTNER, fc.FORGOTTEN)
    pattern = str(paths.beacons / "*" / "*.parquet")
    with duckdb.connect() as con:
        landed = con.execute(
            "select count(*) from read_parquet(?) where partner_id = ? and user_id = ?",
            [pattern, fc.PARTNER, pseudonym],
        ).fetchone()[0]
    assert landed > 0
    other = _lake_rows(paths, fc.OTHER_PARTNER)

    result = forget_user(paths, fc.PARTNER, fc.FORGOTTEN, rebuild=False)
    assert result.beacon_rows_removed == landed
    assert (result.quarantine_rows_removed, result.user_records_removed) == (1, 1)
    with duckdb.connect() as con:
        left = con.execute(
            "select count(*) from read_parquet(?) where partner_id = ? and user_id = ?",
            [pattern, fc.PARTNER, pseudonym],
        ).fetchone()[0]
    assert left == 0
    assert _lake_rows(paths, fc.OTHER_PARTNER) == other
    assert is_forgotten(paths, fc.PARTNER, fc.FORGOTTEN)
