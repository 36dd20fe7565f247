"""QOE and LIVE through the whole night (land, dbt build, GX, publish) and `video-insights report`:
the figures equal the hand-computed ones of tests/fixtures/qoe_cases.py."""

from __future__ import annotations

import csv
import io
import json

import duckdb
import pytest
from click.testing import CliRunner

from tests.fixtures import qoe_cases as qc
from tests.fixtures import worked_examples as wx
from video_insights.cli import main
from video_insights.config import WarehousePaths
from video_insights.pipeline import run_nightly

EXPECTED = qc.EXPECTED
MONDAY, TUESDAY = wx.MONDAY.isoformat(), wx.TUESDAY.isoformat()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    base = tmp_path_factory.mktemp("qoe-e2e")
    wx.write_inbox(base / "inbox", qc.all_beacons(), qc.side_feeds())
    run_nightly(base / "inbox", base / "warehouse", wx.TUESDAY)
    return base / "warehouse"


def run(warehouse, *args: str) -> CliRunner:
    return CliRunner().invoke(main, ["report", *args, "--warehouse", str(warehouse)])


def report(warehouse, report_type, partner_id, from_day, to_day, *options, output="json"):
    result = run(
        warehouse,
        report_type,
        "--partner-id",
        str(partner_id),
        "--from-day",
        from_day,
        "--to-day",
        to_day,
        "--format",
        output,
        *options,
    )
    assert result.exit_code == 0, result.output
    if output == "csv":
        return list(csv.DictReader(io.StringIO(result.output)))
    payload = json.loads(result.output)
    payload["records"] = [
        dict(zip(payload["columns"], row, strict=True)) for row in payload["rows"]
    ]
    return payload


def assert_figures(actual: dict, expected: dict) -> None:
    for name, value in expected.items():
        if isinstance(value, dict):
            continue
        assert actual[name] == pytest.approx(value, abs=1e-6), name


def test_qoe_totals(warehouse):
    result = report(warehouse, "QOE", qc.QOE, MONDAY, MONDAY)
    assert result["columns"][0] == "count_plays"  # no dimension: one total row
    assert len(result["records"]) == 1
    assert_figures(result["records"][0], EXPECTED["qoe_monday"])
    assert_figures(result["totals"], EXPECTED["qoe_monday"])


def test_qoe_by_device(warehouse):
    result = report(warehouse, "QOE", qc.QOE, MONDAY, MONDAY, "--dimension", "device")
    rows = {record["device"]: record for record in result["records"]}
    assert set(rows) == set(EXPECTED["qoe_by_device_monday"])
    for device, expected in EXPECTED["qoe_by_device_monday"].items():
        assert_figures(rows[device], expected)
    # the totals are the whole result's, not a mean of the rows' ratios
    assert_figures(result["totals"], EXPECTED["qoe_monday"])


def test_qoe_by_country_and_filters(warehouse):
    """Desktop beacons come from a US address, mobile ones from a private (Unknown) one."""
    by_device = EXPECTED["qoe_by_device_monday"]
    result = report(warehouse, "QOE", qc.QOE, MONDAY, MONDAY, "--dimension", "country")
    rows = {(r["country"], r["country_name"]): r for r in result["records"]}
    assert set(rows) == {("US", "United States"), ("Unknown", "Unknown")}
    assert_figures(rows[("US", "United States")], by_device["Desktop"])
    assert_figures(rows[("Unknown", "Unknown")], by_device["Mobile"])

    mobile = report(warehouse, "QOE", qc.QOE, MONDAY, MONDAY, "--device-in", "Mobile")
    assert_figures(mobile["totals"], by_device["Mobile"])
    by_entry = report(
        warehouse, "QOE", qc.QOE, MONDAY, MONDAY, "--dimension", "entry", "--os-in", "iOS"
    )
    assert [(r["entry_id"], r["entry_name"]) for r in by_entry["records"]] == [
        (qc.QOE_ENTRY, "Lecture")
    ]
    assert_figures(by_entry["records"][0], by_device["Mobile"])


def test_qoe_percentiles_over_a_range_and_by_day(warehouse):
    expected = EXPECTED["qoe_monday_tuesday"]
    result = report(warehouse, "QOE", qc.QOE, MONDAY, TUESDAY, "--dimension", "day")
    rows = {record["date"]: record for record in result["records"]}
    assert set(rows) == {MONDAY, TUESDAY}
    assert_figures(rows[MONDAY], EXPECTED["qoe_monday"])
    assert_figures(rows[TUESDAY], expected["tuesday"])
    # the range's percentiles come from its plays, not from the days' percentiles
    assert_figures(result["totals"], expected)
    csv_rows = report(
        warehouse,
        "QOE",
        qc.QOE,
        MONDAY,
        TUESDAY,
        "--dimension",
        "day",
        "--order",
        "date",
        output="csv",
    )
    assert [row["date"] for row in csv_rows] == [MONDAY, TUESDAY]
    assert float(csv_rows[0]["p95_join_time"]) == EXPECTED["qoe_monday"]["p95_join_time"]
    assert float(csv_rows[0]["ebvs_ratio"]) == EXPECTED["qoe_monday"]["ebvs_ratio"]
    assert int(csv_rows[1]["count_plays"]) == expected["tuesday"]["count_plays"]


