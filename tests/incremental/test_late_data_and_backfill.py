"""Late beacons: a late file rebuilds exactly its partner-local days; a too-late one is set
aside, counted, and taken in by ``video-insights backfill``, which a rerun does not change.

The beacons are the worked examples of metrics.md (tests/fixtures/worked_examples.py); the
expected days come from their comments: example 8's play at 2026-11-03T03:30Z is 21:30 on
2026-11-02 in America/Chicago, and the partner no side feed knows reports in UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from tests.fixtures import worked_examples as wx
from tests.incremental.conftest import night, table_rows

LATE_ARRIVAL_DAYS = 7  # dbt_project.yml vars: late_arrival_days (the documented default)
NOV_3, NOV_4 = date(2026, 11, 3), date(2026, 11, 4)
NOV_14 = date(2026, 11, 14)  # 11 days after 2026-11-03: more than LATE_ARRIVAL_DAYS


def _published(warehouse: Path, sql: str, *params: object) -> list[tuple]:
    with duckdb.connect(str(warehouse / "published" / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Night of Nov 3 (every example but 8 and the unfed partner), night of Nov 4 (example 8
    arrives a day late), night of Nov 14 (the unfed partner's Nov 3 beacons arrive 11 days late)."""
    base = tmp_path_factory.mktemp("late-data")
    inbox, warehouse = base / "inbox", base / "warehouse"
    late, too_late = wx.example_8(), wx.extra_no_feed()
    on_time = [beacon for beacon in wx.all_beacons() if beacon not in late + too_late]
    wx.write_inbox(inbox, beacons=on_time)
    records: dict[str, object] = {"first": night(inbox, warehouse, NOV_3)}
    wx.write_jsonl(inbox / "beacons" / "late-example-8.jsonl", late)
    records["late"] = night(inbox, warehouse, NOV_4)
    wx.write_jsonl(inbox / "beacons" / "too-late-no-feed.jsonl", too_late)
    records["too_late"] = night(inbox, warehouse, NOV_14, validate=True)
    records["others_before_backfill"] = table_rows(
        warehouse / "published" / "warehouse.duckdb", except_partner=wx.NO_FEED
    )
    records["warehouse"] = warehouse
    return records


def test_a_late_file_rebuilds_only_its_partner_local_days(nights: dict) -> None:
    assert nights["first"]["full"]
    late = nights["late"]
    assert not late["full"]
    assert late["new_beacons"] == len(wx.example_8())
    # 2026-11-03T03:30Z is 2026-11-02 in Chicago; a play may cross midnight: one day each side
    assert late["rebuilt_partner_days"] == [
        [wx.EX8, "2026-11-01"],
        [wx.EX8, "2026-11-02"],
        [wx.EX8, "2026-11-03"],
    ]
    assert late["touched_partner_days"] == 1


def test_the_late_days_report_the_late_beacons(nights: dict) -> None:
    expected = wx.EXPECTED["ex8"]
    rows = _published(
        nights["warehouse"],
        "select count_plays from rpt_highlights_daily where partner_id = ? and report_date = ?",
        expected["partner_id"],
        expected["report_date"],
    )
    assert rows == [(expected["count_plays"],)]


def test_too_late_beacons_are_set_aside_and_counted(nights: dict) -> None:
    too_late = nights["too_late"]
    assert too_late["set_aside_beacons"] == len(wx.extra_no_feed())
    assert too_late["set_aside_days"] == ["2026-11-03"]
    assert too_late["new_beacons"] == 0
    assert too_late["rebuilt_partner_days"] == []
    warehouse = nights["warehouse"]
    assert _published(
        warehouse,
        "select event_date, set_aside_beacons, late_arrival_days "
        "from int_beacon_partitions_set_aside",
    ) == [(NOV_3, len(wx.extra_no_feed()), LATE_ARRIVAL_DAYS)]
    assert _published(
        warehouse,
        "select count(*) from fct_daily_entry_viewer_metrics where partner_id = ?",
        wx.NO_FEED,
    ) == [(0,)]


def test_backfill_takes_the_set_aside_days_in_and_a_rerun_changes_nothing(nights: dict) -> None:
    from video_insights.cli import main
    from video_insights.pipeline import build_step, publish_step

    warehouse = nights["warehouse"]
    result = CliRunner().invoke(
        main,
        [
            "backfill",
            "--from-day",
            "2026-11-03",
            "--to-day",
            "2026-11-03",
            "--warehouse",
            str(warehouse),
        ],
    )
    assert result.exit_code == 0, result.output
    expected = wx.EXPECTED["no_feed"]
    assert _published(
        warehouse,
        "select report_date, entry_name from rpt_top_content_daily "
        "where partner_id = ? and entry_id = ?",
        expected["partner_id"],
        expected["entry_id"],
    ) == [(expected["report_date"], expected["name"])]
    assert _published(warehouse, "select count(*) from int_beacon_partitions_set_aside") == [(0,)]
    published = warehouse / "published" / "warehouse.duckdb"
    # the other partners' rows did not change
    assert table_rows(published, except_partner=wx.NO_FEED) == nights["others_before_backfill"]
    once = table_rows(published)

    start = datetime.combine(NOV_3, time(), tzinfo=UTC)
    again = build_step(warehouse, start, backfill=(NOV_3, NOV_3), dbt_command="run")
    publish_step(warehouse, start)
    assert again["incremental"]["new_beacons"] == 0
    assert table_rows(warehouse / "published" / "warehouse.duckdb") == once


def test_backfill_refuses_a_reversed_range(tmp_path: Path) -> None:
    from video_insights.cli import main

    result = CliRunner().invoke(
        main,
        [
            "backfill",
            "--from-day",
            "2026-11-05",
            "--to-day",
            "2026-11-03",
            "--warehouse",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 1
    assert "--from-day 2026-11-05 is after --to-day 2026-11-03" in result.output
