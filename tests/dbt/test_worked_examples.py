"""metrics.md worked examples 1-8, landed and built by dbt, checked in the built DuckDB file.

Expected figures come from tests/fixtures/worked_examples.py (written by hand from the spec).
Ranges over several days are computed the way the report command does: sums of the additive
columns of fct_daily_entry_viewer_metrics and the DuckDB metric macros stored in the file.
"""

from __future__ import annotations

import math

import pytest

from tests.fixtures.worked_examples import EXPECTED

MODELS = {
    "stg_kava__beacons",
    "stg_kava__entries",
    "stg_kava__categories",
    "stg_kava__partners",
    "stg_kava__users",
    "stg_kava__usage",
    "stg_landing__quarantine",
    "stg_landing__manifest",
    "int_partners_latest",
    "int_entries_latest",
    "int_categories_latest",
    "int_users_latest",
    "int_usage_latest",
    "int_beacons_deduped",
    "int_play_beacons",
    "int_watched_intervals",
    "int_plays",
    "int_beacon_partitions_taken_in",
    "int_side_feed_files_taken_in",
    "int_beacon_partitions_set_aside",
    "dim_partners",
    "dim_entries",
    "dim_categories",
    "dim_users",
    "fct_plays",
    "fct_daily_entry_viewer_metrics",
    "rpt_highlights_daily",
    "rpt_performance_over_time_monthly",
    "rpt_top_content_daily",
    "rpt_content_dropoff_daily",
    # category group
    "dim_category_hierarchy",
    "dim_entry_categories",
    "dim_entry_chargeback_categories",
    "fct_entries_added",
    "fct_daily_entry_bandwidth",
    "fct_daily_usage",
    "rpt_category_highlights_daily",
    "rpt_usage_monthly",
    "rpt_usage_by_category_monthly",
    # audience group
    "rpt_map_overlay_daily",
    "rpt_platforms_daily",
    "rpt_top_syndication_daily",
    "rpt_top_playback_context_daily",
    # qoe group
    "fct_qoe_plays",
    "fct_qoe_sessions",
    "fct_qoe_play_requests",
    "fct_daily_qoe_metrics",
    "fct_live_session_minutes",
    "rpt_qoe_daily",
    "rpt_live_hourly",
    # segments group
    "fct_daily_entry_viewer_segments",
    "dim_interactive_nodes",
    "dim_interactive_hotspots",
    "fct_daily_interactive_node_metrics",
    "fct_daily_hotspot_clicks",
    "rpt_user_engagement_daily",
    "rpt_interactive_nodes_daily",
    "rpt_interactive_hotspots_daily",
}


def one(rows: list[dict]) -> dict:
    assert len(rows) == 1, rows
    return rows[0]


def test_build_runs_every_model_and_the_dbt_tests_pass(examples_build):
    result = examples_build.result
    assert result.success
    assert result.tests_failed == 0, result.failed_tests
    assert result.tests_passed > 50
    built = {node.name for node in result.nodes if node.resource_type == "model"}
    assert built == MODELS
    assert result.models_built == len(MODELS)
    assert result.seeds_loaded == 1


def test_example_1_completion_and_drop_off(query):
    expected = EXPECTED["ex1"]
    row = one(
        query(
            "select * from rpt_top_content_daily where partner_id = ? and report_date = ?",
            expected["partner_id"],
            expected["day"],
        )
    )
    assert row["count_plays"] == expected["count_plays"]
    assert row["avg_completion_rate"] == pytest.approx(expected["avg_completion_rate"])
    assert row["avg_view_drop_off"] == pytest.approx(expected["avg_view_drop_off"])
    highlights = one(
        query("select * from rpt_highlights_daily where partner_id = ?", expected["partner_id"])
    )
    assert highlights["avg_completion_rate"] == pytest.approx(expected["avg_completion_rate"])
    assert highlights["avg_view_drop_off"] == pytest.approx(expected["avg_view_drop_off"])
    covered = [
        row["covered_segments"]
        for row in query(
            "select covered_segments from fct_plays where partner_id = ? order by covered_segments",
            expected["partner_id"],
        )
    ]
    assert covered == expected["play_covered_segments"]


