"""Faults not covered elsewhere: a real disk-full during landing (a small tmpfs), an empty night.

The other faults of the issue are tested where the code lives (see docs/guarantees.md): truncated
gzip, malformed lines, unknown fields, duplicate deliveries in tests/unit/test_landing.py and
tests/unit/test_landing_parse.py; missing or late side feeds in tests/dbt/test_missing_feeds.py.
"""

from __future__ import annotations

import gzip
import json
import subprocess
from datetime import timedelta

import duckdb
import orjson
import pytest
from click.testing import CliRunner

from tests.fixtures.worked_examples import MONDAY, Session, at
from tests.reliability.helpers import DAY, report_tables
from video_insights.config import WarehousePaths
from video_insights.landing import LandingError, land_inbox


@pytest.fixture
def small_disk(tmp_path):
    """A real 1 MiB file system (tmpfs) for the warehouse; skipped where mounting is not allowed."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(
            "a real disk-full needs a small tmpfs and `mount -t tmpfs` is not allowed here "
            f"(not root or no CAP_SYS_ADMIN): {done.stderr.strip()}"
        )
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _beacons(count: int, session: str) -> list[bytes]:
    viewer = Session(701, "1_disk", session, at(MONDAY, 9), user_id="viewer")
    while len(viewer.beacons) < count:
        viewer.load()
    return [orjson.dumps(beacon) for beacon in viewer.beacons[:count]]


def test_disk_full_during_landing_names_the_file_and_leaves_no_partial_state(small_disk, tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "beacons").mkdir(parents=True)
    (inbox / "beacons" / "a-small.jsonl").write_bytes(b"\n".join(_beacons(10, "small")) + b"\n")
    paths = WarehousePaths.at(small_disk / "warehouse")
    assert land_inbox(inbox, paths).rows_landed == 10
    manifest_before = sorted(p.name for p in paths.manifest.iterdir())

    # 30,000 beacons: a few hundred KB gzipped, far more than 1 MiB once staged
    big = b"\n".join(_beacons(30_000, "big")) + b"\n"
    (inbox / "beacons" / "b-big.jsonl.gz").write_bytes(gzip.compress(big))
    with pytest.raises(LandingError) as raised:
        land_inbox(inbox, paths)
    message = str(raised.value)
    assert "disk full while landing beacons/b-big.jsonl.gz" in message
    assert "No space left on device" in message and "nothing of this file was landed" in message

    # no partial state: the first file as it was, nothing of the big one, no temporary files
    assert sorted(p.name for p in paths.manifest.iterdir()) == manifest_before
    with duckdb.connect() as con:
        rows = con.execute(
            "select count(*) from read_parquet(?)", [str(paths.beacons / "*" / "*.parquet")]
        ).fetchone()[0]
    assert rows == 10
    assert list(paths.quarantine.iterdir()) == []
    assert [p.name for p in paths.tmp.iterdir()] == []

    # space freed (the tmpfs grown): the next run lands the big file, once
    subprocess.run(["mount", "-o", "remount,size=64m", str(small_disk)], check=True)
    assert land_inbox(inbox, paths).rows_landed == 30_000
    with duckdb.connect() as con:
        rows = con.execute(
            "select count(*) from read_parquet(?)", [str(paths.beacons / "*" / "*.parquet")]
        ).fetchone()[0]
    assert rows == 30_010


def test_an_empty_night_publishes_the_same_reports_and_status_shows_it(undisturbed, tmp_path):
    """A night with no file at all: landing lands nothing, the build, checks and publish pass,
    readers get the same reports stamped with the new night; ``status`` shows all of it."""
    from video_insights.cli import main
    from video_insights.pipeline import run_nightly

    warehouse = WarehousePaths.at(undisturbed["root"])
    empty = tmp_path / "empty-inbox"
    empty.mkdir()
    next_day = DAY + timedelta(days=1)
    steps = run_nightly(empty, warehouse.root, next_day)
    assert (steps["land"]["files_seen"], steps["land"]["rows_landed"]) == (0, 0)
    assert report_tables(warehouse.published_db) == undisturbed["reports"]

    done = CliRunner().invoke(
        main, ["status", "--warehouse", str(warehouse.root), "--format", "json"]
    )
    assert done.exit_code == 0, done.output
    status = json.loads(done.stdout)
    assert status["published"]["run_day"] == next_day.isoformat()
    assert status["landed"]["files"] == len(undisturbed["manifest"])
    assert status["landed"]["landed_rows"] == sum(row[5] for row in undisturbed["manifest"])
    assert status["quarantine"]["rows"] == undisturbed["lake"]["quarantine_rows"]
    assert status["last_checks"]["passed"] is True and status["last_checks"]["failed"] == []
    assert status["last_checks"]["run_day"] == next_day.isoformat()
    assert status["last_failure"] is None

    table = CliRunner().invoke(main, ["status", "--warehouse", str(warehouse.root)])
    assert table.exit_code == 0, table.output
    assert "last published night" in table.output and next_day.isoformat() in table.output
    assert "last landed files" in table.output and "quarantine by reason" in table.output