def test_qoe_counts_vod_unless_asked(warehouse):
    live = EXPECTED["live"]
    vod = report(warehouse, "QOE", qc.LIVE, MONDAY, MONDAY)
    assert vod["totals"]["count_plays"] == 0
    assert vod["totals"]["avg_join_time"] == vod["totals"]["p95_join_time"] == 0
    assert vod["totals"]["ebvs_ratio"] == vod["totals"]["avg_session_error_rate"] == 0
    asked = report(warehouse, "QOE", qc.LIVE, MONDAY, MONDAY, "--playback-type-in", "live,dvr")
    assert asked["totals"]["count_plays"] == live["qoe_live_plays"]
    assert asked["totals"]["avg_join_time"] == pytest.approx(live["qoe_live_avg_join_time"])


def test_live_rows_and_totals(warehouse):
    live = EXPECTED["live"]
    result = report(warehouse, "LIVE", qc.LIVE, MONDAY, MONDAY)
    assert result["columns"] == [
        "hour",
        "entry_id",
        "entry_name",
        "count_plays",
        "sum_live_view_period",
        "peak_concurrent_viewers",
        "unique_known_users",
    ]
    rows = {(r["hour"], r["entry_id"]): r for r in result["records"]}
    assert set(rows) == set(live["rows"])
    for key, expected in live["rows"].items():
        assert_figures(rows[key], expected)
    assert [r["hour"] for r in result["records"]] == sorted(r["hour"] for r in result["records"])
    assert_figures(result["totals"], live["totals"])


def test_live_csv_and_filters(warehouse):
    csv_rows = report(warehouse, "LIVE", qc.LIVE, MONDAY, MONDAY, output="csv")
    first = csv_rows[0]
    assert (first["hour"], first["entry_id"], first["entry_name"]) == (
        "2026-11-02T15:00+01:00",
        qc.LIVE_ENTRY,
        "Main stage",
    )
    assert int(first["peak_concurrent_viewers"]) == 3
    assert float(first["sum_live_view_period"]) == 3.0

    side = report(warehouse, "LIVE", qc.LIVE, MONDAY, MONDAY, "--entry-id-in", qc.LIVE_ENTRY_B)
    assert side["totals"]["peak_concurrent_viewers"] == 1
    # DVR only: L2's VIEWs after the SEEK add 5 x 10 s; its PLAY was live; one session
    dvr = report(warehouse, "LIVE", qc.LIVE, MONDAY, MONDAY, "--playback-type-in", "dvr")
    assert dvr["totals"]["count_plays"] == 0
    assert dvr["totals"]["sum_live_view_period"] == pytest.approx(round(50 / 60, 6))
    assert dvr["totals"]["peak_concurrent_viewers"] == 1
    assert dvr["totals"]["unique_known_users"] == 0


def records(con, sql: str, *params) -> list[dict]:
    cursor = con.execute(sql, list(params))
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def test_rpt_tables_hold_the_same_figures(warehouse):
    path = WarehousePaths.at(warehouse).published_db
    with duckdb.connect(str(path), read_only=True) as con:
        qoe = records(
            con,
            "select * from rpt_qoe_daily where partner_id = ? and report_date = ?",
            qc.QOE,
            wx.MONDAY,
        )
        live = records(con, "select * from rpt_live_hourly where partner_id = ?", qc.LIVE)
    qoe_by_device = {row["device"]: row for row in qoe}
    assert set(qoe_by_device) == set(EXPECTED["qoe_by_device_monday"])
    for device, expected in EXPECTED["qoe_by_device_monday"].items():
        assert_figures(qoe_by_device[device], expected)
    live_by_hour = {(row["hour_label"], row["entry_id"]): row for row in live}
    assert set(live_by_hour) == set(EXPECTED["live"]["rows"])
    for key, expected in EXPECTED["live"]["rows"].items():
        assert_figures(live_by_hour[key], expected)


def test_dimension_option_is_checked(warehouse):
    days = ["--partner-id", str(qc.QOE), "--from-day", MONDAY, "--to-day", MONDAY]
    wrong_type = run(warehouse, "HIGHLIGHTS", *days, "--dimension", "device")
    assert wrong_type.exit_code == 1
    assert "--dimension does not apply to HIGHLIGHTS" in wrong_type.output
    wrong_value = run(warehouse, "QOE", *days, "--dimension", "planet")
    assert wrong_value.exit_code == 1
    assert "--dimension must be one of device, os, browser, country, entry, day" in (
        wrong_value.output
    )
    assert "Traceback" not in wrong_type.output + wrong_value.output