def test_example_1_total_completion_rate_of_the_user(query):
    """Distinct segments the user covered in any play (one row per segment, counted here
    independently of the gaps-and-islands count of int_plays), through the stored macro."""
    expected = EXPECTED["ex1"]
    row = one(
        query(
            """
        with segments as (
            select distinct unnest(range(first_segment, last_segment + 1)) as segment
            from int_watched_intervals
            where partner_id = ? and entry_id = ? and user_id = ? and first_segment is not null
        )
        select count(*) as covered, total_completion_rate(count(*)) as total_completion_rate
        from segments
        """,
            expected["partner_id"],
            expected["entry_id"],
            expected["user_id"],
        )
    )
    assert row["covered"] == 80
    assert row["total_completion_rate"] == pytest.approx(expected["total_completion_rate"])


def test_example_2_quartile_minutes(query):
    expected = EXPECTED["ex2"]
    rows = query(
        "select entry_id, sum_time_viewed from rpt_top_content_daily where partner_id = ?",
        expected["partner_id"],
    )
    assert {row["entry_id"]: row["sum_time_viewed"] for row in rows} == pytest.approx(
        expected["sum_time_viewed"]
    )


def test_example_3_drop_off_from_counts(query):
    expected = EXPECTED["ex3"]
    funnel = one(
        query(
            "select * from rpt_content_dropoff_daily where partner_id = ?", expected["partner_id"]
        )
    )
    counts = tuple(funnel[f"count_plays_{quartile}"] for quartile in (25, 50, 75, 100))
    assert funnel["count_plays"] == expected["count_plays"]
    assert counts == expected["count_plays_quartiles"]
    assert funnel["play_through_ratio"] == pytest.approx(expected["play_through_ratio"])
    highlights = one(
        query("select * from rpt_highlights_daily where partner_id = ?", expected["partner_id"])
    )
    assert highlights["avg_view_drop_off"] == pytest.approx(expected["avg_view_drop_off"])


def test_example_4_play_impression_ratio_counts_duplicates_once(query):
    expected = EXPECTED["ex4"]
    highlights = one(
        query("select * from rpt_highlights_daily where partner_id = ?", expected["partner_id"])
    )
    assert highlights["count_loads"] == expected["count_loads"]
    assert highlights["count_plays"] == expected["count_plays"]
    assert highlights["load_play_ratio"] == pytest.approx(expected["load_play_ratio"])
    landed = one(
        query(
            "select count(*) as lines, count(distinct beacon_id) as beacons"
            " from stg_kava__beacons where partner_id = ?",
            expected["partner_id"],
        )
    )
    assert landed["lines"] - landed["beacons"] == expected["retried_beacons"]
    retried = query(
        "select event_type from int_beacons_deduped where partner_id = ? and copies_landed = 2"
        " order by event_type",
        expected["partner_id"],
    )
    assert [row["event_type"] for row in retried] == [1, 3]  # the IMPRESSION and the PLAY


def test_example_5_minutes_viewed_from_heartbeats(query):
    expected = EXPECTED["ex5"]
    highlights = one(
        query("select * from rpt_highlights_daily where partner_id = ?", expected["partner_id"])
    )
    assert highlights["count_plays"] == expected["count_plays"]
    assert highlights["sum_view_period"] == pytest.approx(expected["sum_view_period"])


def test_example_6_unique_viewers_are_not_additive(query):
    expected = EXPECTED["ex6"]
    daily = {
        row["report_date"]: row["unique_known_users"]
        for row in query(
            "select report_date, unique_known_users from rpt_highlights_daily where partner_id = ?",
            expected["partner_id"],
        )
    }
    assert daily == {
        expected["monday"]: expected["unique_monday"],
        expected["tuesday"]: expected["unique_tuesday"],
    }
    # Monday to Tuesday, as the report command computes a range: the viewer grain + the macro
    row = one(
        query(
            """
        select unique_known_users(user_id, count_plays) as unique_known_users
        from fct_daily_entry_viewer_metrics
        where partner_id = ? and report_date between ? and ? and playback_type = 'vod'
        """,
            expected["partner_id"],
            expected["monday"],
            expected["tuesday"],
        )
    )
    assert row["unique_known_users"] == expected["unique_range"]


def test_example_7_engagement_ranking(query):
    expected = EXPECTED["ex7"]
    rows = query(
        "select entry_id, engagement_ranking, avg_completion_rate from rpt_top_content_daily"
        " where partner_id = ? and report_date = ?",
        expected["partner_id"],
        expected["day"],
    )
    assert {row["entry_id"]: row["engagement_ranking"] for row in rows} == pytest.approx(
        expected["engagement_ranking"]
    )
    assert {row["entry_id"]: row["avg_completion_rate"] for row in rows} == pytest.approx(
        expected["avg_completion_rate"]
    )


