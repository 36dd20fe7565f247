"""metrics.md worked examples 1-8 through the whole night (land, dbt, GX, publish) and the
`video-insights report` command: the figures it prints equal the spec's numbers exactly.

The expected figures are the hand-written ones of tests/fixtures/worked_examples.py.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from tests.fixtures import worked_examples as wx
from video_insights.cli import main
from video_insights.pipeline import run_nightly

EXPECTED = wx.EXPECTED


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    base = tmp_path_factory.mktemp("worked-examples-e2e")
    wx.write_inbox(base / "inbox")
    run_nightly(base / "inbox", base / "warehouse", wx.TUESDAY)
    return base / "warehouse"


def report(
    warehouse,
    report_type: str,
    partner_id: int,
    from_day: date,
    to_day: date,
    *options: str,
    output: str = "json",
):
    args = [
        "report",
        report_type,
        "--partner-id",
        str(partner_id),
        "--from-day",
        from_day.isoformat(),
        "--to-day",
        to_day.isoformat(),
        "--warehouse",
        str(warehouse),
        "--format",
        output,
        *options,
    ]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    if output != "json":
        return result.output
    payload = json.loads(result.output)
    assert set(payload) == {"report_type", "columns", "rows", "totals"}
    payload["records"] = [
        dict(zip(payload["columns"], row, strict=True)) for row in payload["rows"]
    ]
    return payload


def by_entry(payload) -> dict[str, dict]:
    return {record["entry_id"]: record for record in payload["records"]}


def test_example_1_completion_and_drop_off(warehouse):
    ex = EXPECTED["ex1"]
    top = report(warehouse, "TOP_CONTENT", ex["partner_id"], ex["day"], ex["day"])
    entry = by_entry(top)[ex["entry_id"]]
    assert entry["count_plays"] == ex["count_plays"]
    assert entry["avg_completion_rate"] == ex["avg_completion_rate"]
    assert entry["avg_view_drop_off"] == ex["avg_view_drop_off"]


def test_example_2_quartile_minutes(warehouse):
    ex = EXPECTED["ex2"]
    top = by_entry(report(warehouse, "TOP_CONTENT", ex["partner_id"], ex["day"], ex["day"]))
    for entry_id, minutes in ex["sum_time_viewed"].items():
        assert top[entry_id]["sum_time_viewed"] == minutes


def test_example_3_drop_off_from_counts(warehouse):
    ex = EXPECTED["ex3"]
    funnel = report(warehouse, "CONTENT_DROPOFF", ex["partner_id"], ex["day"], ex["day"])
    totals = funnel["totals"]
    assert (
        totals["count_plays_25"],
        totals["count_plays_50"],
        totals["count_plays_75"],
        totals["count_plays_100"],
    ) == ex["count_plays_quartiles"]
    assert totals["count_plays"] == ex["count_plays"]
    assert totals["play_through_ratio"] == ex["play_through_ratio"]
    highlights = report(warehouse, "HIGHLIGHTS", ex["partner_id"], ex["day"], ex["day"])
    assert highlights["totals"]["avg_view_drop_off"] == ex["avg_view_drop_off"]


def test_example_4_play_impression_ratio_with_retried_beacons(warehouse):
    ex = EXPECTED["ex4"]
    totals = report(warehouse, "HIGHLIGHTS", ex["partner_id"], ex["day"], ex["day"])["totals"]
    assert totals["count_loads"] == ex["count_loads"]
    assert totals["count_plays"] == ex["count_plays"]
    assert totals["load_play_ratio"] == ex["load_play_ratio"]


def test_example_5_minutes_viewed(warehouse):
    ex = EXPECTED["ex5"]
    totals = report(warehouse, "HIGHLIGHTS", ex["partner_id"], ex["day"], ex["day"])["totals"]
    assert totals["sum_view_period"] == ex["sum_view_period"]
    assert totals["count_plays"] == ex["count_plays"]


def test_example_6_unique_viewers_across_days(warehouse):
    ex = EXPECTED["ex6"]
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
    monthly = report(
        warehouse,
        "PERFORMANCE_OVER_TIME",
        ex["partner_id"],
        ex["monday"],
        ex["tuesday"],
        "--interval",
        "months",
    )
    assert [(r["month"], r["unique_known_users"]) for r in monthly["records"]] == [
        ("2026-11", ex["unique_range"])
    ]
    highlights = report(warehouse, "HIGHLIGHTS", ex["partner_id"], ex["monday"], ex["tuesday"])
    assert highlights["totals"]["unique_known_users"] == ex["unique_range"]


def test_example_7_engagement_ranking(warehouse):
    ex = EXPECTED["ex7"]
    top = by_entry(report(warehouse, "TOP_CONTENT", ex["partner_id"], ex["day"], ex["day"]))
    for entry_id, score in ex["engagement_ranking"].items():
        assert top[entry_id]["engagement_ranking"] == score
        assert top[entry_id]["avg_completion_rate"] == ex["avg_completion_rate"][entry_id]


def test_example_8_partner_time_zone(warehouse):
    ex = EXPECTED["ex8"]
    day = ex["report_date"]
    daily = report(warehouse, "PERFORMANCE_OVER_TIME", ex["partner_id"], day, wx.TUESDAY)
    plays = {record["date"]: record["count_plays"] for record in daily["records"]}
    assert plays == {day.isoformat(): ex["count_plays"], wx.TUESDAY.isoformat(): 0}


def test_zero_denominators_give_zero(warehouse):
    ex = EXPECTED["zero_plays"]
    totals = report(warehouse, "HIGHLIGHTS", ex["partner_id"], ex["day"], ex["day"])["totals"]
    assert totals["count_loads"] == ex["count_loads"]
    assert totals["count_plays"] == 0
    assert totals["load_play_ratio"] == totals["avg_completion_rate"] == 0
    assert totals["avg_view_drop_off"] == 0


def test_csv_and_table_outputs(warehouse):
    ex = EXPECTED["ex7"]
    csv_text = report(
        warehouse,
        "TOP_CONTENT",
        ex["partner_id"],
        ex["day"],
        ex["day"],
        "--order",
        "-engagement_ranking",
        output="csv",
    )
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("entry_id,entry_name,count_plays")
    assert lines[1].startswith("1_ex7_a,") and lines[2].startswith("1_ex7_b,")
    table = report(warehouse, "TOP_CONTENT", ex["partner_id"], ex["day"], ex["day"], output="table")
    assert "1_ex7_a" in table and "engagement_ranking" in table


def test_paging(warehouse):
    ex = EXPECTED["ex7"]
    args = ("--order", "-count_plays", "--limit", "1")
    first = report(warehouse, "TOP_CONTENT", ex["partner_id"], ex["day"], ex["day"], *args)
    second = report(
        warehouse, "TOP_CONTENT", ex["partner_id"], ex["day"], ex["day"], *args, "--page", "2"
    )
    assert [r["entry_id"] for r in first["records"] + second["records"]] == ["1_ex7_a", "1_ex7_b"]
    # the engagement ranking's maxima are over the whole result, not the page
    assert second["records"][0]["engagement_ranking"] == ex["engagement_ranking"]["1_ex7_b"]


def test_comparison_range(warehouse):
    """Example 6: Monday has 3 plays (A and two anonymous viewers) by 2 viewers, Tuesday 1 play
    by 1 viewer; Monday compared with Tuesday gains Tuesday's values and the relative change."""
    ex = EXPECTED["ex6"]
    monday, tuesday = ex["monday"].isoformat(), ex["tuesday"].isoformat()
    result = report(
        warehouse,
        "HIGHLIGHTS",
        ex["partner_id"],
        ex["monday"],
        ex["monday"],
        "--compare-from-day",
        tuesday,
        "--compare-to-day",
        tuesday,
    )
    row = result["records"][0]
    assert (row["count_plays"], row["count_plays_compare"], row["count_plays_change"]) == (
        3,
        1,
        2.0,
    )
    assert (
        row["unique_known_users"],
        row["unique_known_users_compare"],
        row["unique_known_users_change"],
    ) == (ex["unique_monday"], ex["unique_tuesday"], 1.0)
    assert result["totals"]["count_plays_change"] == 2.0
    daily = report(
        warehouse,
        "PERFORMANCE_OVER_TIME",
        ex["partner_id"],
        ex["monday"],
        ex["monday"],
        "--compare-from-day",
        tuesday,
        "--compare-to-day",
        tuesday,
    )
    assert daily["records"][0]["date"] == monday
    assert daily["records"][0]["count_plays_compare"] == 1
