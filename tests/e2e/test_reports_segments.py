"""The segments report group through the whole night (land, dbt build, GX, publish) and the
`video-insights report` command: PERCENTILES (views over duration, the per-user heat map),
USER_ENGAGEMENT (metrics.md worked example 1's total_completion_rate included),
INTERACTIVE_NODES and INTERACTIVE_HOTSPOTS.

Every expected figure is written by hand in tests/fixtures/segments_cases.py (the arithmetic is in
its comments), never computed by the code under test.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from click.testing import CliRunner

from tests.fixtures import segments_cases as cases
from tests.fixtures import worked_examples as wx
from video_insights.cli import main
from video_insights.pipeline import run_nightly

EXPECTED = cases.EXPECTED
MONDAY, TUESDAY = cases.MONDAY, cases.TUESDAY


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    base = tmp_path_factory.mktemp("segments-e2e")
    wx.write_inbox(base / "inbox", cases.all_beacons(), cases.side_feeds())
    run_nightly(base / "inbox", base / "warehouse", TUESDAY)
    return base / "warehouse"


def invoke(warehouse, report_type: str, partner_id: int, from_day: date, to_day: date, *options):
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
        *options,
    ]
    return CliRunner().invoke(main, args, catch_exceptions=False)


def report(warehouse, report_type, partner_id, from_day, to_day, *options) -> dict:
    result = invoke(
        warehouse, report_type, partner_id, from_day, to_day, "--format", "json", *options
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert set(payload) == {"report_type", "columns", "rows", "totals"}
    payload["records"] = [
        dict(zip(payload["columns"], row, strict=True)) for row in payload["rows"]
    ]
    return payload


def report_csv(warehouse, report_type, partner_id, from_day, to_day, *options) -> list[dict]:
    result = invoke(
        warehouse, report_type, partner_id, from_day, to_day, "--format", "csv", *options
    )
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.output)))


def keyed(payload: dict, column: str) -> dict:
    return {record[column]: record for record in payload["records"]}


# -- PERCENTILES ------------------------------------------------------------------------------


def test_percentiles_views_over_duration(warehouse):
    ex = EXPECTED["percentiles"]
    payload = report(
        warehouse, "PERCENTILES", ex["partner_id"], MONDAY, TUESDAY, "--entry-id-in", ex["entry_id"]
    )
    assert payload["columns"] == ["segment", "count_viewers", "unique_known_users"]
    assert [r["segment"] for r in payload["records"]] == list(range(1, 101))  # all, in order
    assert [r["count_viewers"] for r in payload["records"]] == ex["count_viewers"]
    assert [r["unique_known_users"] for r in payload["records"]] == ex["unique_known_users"]
    assert payload["totals"] == {
        "count_viewers": ex["total_count_viewers"],
        "unique_known_users": ex["total_unique_known_users"],
    }


def test_percentiles_as_csv_by_object_id_and_for_one_day(warehouse):
    ex = EXPECTED["percentiles"]
    rows = report_csv(
        warehouse, "PERCENTILES", ex["partner_id"], MONDAY, MONDAY, "--object-ids", ex["entry_id"]
    )
    assert [int(row["segment"]) for row in rows] == list(range(1, 101))
    assert [int(row["count_viewers"]) for row in rows] == ex["monday_count_viewers"]
    payload = report(
        warehouse, "PERCENTILES", ex["partner_id"], MONDAY, MONDAY, "--object-ids", ex["entry_id"]
    )
    assert payload["totals"]["count_viewers"] == ex["monday_total_count_viewers"]


def test_percentiles_heat_map_of_one_user(warehouse):
    ex, heat = EXPECTED["percentiles"], EXPECTED["heat_map"]
    payload = report(
        warehouse,
        "PERCENTILES",
        ex["partner_id"],
        MONDAY,
        TUESDAY,
        "--entry-id-in",
        ex["entry_id"],
        "--user-ids",
        heat["user_id"],
    )
    records = payload["records"]
    assert payload["columns"] == [
        "user_id",
        "segment",
        "count_viewers",
        "unique_known_users",
        "heat_map_tier",
    ]
    assert [r["segment"] for r in records] == list(range(1, 101))
    assert {r["user_id"] for r in records} == {heat["user_id"]}
    assert [r["count_viewers"] for r in records] == heat["count_viewers"]
    assert [r["heat_map_tier"] for r in records] == heat["tiers"]
    assert {r["heat_map_tier"] for r in records} == {
        "not viewed",
        "once",
        "twice",
        "more than twice",
    }
    assert [r["segment"] for r in records if r["heat_map_tier"] == "not viewed"] == heat[
        "not_viewed"
    ]
    assert payload["totals"] == {
        "count_viewers": heat["total_count_viewers"],
        "unique_known_users": 1,
    }
    monday = report(
        warehouse,
        "PERCENTILES",
        ex["partner_id"],
        MONDAY,
        MONDAY,
        "--object-ids",
        ex["entry_id"],
        "--user-ids",
        heat["user_id"],
    )
    assert [r["heat_map_tier"] for r in monday["records"]] == heat["monday_tiers"]


@pytest.mark.parametrize(
    "options",
    [(), ("--entry-id-in", f"{cases.ENTRY_100},{cases.ENTRY_50}")],
    ids=["no-entry", "two-entries"],
)
def test_percentiles_needs_exactly_one_entry(warehouse, options):
    result = invoke(
        warehouse,
        "PERCENTILES",
        cases.SEGMENTS_PARTNER,
        MONDAY,
        TUESDAY,
        "--format",
        "json",
        *options,
    )
    assert result.exit_code == 1
    assert "ONE entry" in result.output and "--entry-id-in" in result.output


# -- USER_ENGAGEMENT --------------------------------------------------------------------------


def test_user_engagement_per_user(warehouse):
    ex = EXPECTED["user_engagement"]
    payload = report(warehouse, "USER_ENGAGEMENT", ex["partner_id"], MONDAY, TUESDAY)
    assert payload["columns"][:2] == ["user_id", "user_name"]
    users = keyed(payload, "user_id")
    assert set(users) == set(ex["users"])  # the anonymous viewer is the user `Unknown`
    for user_id, figures in ex["users"].items():
        for metric, value in figures.items():
            assert users[user_id][metric] == value, (user_id, metric)
    assert payload["totals"] == ex["totals"]
    # default order: -count_plays
    assert payload["records"][0]["user_id"] == cases.ALICE


def test_user_engagement_entries_of_one_user_as_csv(warehouse):
    ex = EXPECTED["user_engagement"]
    rows = report_csv(
        warehouse, "USER_ENGAGEMENT", ex["partner_id"], MONDAY, TUESDAY, "--object-ids", cases.ALICE
    )
    assert list(rows[0])[:3] == ["user_id", "entry_id", "entry_name"]
    by_entry = {row["entry_id"]: row for row in rows}
    assert set(by_entry) == set(ex["alice_entries"])
    for entry_id, figures in ex["alice_entries"].items():
        row = by_entry[entry_id]
        assert row["user_id"] == cases.ALICE
        for metric, value in figures.items():
            expected = value if isinstance(value, str) else float(value)
            actual = row[metric] if isinstance(value, str) else float(row[metric])
            assert actual == expected, (entry_id, metric)


def test_user_engagement_total_completion_is_exact_per_range(warehouse):
    ex = EXPECTED["user_engagement"]
    tuesday = report(warehouse, "USER_ENGAGEMENT", ex["partner_id"], TUESDAY, TUESDAY)
    assert [r["user_id"] for r in tuesday["records"]] == [cases.ALICE]
    assert tuesday["totals"]["total_completion_rate"] == ex["tuesday_alice_total_completion_rate"]
    # a context filter applies to both marts: nothing played from France
    france = report(
        warehouse, "USER_ENGAGEMENT", ex["partner_id"], MONDAY, TUESDAY, "--country-in", "FR"
    )
    assert france["records"] == []
    assert france["totals"]["count_plays"] == 0
    assert france["totals"]["total_completion_rate"] == 0


def test_user_engagement_worked_example_1(warehouse):
    ex = EXPECTED["worked_example_1"]
    payload = report(warehouse, "USER_ENGAGEMENT", ex["partner_id"], ex["day"], ex["day"])
    user = keyed(payload, "user_id")[ex["user_id"]]
    for metric in (
        "count_loads",
        "count_plays",
        "sum_view_period",
        "avg_completion_rate",
        "avg_view_drop_off",
        "total_completion_rate",
    ):
        assert user[metric] == ex[metric], metric
    entries = report(
        warehouse,
        "USER_ENGAGEMENT",
        ex["partner_id"],
        ex["day"],
        ex["day"],
        "--object-ids",
        ex["user_id"],
    )
    entry = keyed(entries, "entry_id")[ex["entry_id"]]
    assert entry["total_completion_rate"] == ex["total_completion_rate"]
    assert entry["avg_completion_rate"] == ex["avg_completion_rate"]


# -- INTERACTIVE_NODES, INTERACTIVE_HOTSPOTS --------------------------------------------------


def test_interactive_nodes(warehouse):
    ex = EXPECTED["interactive_nodes"]
    by_object = report(
        warehouse,
        "INTERACTIVE_NODES",
        ex["partner_id"],
        MONDAY,
        TUESDAY,
        "--object-ids",
        ex["root_entry_id"],
    )
    by_filter = report(
        warehouse,
        "INTERACTIVE_NODES",
        ex["partner_id"],
        MONDAY,
        TUESDAY,
        "--entry-id-in",
        ex["root_entry_id"],
    )
    assert by_object["rows"] == by_filter["rows"]
    assert by_object["totals"] == by_filter["totals"] == ex["totals"]
    nodes = keyed(by_object, "node_id")
    assert list(nodes) == list(ex["nodes"])  # default order: -count_node_plays
    for node_id, figures in ex["nodes"].items():
        assert nodes[node_id]["root_entry_id"] == ex["root_entry_id"]
        for metric, value in figures.items():
            assert nodes[node_id][metric] == value, (node_id, metric)


def test_interactive_nodes_one_day_and_every_video(warehouse):
    ex = EXPECTED["interactive_nodes"]
    monday = keyed(
        report(
            warehouse,
            "INTERACTIVE_NODES",
            ex["partner_id"],
            MONDAY,
            MONDAY,
            "--object-ids",
            ex["root_entry_id"],
        ),
        "node_id",
    )
    for node_id, figures in ex["monday"].items():
        assert monday[node_id]["count_node_plays"] == figures["count_node_plays"]
        assert monday[node_id]["unique_known_users"] == figures["unique_known_users"]
        assert monday[node_id]["node_avg_completion_rate"] == figures["rate"]
    rows = report_csv(warehouse, "INTERACTIVE_NODES", ex["partner_id"], MONDAY, TUESDAY)
    solo = {row["node_id"]: row for row in rows}[ex["solo"]["node_id"]]
    assert int(solo["node_level"]) == ex["solo"]["node_level"]
    assert float(solo["node_avg_completion_rate"]) == ex["solo"]["node_avg_completion_rate"]


def test_interactive_hotspots(warehouse):
    ex = EXPECTED["interactive_hotspots"]
    payload = report(
        warehouse,
        "INTERACTIVE_HOTSPOTS",
        ex["partner_id"],
        MONDAY,
        TUESDAY,
        "--entry-id-in",
        cases.PATH_ROOT,
    )
    hotspots = keyed(payload, "hotspot_id")
    assert set(hotspots) == set(ex["hotspots"])
    for hotspot_id, figures in ex["hotspots"].items():
        for metric, value in figures.items():
            assert hotspots[hotspot_id][metric] == value, (hotspot_id, metric)
    assert payload["totals"] == ex["totals"]
    rows = report_csv(
        warehouse,
        "INTERACTIVE_HOTSPOTS",
        ex["partner_id"],
        MONDAY,
        TUESDAY,
        "--object-ids",
        cases.NODE_BRANCH,
    )
    assert [row["hotspot_id"] for row in rows] == [cases.HOTSPOT_MORE]
    assert rows[0]["node_level"] == "1" and rows[0]["destination_type"] == "url"


def test_report_types_lists_the_segments_group():
    result = CliRunner().invoke(main, ["report-types"], catch_exceptions=False)
    assert result.exit_code == 0
    for name in ("PERCENTILES", "USER_ENGAGEMENT", "INTERACTIVE_NODES", "INTERACTIVE_HOTSPOTS"):
        assert f"{name}:" in result.output