def test_example_7_engagement_ranking_over_a_range_with_the_stored_macros(query):
    """TOP_CONTENT for an arbitrary range, the way the report command computes it."""
    expected = EXPECTED["ex7"]
    rows = query(
        """
        with per_entry as (
            select
                entry_id,
                sum(count_plays) as count_plays,
                unique_known_users(user_id, count_plays) as unique_known_users,
                avg_completion_rate(sum(sum_covered_segments), sum(count_plays))
                    as avg_completion_rate
            from fct_daily_entry_viewer_metrics
            where partner_id = ? and report_date between date '2026-10-01' and date '2026-11-30'
            group by all
        )
        select
            entry_id,
            engagement_ranking(
                count_plays, max(count_plays) over (), unique_known_users,
                max(unique_known_users) over (), avg_completion_rate
            ) as engagement_ranking
        from per_entry
        """,
        expected["partner_id"],
    )
    assert {row["entry_id"]: row["engagement_ranking"] for row in rows} == pytest.approx(
        expected["engagement_ranking"]
    )


def test_example_8_play_counts_on_the_partner_local_day(query):
    expected = EXPECTED["ex8"]
    play = one(
        query(
            "select report_date, started_at from fct_plays where partner_id = ?",
            expected["partner_id"],
        )
    )
    assert play["report_date"] == expected["report_date"]
    assert play["started_at"].isoformat() == "2026-11-03T03:30:00"
    highlights = one(
        query(
            "select report_date, count_plays from rpt_highlights_daily where partner_id = ?",
            expected["partner_id"],
        )
    )
    assert highlights == {
        "report_date": expected["report_date"],
        "count_plays": expected["count_plays"],
    }
    partner = one(
        query(
            "select report_timezone from dim_partners where partner_id = ?", expected["partner_id"]
        )
    )
    assert partner["report_timezone"] == "America/Chicago"


def test_unknown_time_zone_reports_in_utc(query):
    expected = EXPECTED["bad_timezone"]
    partner = one(
        query(
            "select report_timezone, declared_timezone from dim_partners where partner_id = ?",
            expected["partner_id"],
        )
    )
    assert partner == {"report_timezone": "UTC", "declared_timezone": "Mars/Olympus_Mons"}
    play = one(
        query("select report_date from fct_plays where partner_id = ?", expected["partner_id"])
    )
    assert play["report_date"] == expected["report_date"]


def test_records_missing_from_the_side_feeds_show_as_unknown(query):
    expected = EXPECTED["no_feed"]
    partner = one(
        query(
            "select partner_name, report_timezone, is_in_feed from dim_partners"
            " where partner_id = ?",
            expected["partner_id"],
        )
    )
    assert partner == {
        "partner_name": expected["name"],
        "report_timezone": "UTC",
        "is_in_feed": False,
    }
    entry = one(
        query(
            "select entry_name, partner_id, duration_secs, is_in_feed from dim_entries"
            " where entry_id = ?",
            expected["entry_id"],
        )
    )
    assert entry == {
        "entry_name": expected["name"],
        "partner_id": expected["partner_id"],
        "duration_secs": None,
        "is_in_feed": False,
    }
    top = one(
        query(
            "select entry_name, count_plays, report_date from rpt_top_content_daily"
            " where partner_id = ?",
            expected["partner_id"],
        )
    )
    assert top == {
        "entry_name": expected["name"],
        "count_plays": 1,
        "report_date": expected["report_date"],
    }


def test_ratios_with_a_zero_denominator_are_zero(query):
    expected = EXPECTED["zero_plays"]
    highlights = one(
        query("select * from rpt_highlights_daily where partner_id = ?", expected["partner_id"])
    )
    assert highlights["count_loads"] == expected["count_loads"]
    assert highlights["count_plays"] == expected["count_plays"]
    for metric in ("avg_completion_rate", "avg_view_drop_off", "sum_view_period"):
        assert highlights[metric] == 0.0
    funnel = one(
        query(
            "select play_through_ratio from rpt_content_dropoff_daily where partner_id = ?",
            expected["partner_id"],
        )
    )
    assert funnel["play_through_ratio"] == 0.0
    top = one(
        query(
            "select engagement_ranking from rpt_top_content_daily where partner_id = ?",
            expected["partner_id"],
        )
    )
    assert top["engagement_ranking"] == 0.0
    macros = one(
        query(
            """
        select
            safe_ratio(1, 0) as safe_ratio,
            load_play_ratio(3, 0) as load_play_ratio,
            play_through_ratio(0, 0) as play_through_ratio,
            avg_view_drop_off(0, 0, 0, 0, 0) as avg_view_drop_off,
            avg_completion_rate(0, 0) as avg_completion_rate,
            avg_view_period_time(120, 0) as avg_view_period_time,
            plays_distribution(5, 0) as plays_distribution,
            engagement_ranking(0, 0, 0, 0, 0) as engagement_ranking,
            safe_ratio(0.0, 0.0) as zero_by_zero,
            safe_ratio(null, null) as null_by_null
        """
        )
    )
    assert macros == dict.fromkeys(macros, 0.0)


