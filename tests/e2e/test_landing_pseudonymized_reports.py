"""A partner that requires pseudonymized user ids gets the same report figures.

The metrics.md worked examples run through the whole night (land, dbt, GX, publish) with every
example partner pseudonymized: the unique-viewer and engagement figures equal the hand-written
ones of tests/fixtures/worked_examples.py, and no raw user id reaches the published warehouse.
"""

from __future__ import annotations

import duckdb
import pytest

from tests.e2e.test_worked_examples_reports import report
from tests.fixtures import worked_examples as wx
from video_insights.config import WarehousePaths
from video_insights.pipeline import run_nightly

PARTNERS = (wx.EX1, wx.EX2, wx.EX3, wx.EX4, wx.EX5, wx.EX6, wx.EX7, wx.EX8)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    base = tmp_path_factory.mktemp("pseudonymized-e2e")
    wx.write_inbox(base / "inbox")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VIDEO_INSIGHTS_PSEUDONYMIZE_PARTNERS", ",".join(map(str, PARTNERS)))
        patch.setenv("VIDEO_INSIGHTS_PSEUDONYMIZE_KEY", "5a" * 32)
        run_nightly(base / "inbox", base / "warehouse", wx.TUESDAY)
    return base / "warehouse"


def test_unique_viewers_are_the_worked_example_figures(warehouse):
    ex = wx.EXPECTED["ex6"]
    daily = report(
        warehouse,
        "PERFORMANCE_OVER_TIME",
        ex["partner_id"],
        ex["monday"],
        ex["tuesday"],
        "--interval",
        "days",
    )
    uniques = {record["date"]: record["unique_known_users"] for record in daily["records"]}
    assert uniques == {
        ex["monday"].isoformat(): ex["unique_monday"],
        ex["tuesday"].isoformat(): ex["unique_tuesday"],
    }
    assert daily["totals"]["unique_known_users"] == ex["unique_range"]


def test_minutes_and_plays_are_the_worked_example_figures(warehouse):
    ex = wx.EXPECTED["ex5"]
    totals = report(warehouse, "HIGHLIGHTS", ex["partner_id"], ex["day"], ex["day"])["totals"]
    assert totals["sum_view_period"] == ex["sum_view_period"]
    assert totals["count_plays"] == ex["count_plays"]


def test_no_raw_user_id_is_published(warehouse):
    published = WarehousePaths.at(warehouse).published_db
    con = duckdb.connect(str(published), read_only=True)
    partners = ", ".join(map(str, PARTNERS))
    ids = {
        row[0]
        for row in con.execute(
            "SELECT DISTINCT user_id FROM stg_kava__beacons "
            f"WHERE user_id IS NOT NULL AND partner_id IN ({partners})"
        ).fetchall()
    }
    con.close()
    assert "user-a" not in ids and "viewer-5" not in ids
    assert all(i.startswith("psu_") or i.strip() == "" for i in ids), ids
