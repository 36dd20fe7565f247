"""Category, contributor and usage reports through the whole night (land, dbt build, GX,
publish) and the `video-insights report` command.

The beacons and feeds are tests/fixtures/category_cases.py; every expected figure there is
computed by hand in comments (never by the code under test).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import duckdb
import pytest
from click.testing import CliRunner

from tests.fixtures import category_cases as cc
from tests.fixtures import worked_examples as wx
from video_insights.cli import main
from video_insights.config import WarehousePaths
from video_insights.pipeline import run_nightly

EXPECTED = cc.EXPECTED
MONDAY, TUESDAY = wx.MONDAY, wx.TUESDAY
OCTOBER_31 = date.fromisoformat(cc.OCTOBER_31)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    base = tmp_path_factory.mktemp("category-e2e")
    wx.write_inbox(base / "inbox", cc.beacons(), cc.feeds())
    run_nightly(base / "inbox", base / "warehouse", TUESDAY)
    return base / "warehouse"


def invoke(warehouse, report_type, from_day, to_day, *options, partner_id=cc.CAT, output="json"):
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
    return CliRunner().invoke(main, args, catch_exceptions=False)


def report(warehouse, report_type, from_day, to_day, *options, partner_id=cc.CAT):
    result = invoke(warehouse, report_type, from_day, to_day, *options, partner_id=partner_id)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert set(payload) == {"report_type", "columns", "rows", "totals"}
    payload["records"] = [
        dict(zip(payload["columns"], row, strict=True)) for row in payload["rows"]
    ]
    return payload


def report_csv(warehouse, report_type, from_day, to_day, *options) -> list[dict[str, str]]:
    result = invoke(warehouse, report_type, from_day, to_day, *options, output="csv")
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.output)))


def by(payload, key: str) -> dict[str, dict]:
    return {record[key]: record for record in payload["records"]}


def assert_figures(actual: dict, expected: dict) -> None:
    for name, value in expected.items():
        assert actual[name] == pytest.approx(value, abs=1e-6), name


def test_category_highlights_rolls_up_two_levels(warehouse):
    payload = report(warehouse, "CATEGORY_HIGHLIGHTS", MONDAY, MONDAY, "--object-ids", cc.ROOT)
    (row,) = payload["records"]
    assert (row["category_id"], row["category_name"]) == (cc.ROOT, "Root")
    assert_figures(row, EXPECTED["root_monday"])
    assert_figures(payload["totals"], EXPECTED["root_monday"])


def test_category_highlights_over_a_range(warehouse):
    """Unique viewers of two days are not summed; the grandchild's page (12) is a page view of
    the root, two levels up; --categories-ids-in names the category like --object-ids."""
    payload = report(
        warehouse, "CATEGORY_HIGHLIGHTS", MONDAY, TUESDAY, "--categories-ids-in", cc.ROOT
    )
    (row,) = payload["records"]
    assert_figures(row, EXPECTED["root_range"])
    assert_figures(payload["totals"], EXPECTED["root_range"])


def test_category_highlights_of_two_children(warehouse):
    payload = report(
        warehouse,
        "CATEGORY_HIGHLIGHTS",
        MONDAY,
        MONDAY,
        "--object-ids",
        f"{cc.CHILD_A},{cc.CHILD_B}",
    )
    rows = by(payload, "category_id")
    assert set(rows) == {cc.CHILD_A, cc.CHILD_B}
    assert_figures(rows[cc.CHILD_A], EXPECTED["child_a_monday"])
    assert_figures(rows[cc.CHILD_B], EXPECTED["child_b_monday"])
    # totals: the union of both categories' content, never the sum of the rows
    assert_figures(payload["totals"], EXPECTED["a_and_b_monday_totals"])


def test_category_highlights_csv(warehouse):
    rows = report_csv(warehouse, "CATEGORY_HIGHLIGHTS", MONDAY, MONDAY, "--object-ids", cc.CHILD_A)
    (row,) = rows
    assert row["category_id"] == cc.CHILD_A
    expected = EXPECTED["child_a_monday"]
    assert int(row["count_plays_in_category_page"]) == expected["count_plays_in_category_page"]
    assert float(row["category_page_play_ratio"]) == expected["category_page_play_ratio"]
    assert int(row["contributors"]) == expected["contributors"]


def test_category_highlights_compares_two_ranges(warehouse):
    payload = report(
        warehouse,
        "CATEGORY_HIGHLIGHTS",
        TUESDAY,
        TUESDAY,
        "--object-ids",
        cc.ROOT,
        "--compare-from-day",
        MONDAY.isoformat(),
        "--compare-to-day",
        MONDAY.isoformat(),
    )
    (row,) = payload["records"]
    assert_figures(row, EXPECTED["root_tuesday_vs_monday"])


def test_category_highlights_needs_a_category(warehouse):
    result = invoke(warehouse, "CATEGORY_HIGHLIGHTS", MONDAY, MONDAY)
    assert result.exit_code == 1
    assert "CATEGORY_HIGHLIGHTS needs a category" in result.output


def test_sub_categories_of_the_root(warehouse):
    payload = report(warehouse, "SUB_CATEGORIES", MONDAY, MONDAY, "--object-ids", cc.ROOT)
    expected = EXPECTED["sub_categories_of_root_monday"]
    rows = by(payload, "category_id")
    assert set(rows) == set(expected["rows"])
    for category_id, figures in expected["rows"].items():
        assert_figures(rows[category_id], figures)
    assert_figures(payload["totals"], expected["totals"])
    # ordered by -count_plays by default: B (3 plays) before A (2)
    assert [record["category_id"] for record in payload["records"]] == [cc.CHILD_B, cc.CHILD_A]


def test_sub_categories_csv(warehouse):
    rows = report_csv(warehouse, "SUB_CATEGORIES", MONDAY, TUESDAY, "--object-ids", cc.CHILD_A)
    expected = EXPECTED["sub_categories_of_a_range"][cc.GRANDCHILD_A1]
    (row,) = rows
    assert row["category_id"] == cc.GRANDCHILD_A1
    assert row["category_name"] == expected["category_name"]
    assert int(row["count_plays"]) == expected["count_plays"]
    assert int(row["unique_known_users"]) == expected["unique_known_users"]
    assert float(row["sum_view_period"]) == expected["sum_view_period"]


def test_sub_categories_without_a_parent_are_the_top_level(warehouse):
    payload = report(warehouse, "SUB_CATEGORIES", MONDAY, MONDAY)
    expected = EXPECTED["top_level_monday"]
    rows = by(payload, "category_id")
    assert set(rows) == set(expected["rows"])
    for category_id, figures in expected["rows"].items():
        assert_figures(rows[category_id], figures)
    assert_figures(payload["totals"], expected["totals"])


def _contributors(payload) -> dict[str, tuple]:
    return {
        r["user_id"]: (r["user_name"], r["entries_added"], r["count_plays"])
        for r in payload["records"]
    }


def test_top_contributors(warehouse):
    payload = report(warehouse, "TOP_CONTRIBUTORS", MONDAY, MONDAY)
    expected = EXPECTED["contributors_monday"]
    assert _contributors(payload) == expected["rows"]
    assert payload["totals"] == expected["totals"]
    # default order: -entries_added
    assert payload["records"][0]["user_id"] == "alice"


def test_top_contributors_of_a_category(warehouse):
    payload = report(
        warehouse, "TOP_CONTRIBUTORS", MONDAY, MONDAY, "--categories-ids-in", cc.CHILD_B
    )
    expected = EXPECTED["contributors_b_monday"]
    assert _contributors(payload) == expected["rows"]
    assert payload["totals"] == expected["totals"]


def test_top_contributors_drill_down_to_entries(warehouse):
    payload = report(warehouse, "TOP_CONTRIBUTORS", MONDAY, MONDAY, "--object-ids", "alice")
    entries = {
        r["entry_id"]: (r["entries_added"], r["count_plays"])
        for r in payload["records"]
        if r["user_id"] == "alice"
    }
    assert entries == EXPECTED["alice_entries_monday"]
    assert len(payload["records"]) == len(entries)


def test_usage_allowance_rates(warehouse):
    payload = report(warehouse, "USAGE", MONDAY, TUESDAY)
    (row,) = payload["records"]
    assert row["month"] == "2026-11"
    assert_figures(row, EXPECTED["usage_november"])
    assert_figures(payload["totals"], EXPECTED["usage_november"])
    monday = report(warehouse, "USAGE", MONDAY, MONDAY)
    assert_figures(monday["records"][0], EXPECTED["usage_monday"])


def test_usage_csv(warehouse):
    (row,) = report_csv(warehouse, "USAGE", MONDAY, TUESDAY)
    expected = EXPECTED["usage_november"]
    assert row["month"] == "2026-11"
    for name in (
        "bandwidth_gb",
        "bandwidth_allowance_used_rate",
        "storage_allowance_used_rate",
        "transcoding_allowance_used_rate",
    ):
        assert float(row[name]) == expected[name], name


def test_usage_over_two_months(warehouse):
    payload = report(warehouse, "USAGE", OCTOBER_31, TUESDAY)
    expected = EXPECTED["usage_two_months"]
    rows = by(payload, "month")
    assert list(rows) == ["2026-10", "2026-11"]
    assert_figures(rows["2026-10"], expected["2026-10"])
    assert_figures(rows["2026-11"], expected["2026-11"])
    assert_figures(payload["totals"], expected["totals"])


def test_usage_counts_every_playback_type_unless_filtered(warehouse):
    payload = report(warehouse, "USAGE", MONDAY, TUESDAY, "--playback-type-in", "vod")
    assert_figures(payload["records"][0], EXPECTED["usage_november_vod"])


def test_usage_by_category_chargeback(warehouse):
    payload = report(warehouse, "USAGE_BY_CATEGORY", MONDAY, TUESDAY)
    expected = EXPECTED["chargeback_range"]
    rows = by(payload, "category_id")
    assert set(rows) == {cc.ROOT, cc.TOP_OTHER, "uncategorized"}
    for category_id in rows:
        assert_figures(rows[category_id], expected[category_id])
        assert rows[category_id]["category_name"] == expected[category_id]["category_name"]
    assert_figures(payload["totals"], expected["totals"])
    csv_rows = {
        row["category_id"]: row
        for row in report_csv(warehouse, "USAGE_BY_CATEGORY", MONDAY, TUESDAY)
    }
    assert float(csv_rows[cc.TOP_OTHER]["bandwidth_gb"]) == expected[cc.TOP_OTHER]["bandwidth_gb"]


def test_partners_do_not_mix(warehouse):
    """OTHER reuses CAT's category ids and an entry id: each sees only its own figures."""
    payload = report(
        warehouse,
        "CATEGORY_HIGHLIGHTS",
        MONDAY,
        MONDAY,
        "--object-ids",
        cc.ROOT,
        partner_id=cc.OTHER,
    )
    (row,) = payload["records"]
    assert row["category_name"] == "Elsewhere root"
    assert_figures(row, EXPECTED["other_partner_root_monday"])