def test_no_ratio_in_the_reports_is_nan_or_null(query):
    for table, columns in {
        "rpt_highlights_daily": [
            "avg_completion_rate",
            "avg_view_drop_off",
            "load_play_ratio",
            "sum_view_period",
        ],
        "rpt_top_content_daily": [
            "load_play_ratio",
            "sum_view_period",
            "sum_time_viewed",
            "avg_completion_rate",
            "avg_view_drop_off",
            "engagement_ranking",
        ],
        "rpt_content_dropoff_daily": ["play_through_ratio"],
        "rpt_performance_over_time_monthly": [
            "avg_completion_rate",
            "avg_view_drop_off",
            "load_play_ratio",
        ],
    }.items():
        for row in query(f"select {', '.join(columns)} from {table}"):
            for column, value in row.items():
                assert value is not None and not math.isnan(value), (table, column, row)


def test_monthly_report_counts_unique_viewers_over_the_month(query):
    expected = EXPECTED["ex6"]
    row = one(
        query(
            "select report_month, count_plays, unique_known_users"
            " from rpt_performance_over_time_monthly where partner_id = ?",
            expected["partner_id"],
        )
    )
    assert row["report_month"].isoformat() == "2026-11-01"
    assert row["count_plays"] == 4
    assert row["unique_known_users"] == expected["unique_range"]


def test_documented_columns_are_the_built_columns(query):
    """The yml of every mart and report lists exactly the columns the built table has."""
    from tests.dbt.test_dbt_project import model_entries

    for name, entry in model_entries().items():
        if not name.startswith(("dim_", "fct_", "rpt_")):
            continue
        built = [
            row["column_name"]
            for row in query(
                "select column_name from information_schema.columns where table_name = ?"
                " order by ordinal_position",
                name,
            )
        ]
        assert built == [column["name"] for column in entry["columns"]], name


def test_stored_macros_give_the_report_figures(query):
    """The DuckDB macros in the file and the Jinja macros behind the rpt_ tables agree."""
    rows = query(
        """
        with ranged as (
            select
                partner_id,
                report_date,
                sum(count_loads) as count_loads,
                sum(count_plays) as count_plays,
                sum(count_plays_25) as count_plays_25,
                sum(count_plays_50) as count_plays_50,
                sum(count_plays_75) as count_plays_75,
                sum(count_plays_100) as count_plays_100,
                sum(sum_view_period_secs) as sum_view_period_secs,
                sum(sum_covered_segments) as sum_covered_segments,
                unique_known_users(user_id, count_plays) as unique_known_users
            from fct_daily_entry_viewer_metrics
            where playback_type = 'vod'
            group by all
        )
        select
            ranged.partner_id,
            ranged.report_date,
            load_play_ratio(ranged.count_plays, ranged.count_loads)
                - highlights.load_play_ratio as load_play_ratio,
            avg_view_drop_off(ranged.count_plays_25, ranged.count_plays_50, ranged.count_plays_75,
                              ranged.count_plays_100, ranged.count_plays)
                - highlights.avg_view_drop_off as avg_view_drop_off,
            avg_completion_rate(ranged.sum_covered_segments, ranged.count_plays)
                - highlights.avg_completion_rate as avg_completion_rate,
            sum_view_period(ranged.sum_view_period_secs)
                - highlights.sum_view_period as sum_view_period,
            ranged.unique_known_users - highlights.unique_known_users as unique_known_users
        from ranged
        inner join rpt_highlights_daily as highlights
            on ranged.partner_id = highlights.partner_id
            and ranged.report_date = highlights.report_date
        """
    )
    assert len(rows) == len(query("select * from rpt_highlights_daily"))
    for row in rows:
        for metric, difference in row.items():
            if metric not in ("partner_id", "report_date"):
                assert difference == pytest.approx(0.0, abs=1e-12), (metric, row)
