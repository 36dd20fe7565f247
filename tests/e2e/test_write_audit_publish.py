"""A night that fails a quality check is not published; readers are never blocked."""

from __future__ import annotations

import ast
import hashlib
import subprocess
import sys
import textwrap
import time
from datetime import date

import duckdb
import pytest

from video_insights.config import WarehousePaths
from video_insights.orchestration import AirflowRunError, run_days
from video_insights.pipeline import build_step, land_step, publish_step, validate_step

DAY1, DAY2 = date(2026, 11, 1), date(2026, 11, 2)


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def small_inbox(tmp_path):
    from video_insights.simulate import SimulationConfig, simulate

    inbox = tmp_path / "inbox"
    simulate(
        SimulationConfig(
            inbox=inbox,
            partners=2,
            entries=6,
            days=2,
            beacons_per_day=1500,
            seed=11,
            start_day=DAY1,
        )
    )
    return inbox


def _night(inbox, warehouse, day):
    land_step(inbox, warehouse, day)
    build_step(warehouse, day)
    validate_step(warehouse, day)
    publish_step(warehouse, day)


def test_a_lost_landed_file_fails_validation_and_keeps_the_published_night(small_inbox, tmp_path):
    """Through Airflow: night 1 publishes; a landed Parquet file then goes missing, so the lake no
    longer matches the manifest; night 2 fails its quality check, is not published, and readers
    keep night 1."""
    warehouse = tmp_path / "warehouse"
    paths = WarehousePaths.at(warehouse)
    run_days([DAY1], inbox=small_inbox, warehouse=warehouse, airflow_home=tmp_path / "airflow")
    before = _digest(paths.published_db)

    victim = sorted(paths.beacons.glob("event_date=*/*.parquet"))[0]
    victim.unlink()
    with pytest.raises(AirflowRunError) as raised:
        run_days([DAY2], inbox=small_inbox, warehouse=warehouse, airflow_home=tmp_path / "airflow")
    assert "2026-11-02" in str(raised.value)
    assert _digest(paths.published_db) == before
    with duckdb.connect(str(paths.published_db), read_only=True) as con:
        assert con.execute("select run_day from warehouse_publish_info").fetchone()[0] == DAY1
    failed = (paths.runs / "2026-11-02-validate.json").read_text()
    assert "manifest" in failed.lower()


def test_a_broken_mart_fails_validation_with_observed_vs_expected(small_inbox, tmp_path):
    from video_insights.quality import QualityError

    warehouse = tmp_path / "warehouse"
    paths = WarehousePaths.at(warehouse)
    _night(small_inbox, warehouse, DAY1)
    before = _digest(paths.published_db)

    land_step(small_inbox, warehouse, DAY2)
    # the inbox brings nothing new on DAY2: an incremental night would rebuild (and check) no
    # partition (docs/guarantees.md, "What the checks of a night cover"), so the night is a full
    # build, whose checks cover every partition
    build_step(warehouse, DAY2, full_refresh=True)
    with duckdb.connect(str(paths.build_db)) as con:  # a mart that lost plays
        con.execute(
            "delete from fct_plays where play_id in (select play_id from fct_plays "
            "order by play_id limit 3)"
        )
    with pytest.raises(QualityError) as raised:
        validate_step(warehouse, DAY2)
    message = str(raised.value)
    assert "fct_plays" in message
    assert "3" in message  # by how much
    assert _digest(paths.published_db) == before


READER = textwrap.dedent("""
    import sys, time, duckdb
    path, seconds, wanted = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    seen, errors, end, hits = set(), [], time.time() + seconds, 0
    while time.time() < end and hits < 5:
        try:
            with duckdb.connect(path, read_only=True) as con:
                day = con.execute("select run_day from warehouse_publish_info").fetchone()[0]
                plays = con.execute("select coalesce(sum(count_plays), 0) from "
                                    "rpt_highlights_daily").fetchone()[0]
                facts = con.execute("select coalesce(sum(count_plays), 0) from "
                                    "fct_daily_entry_viewer_metrics "
                                    "where playback_type = 'vod'").fetchone()[0]
            if plays != facts and len(errors) < 5:
                errors.append(f"mixed tables: {plays} vs {facts}")
            seen.add((str(day), int(plays)))
            hits += str(day) == wanted
        except Exception as error:
            if len(errors) < 5:
                errors.append(repr(error))
        time.sleep(0.02)
    print(sorted(seen)); print("ERRORS", errors)
    sys.exit(1 if errors else 0)
""")


def test_readers_are_not_blocked_during_a_build_and_publish(tmp_path):
    """A reader querying in a loop while a whole night runs never errors and never sees two nights
    mixed (highlights and facts from different builds); it sees the new night after the swap."""
    from video_insights.simulate import SimulationConfig, simulate

    inbox, warehouse = tmp_path / "inbox", tmp_path / "warehouse"
    paths = WarehousePaths.at(warehouse)

    def deliver(day):
        simulate(
            SimulationConfig(
                inbox=inbox,
                partners=2,
                entries=6,
                days=1,
                beacons_per_day=1500,
                seed=11,
                start_day=day,
            )
        )

    deliver(DAY1)
    _night(inbox, warehouse, DAY1)
    deliver(DAY2)  # the next night brings new files
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(paths.published_db), "300", "2026-11-02"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(1)
        _night(inbox, warehouse, DAY2)  # a whole night: land, dbt build, GX, publish
        out, err = reader.communicate(timeout=300)
    finally:
        reader.kill()
    assert reader.returncode == 0, out + err
    assert "ERRORS []" in out
    seen = dict(ast.literal_eval(out.splitlines()[0]))
    assert set(seen) == {"2026-11-01", "2026-11-02"}  # the old night, then the new one
    assert seen["2026-11-02"] > seen["2026-11-01"]