def test_report_tables_hold_the_same_figures(warehouse):
    db = WarehousePaths.at(warehouse).published_db
    with duckdb.connect(str(db), read_only=True) as con:
        cursor = con.execute(
            "select * from rpt_category_highlights_daily "
            "where partner_id = ? and report_date = ? and category_id = ?",
            [cc.CAT, MONDAY, cc.ROOT],
        )
        names = [column[0] for column in cursor.description]
        highlights = dict(zip(names, cursor.fetchone(), strict=True))
        cursor = con.execute(
            "select * from rpt_usage_monthly where partner_id = ? and report_month = ?",
            [cc.CAT, date(2026, 11, 1)],
        )
        names = [column[0] for column in cursor.description]
        usage = dict(zip(names, cursor.fetchone(), strict=True))
        chargeback = dict(
            con.execute(
                "select category_id, bandwidth_gb from rpt_usage_by_category_monthly "
                "where partner_id = ? and report_month = ?",
                [cc.CAT, date(2026, 11, 1)],
            ).fetchall()
        )
    assert_figures(highlights, EXPECTED["root_monday"])
    assert_figures(usage, EXPECTED["usage_november"])
    assert chargeback == pytest.approx(
        {
            key: value["bandwidth_gb"]
            for key, value in EXPECTED["chargeback_range"].items()
            if key != "totals"
        }
    )
