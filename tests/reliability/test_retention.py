"""Raw inbox files are deleted after the retention period, and only once they are landed."""

from __future__ import annotations

import json
import os
import time

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fixtures.worked_examples import MONDAY, Session, at, write_jsonl
from video_insights.config import WarehousePaths
from video_insights.landing import land_inbox
from video_insights.privacy.retention import (
    RetentionError,
    prune_inbox,
    prune_inbox_step,
    retention_days_from_env,
)

DAY_SECONDS = 86400


def _beacons(session: str) -> list[dict]:
    viewer = Session(801, "1_keep", session, at(MONDAY, 9))
    viewer.load()
    viewer.play(600, 30)
    return viewer.beacons


def _age(path, days: float) -> None:
    moment = time.time() - days * DAY_SECONDS
    os.utime(path, (moment, moment))


@pytest.fixture
def landed_inbox(tmp_path):
    """old.jsonl (40 days, landed), recent.jsonl (1 day, landed), again.jsonl (40 days: the
    bytes of old.jsonl delivered again, so landed), late.jsonl (40 days, not landed: it came after
    the landing run), users.jsonl (40 days, landed side feed)."""
    inbox = tmp_path / "inbox"
    paths = WarehousePaths.at(tmp_path / "warehouse")
    old = write_jsonl(inbox / "beacons" / "old.jsonl", _beacons("old"))
    recent = write_jsonl(inbox / "beacons" / "recent.jsonl", _beacons("recent"))
    users = write_jsonl(
        inbox / "users" / "users.jsonl", [{"userId": "u1", "partnerId": 801, "fullName": "U"}]
    )
    land_inbox(inbox, paths)
    again = inbox / "beacons" / "again.jsonl"
    again.write_bytes(old.read_bytes())
    late = write_jsonl(inbox / "beacons" / "late.jsonl", _beacons("late"))
    for path, days in ((old, 40), (recent, 1), (again, 40), (late, 40), (users, 40)):
        _age(path, days)
    return inbox, paths


def _inbox_files(inbox) -> list[str]:
    return sorted(p.relative_to(inbox).as_posix() for p in inbox.rglob("*") if p.is_file())


def test_only_landed_files_older_than_the_retention_are_deleted(landed_inbox, monkeypatch):
    inbox, paths = landed_inbox
    lake_before = sorted(p.relative_to(paths.lake) for p in paths.lake.rglob("*.parquet"))
    monkeypatch.setenv("VIDEO_INSIGHTS_INBOX_RETENTION_DAYS", "30")
    result = prune_inbox_step(inbox, paths.root)  # the DAG's task after publish
    assert sorted(result["deleted"]) == [
        "beacons/again.jsonl",
        "beacons/old.jsonl",
        "users/users.jsonl",
    ]
    assert result["kept_not_landed"] == ["beacons/late.jsonl"]
    assert result["kept_recent"] == 1
    assert _inbox_files(inbox) == ["beacons/late.jsonl", "beacons/recent.jsonl"]
    # the lake is untouched, and landing again takes only the file it had not landed
    assert sorted(p.relative_to(paths.lake) for p in paths.lake.rglob("*.parquet")) == lake_before
    summary = land_inbox(inbox, paths)
    assert (summary.files_landed, summary.files_skipped) == (1, 1)


def test_the_cli_dry_run_deletes_nothing_and_off_keeps_everything(landed_inbox, monkeypatch):
    from video_insights.cli import main

    inbox, paths = landed_inbox
    before = _inbox_files(inbox)
    args = ["prune-inbox", "--inbox", str(inbox), "--warehouse", str(paths.root)]
    done = CliRunner().invoke(main, [*args, "--retention-days", "30", "--dry-run"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["deleted_files"] == 3
    assert _inbox_files(inbox) == before

    monkeypatch.setenv("VIDEO_INSIGHTS_INBOX_RETENTION_DAYS", "off")
    done = CliRunner().invoke(main, args)
    assert done.exit_code == 0 and json.loads(done.stdout)["deleted_files"] == 0
    assert _inbox_files(inbox) == before

    done = CliRunner().invoke(main, [*args, "--retention-days", "35"])
    assert json.loads(done.stdout)["deleted_files"] == 3  # 40 days old > 35


def test_a_bad_retention_setting_is_a_clear_error():
    assert retention_days_from_env({}) == 30.0
    assert retention_days_from_env({"VIDEO_INSIGHTS_INBOX_RETENTION_DAYS": "7"}) == 7.0
    with pytest.raises(RetentionError, match="VIDEO_INSIGHTS_INBOX_RETENTION_DAYS='a week'"):
        retention_days_from_env({"VIDEO_INSIGHTS_INBOX_RETENTION_DAYS": "a week"})


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    files=st.lists(
        st.tuples(st.floats(0, 90), st.booleans()),  # (age in days, landed before pruning)
        min_size=1,
        max_size=5,
    ),
    retention=st.floats(0, 60),
)
def test_prune_deletes_exactly_the_landed_files_older_than_the_retention(
    tmp_path_factory, files, retention
):
    """Property: whatever the ages and which files are landed, pruning deletes exactly the
    landed ones older than the retention, and never touches the lake."""
    base = tmp_path_factory.mktemp("prune")
    inbox, paths = base / "inbox", WarehousePaths.at(base / "warehouse")
    (inbox / "beacons").mkdir(parents=True)
    names = [f"beacons/f{number}.jsonl" for number in range(len(files))]
    for name, (_age_days, landed) in zip(names, files, strict=True):
        if landed:
            write_jsonl(inbox / name, _beacons(name))
    land_inbox(inbox, paths)
    lake_before = sorted(p.relative_to(paths.lake) for p in paths.lake.rglob("*.parquet"))
    for name, (age_days, landed) in zip(names, files, strict=True):
        if not landed:
            write_jsonl(inbox / name, _beacons(name))
        _age(inbox / name, age_days)

    result = prune_inbox(inbox, paths, retention)
    expected = sorted(
        name
        for name, (age_days, landed) in zip(names, files, strict=True)
        if landed and age_days * DAY_SECONDS > retention * DAY_SECONDS + 1
    )
    # files within a second of the cut-off may go either way (the clock moves while testing)
    borderline = {
        name
        for name, (age_days, _landed) in zip(names, files, strict=True)
        if abs(age_days - retention) * DAY_SECONDS <= 1
    }
    assert set(result.deleted) - borderline == set(expected) - borderline
    assert _inbox_files(inbox) == sorted(set(names) - set(result.deleted))
    assert sorted(p.relative_to(paths.lake) for p in paths.lake.rglob("*.parquet")) == lake_before
