"""The audience reports through the whole night (land, dbt, GX, publish) and `video-insights
report`: MAP_OVERLAY, PLATFORMS, TOP_SYNDICATION, TOP_PLAYBACK_CONTEXT and INTERACTIONS, their
drill-downs, and the viewer-context filters on the first slice's reports.

The beacons and every expected figure are the hand-built ones of tests/fixtures/audience_cases.py.
"""

from __future__ import annotations

import csv
import io
import json

import duckdb
import pytest
from click.testing import CliRunner

from tests.fixtures import audience_cases as ac
from tests.fixtures import worked_examples as wx
from video_insights.cli import main
from video_insights.pipeline import run_nightly

EXPECTED = ac.EXPECTED
METRICS = {
    "MAP_OVERLAY": (
        "count_plays",
        "plays_distribution",
        "count_loads",
        "unique_known_users",
        "avg_completion_rate",
    ),
    "PLATFORMS": (
        "count_plays",
        "plays_distribution",
        "count_loads",
        "unique_known_users",
        "sum_view_period",
        "avg_completion_rate",
    ),
    "TOP_SYNDICATION": (
        "count_loads",
        "load_play_ratio",
        "count_plays",
        "plays_distribution",
        "sum_view_period",
        "avg_completion_rate",
        "unique_played_videos",
    ),
    "TOP_PLAYBACK_CONTEXT": (
        "count_plays",
        "count_loads",
        "sum_view_period",
        "unique_known_users",
        "avg_completion_rate",
    ),
    "INTERACTIONS": (
        "count_viral",
        "count_download",
        "count_report_submitted",
        "count_captions",
        "count_speed",
        "count_fullscreen",
    ),
}
HIGHLIGHT_METRICS = (
    "count_loads",
    "count_plays",
    "unique_known_users",
    "sum_view_period",
    "avg_completion_rate",
    "load_play_ratio",
    "count_viral",
)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    base = tmp_path_factory.mktemp("audience-e2e")
    wx.write_inbox(base / "inbox", ac.beacons(), ac.side_feeds())
    run_nightly(base / "inbox", base / "warehouse", ac.DAY)
    return base / "warehouse"


def report(warehouse, report_type: str, *options: str, partner_id: int = ac.PARTNER, output="json"):
    args = [
        "report",
        report_type,
        "--partner-id",
        str(partner_id),
        "--from-day",
        ac.DAY.isoformat(),
        "--to-day",
        ac.DAY.isoformat(),
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


def keyed(payload, dims: tuple[str, ...], metrics: tuple[str, ...]) -> dict:
    """{dimension values: metric values} of a JSON result, after checking its columns."""
    assert payload["columns"] == [*dims, *metrics]
    return {
        tuple(record[d] for d in dims): tuple(record[m] for m in metrics)
        for record in payload["records"]
    }


def approx_rows(expected: dict) -> dict:
    return {key: pytest.approx(values, abs=1e-6) for key, values in expected.items()}


def test_the_fixture_places_and_platforms_are_what_landing_resolves(warehouse):
    """The hand-written geo and user-agent facts of the fixture hold in the landed data."""
    from video_insights.landing.geo import GeoLookup
    from video_insights.landing.useragent import parse_agent

    with GeoLookup() as geo:
        for ip, place in ac.PLACES.items():
            assert tuple(geo.lookup(ip)) == place, ip
    for agent, platform in ac.PLATFORMS.items():
        assert tuple(parse_agent(agent)) == platform, agent


def test_fact_grain_carries_the_viewer_context(warehouse):
    with duckdb.connect(str(warehouse / "published" / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute(
            "select distinct domain, canonical_url, playback_context"
            " from fct_daily_entry_viewer_metrics where partner_id = ? order by all",
            [ac.PARTNER],
        ).fetchall()
    assert rows == [
        (ac.UNKNOWN, ac.UNKNOWN, ac.UNKNOWN),  # s7: no referrer, no context
        (ac.UNKNOWN, ac.UNKNOWN, ac.UNLISTED),  # s4
        (ac.BLOG_DOMAIN, ac.BLOG_PAGE, ac.UNKNOWN),  # s3, s6 (base64 referrer)
        (ac.NEWS, ac.LIVE_PAGE, ac.SPORTS),  # s5
        (ac.NEWS, ac.STORY, ac.SPORTS),  # s1, s2, s8 (two queries, one page)
    ]


def test_highlights_of_the_partner(warehouse):
    payload = report(warehouse, "HIGHLIGHTS")
    (record,) = payload["records"]
    expected = EXPECTED["highlights"]
    assert {m: record[m] for m in expected} == pytest.approx(expected, abs=1e-6)


def test_map_overlay_countries(warehouse):
    payload = report(warehouse, "MAP_OVERLAY")
    rows = keyed(payload, ("country", "country_name"), METRICS["MAP_OVERLAY"])
    assert rows == approx_rows(EXPECTED["map_countries"])
    assert [r["country"] for r in payload["records"]] == ["US", "GB"]  # -count_plays
    totals = payload["totals"]
    highlights = EXPECTED["highlights"]
    assert totals["count_plays"] == highlights["count_plays"]
    assert totals["count_loads"] == highlights["count_loads"]
    assert totals["unique_known_users"] == highlights["unique_known_users"]
    assert totals["avg_completion_rate"] == pytest.approx(highlights["avg_completion_rate"])
    assert totals["plays_distribution"] == 1.0
    assert sum(r["plays_distribution"] for r in payload["records"]) == pytest.approx(1.0)


def test_map_overlay_drills_country_region_city_with_exact_uniques(warehouse):
    regions = report(warehouse, "MAP_OVERLAY", "--object-ids", "US")
    dims = ("country", "country_name", "region")
    assert keyed(regions, dims, METRICS["MAP_OVERLAY"]) == approx_rows(EXPECTED["map_us_regions"])
    assert {k: regions["totals"][k] for k in EXPECTED["map_us_totals"]} == EXPECTED["map_us_totals"]
    # alice watched in Wisconsin and in Texas: region viewers 1 + 2, the US's 2
    assert sum(r["unique_known_users"] for r in regions["records"]) == 3
    assert sum(r["plays_distribution"] for r in regions["records"]) == pytest.approx(1.0)

    cities = report(warehouse, "MAP_OVERLAY", "--object-ids", "Texas")
    dims = ("country", "country_name", "region", "city")
    assert keyed(cities, dims, METRICS["MAP_OVERLAY"]) == approx_rows(EXPECTED["map_texas_cities"])
    totals = {k: cities["totals"][k] for k in EXPECTED["map_texas_totals"]}
    assert totals == EXPECTED["map_texas_totals"]

    gb = report(warehouse, "MAP_OVERLAY", "--object-ids", "GB")
    dims = ("country", "country_name", "region")
    assert keyed(gb, dims, METRICS["MAP_OVERLAY"]) == approx_rows(EXPECTED["map_gb_regions"])


def test_map_overlay_drill_within_a_country_filter(warehouse):
    """A region drilled with --country-in keeps to that country; another country gives none."""
    within = report(warehouse, "MAP_OVERLAY", "--object-ids", "Texas", "--country-in", "US")
    assert len(within["records"]) == 2
    elsewhere = report(warehouse, "MAP_OVERLAY", "--object-ids", "Texas", "--country-in", "GB")
    assert elsewhere["records"] == []
    assert elsewhere["totals"]["count_plays"] == 0


def test_map_overlay_csv(warehouse):
    text = report(warehouse, "MAP_OVERLAY", "--object-ids", "Texas", output="csv")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["country", "country_name", "region", "city", *METRICS["MAP_OVERLAY"]]
    # -count_plays ties (2 and 2) fall back to the dimensions: Houston before Richmond
    assert rows[1] == ["US", "United States", "Texas", "Houston", "2", "0.5", "2", "2", "60.0"]
    assert rows[2] == ["US", "United States", "Texas", "Richmond", "2", "0.5", "2", "2", "10.0"]
    assert len(rows) == 3


def test_platforms_devices(warehouse):
    payload = report(warehouse, "PLATFORMS")
    rows = keyed(payload, ("device",), METRICS["PLATFORMS"])
    assert rows == approx_rows(EXPECTED["platform_devices"])
    assert payload["totals"]["unique_known_users"] == EXPECTED["highlights"]["unique_known_users"]
    assert payload["totals"]["sum_view_period"] == pytest.approx(26.0)
    assert sum(r["plays_distribution"] for r in payload["records"]) == pytest.approx(1.0)


def test_platforms_drill_device_os_browser(warehouse):
    oses = report(warehouse, "PLATFORMS", "--object-ids", "Desktop")
    rows = keyed(oses, ("device", "os"), METRICS["PLATFORMS"])
    assert rows == approx_rows(EXPECTED["platform_desktop_os"])
    # Desktop viewers: alice, bob, carol, Unknown = 4 (Windows 3 + Mac OS X 1, no overlap)
    assert oses["totals"]["unique_known_users"] == 4

    browsers = report(warehouse, "PLATFORMS", "--object-ids", "Windows")
    rows = keyed(browsers, ("device", "os", "browser"), METRICS["PLATFORMS"])
    assert rows == approx_rows(EXPECTED["platform_windows_browsers"])
    # Windows: {alice, bob, Unknown} = 3, Chrome 2 + Firefox 1
    assert browsers["totals"]["unique_known_users"] == 3

    ios = report(warehouse, "PLATFORMS", "--object-ids", "iOS")
    rows = keyed(ios, ("device", "os", "browser"), METRICS["PLATFORMS"])
    assert rows == approx_rows(EXPECTED["platform_ios_browsers"])
    assert ios["totals"]["count_loads"] == 3  # s2 s4 s6
    mobile_only = report(warehouse, "PLATFORMS", "--object-ids", "iOS", "--device-in", "Mobile")
    assert [r["device"] for r in mobile_only["records"]] == ["Mobile"]


def test_top_syndication_domains_and_pages(warehouse):
    domains = report(warehouse, "TOP_SYNDICATION")
    rows = keyed(domains, ("domain",), METRICS["TOP_SYNDICATION"])
    assert rows == approx_rows(EXPECTED["syndication_domains"])
    totals = {k: domains["totals"][k] for k in EXPECTED["syndication_totals"]}
    assert totals == EXPECTED["syndication_totals"]
    assert domains["totals"]["load_play_ratio"] == pytest.approx(7 / 8)
    assert sum(r["plays_distribution"] for r in domains["records"]) == pytest.approx(1.0)

    pages = report(warehouse, "TOP_SYNDICATION", "--object-ids", ac.NEWS)
    rows = keyed(pages, ("domain", "canonical_url"), METRICS["TOP_SYNDICATION"])
    assert rows == approx_rows(EXPECTED["syndication_news_pages"])
    totals = {k: pages["totals"][k] for k in EXPECTED["syndication_news_totals"]}
    assert totals == EXPECTED["syndication_news_totals"]


def test_top_syndication_csv(warehouse):
    text = report(warehouse, "TOP_SYNDICATION", "--order", "domain", output="csv")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["domain", *METRICS["TOP_SYNDICATION"]]
    assert [row[0] for row in rows[1:]] == ["Unknown", "blog.example.org", "news-site.com"]
    assert rows[2] == ["blog.example.org", "2", "0.5", "1", "0.142857", "10.0", "100.0", "1"]


def test_top_playback_context(warehouse):
    payload = report(warehouse, "TOP_PLAYBACK_CONTEXT")
    rows = keyed(
        payload, ("playback_context", "playback_context_name"), METRICS["TOP_PLAYBACK_CONTEXT"]
    )
    assert rows == approx_rows(EXPECTED["playback_contexts"])
    assert payload["totals"]["unique_known_users"] == 4
    assert payload["totals"]["count_loads"] == 8


def test_interactions(warehouse):
    payload = report(warehouse, "INTERACTIONS")
    rows = keyed(payload, ("entry_id", "entry_name"), METRICS["INTERACTIONS"])
    assert rows == EXPECTED["interactions"]
    totals = {k: payload["totals"][k] for k in EXPECTED["interactions_totals"]}
    assert totals == EXPECTED["interactions_totals"]


@pytest.mark.parametrize("option", list(EXPECTED["highlights_filtered"]))
def test_highlights_under_a_context_filter(warehouse, option):
    (record,) = report(warehouse, "HIGHLIGHTS", *option)["records"]
    expected = EXPECTED["highlights_filtered"][option]
    assert tuple(record[m] for m in HIGHLIGHT_METRICS) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("option", list(EXPECTED["highlights_plays_viewers"]))
def test_every_context_filter_applies_to_highlights(warehouse, option):
    (record,) = report(warehouse, "HIGHLIGHTS", *option)["records"]
    expected = EXPECTED["highlights_plays_viewers"][option]
    assert (record["count_plays"], record["unique_known_users"]) == expected


def test_context_filter_on_top_content_and_csv(warehouse):
    payload = report(warehouse, "TOP_CONTENT", "--country-in", "GB")
    assert {r["entry_id"]: r["count_plays"] for r in payload["records"]} == EXPECTED[
        "top_content_gb"
    ]
    text = report(warehouse, "HIGHLIGHTS", "--device-in", "Mobile", output="csv")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:2] == ["count_loads", "count_plays"]
    assert rows[1][:3] == ["2", "1", "1"]


def test_entries_and_categories_are_keyed_by_partner(warehouse):
    """Partner 302's 1_aud_a (1200 s, "Other A") and cat-10 ("Other sports") are its own."""
    expected = EXPECTED["other_partner"]
    top = report(warehouse, "TOP_CONTENT", partner_id=ac.OTHER_PARTNER)
    (entry,) = top["records"]
    assert entry["entry_name"] == expected["entry_name"]
    assert entry["count_plays"] == expected["count_plays"]
    assert entry["avg_completion_rate"] == pytest.approx(expected["avg_completion_rate"])
    contexts = report(warehouse, "TOP_PLAYBACK_CONTEXT", partner_id=ac.OTHER_PARTNER)
    assert [r["playback_context_name"] for r in contexts["records"]] == [expected["context_name"]]
    interactions = report(warehouse, "INTERACTIONS")
    names = {r["entry_id"]: r["entry_name"] for r in interactions["records"]}
    assert names[ac.ENTRY_A] == "Audience A"


def test_analyst_tables_match_the_reports(warehouse):
    """The rpt_ tables of one day give the report command's rows (uniques exact per row)."""
    with duckdb.connect(str(warehouse / "published" / "warehouse.duckdb"), read_only=True) as con:
        cities = con.execute(
            "select country, region, city, count_plays, unique_known_users, avg_completion_rate"
            " from rpt_map_overlay_daily where partner_id = ? and region = 'Texas' order by city",
            [ac.PARTNER],
        ).fetchall()
        platforms = con.execute(
            "select sum(count_plays), sum(plays_distribution) from rpt_platforms_daily"
            " where partner_id = ? and report_date = ?",
            [ac.PARTNER, ac.DAY],
        ).fetchone()
        pages = con.execute(
            "select canonical_url, count_loads, unique_played_videos from rpt_top_syndication_daily"
            " where partner_id = ? and domain = ? order by canonical_url",
            [ac.PARTNER, ac.NEWS],
        ).fetchall()
        contexts = con.execute(
            "select playback_context, playback_context_name, unique_known_users"
            " from rpt_top_playback_context_daily where partner_id = ? order by playback_context",
            [ac.PARTNER],
        ).fetchall()
    # Houston s2 s3 {alice, bob} (20+100)/2; Richmond s4 s8 {bob, alice} (10+10)/2
    assert cities == [
        ("US", "Texas", "Houston", 2, 2, pytest.approx(60.0)),
        ("US", "Texas", "Richmond", 2, 2, pytest.approx(10.0)),
    ]
    assert platforms == (7, pytest.approx(1.0))
    # live/other s5: 1 load, {A}; watch/story s1 s2 s8: 3 loads, {A}
    assert pages == [(ac.LIVE_PAGE, 1, 1), (ac.STORY, 3, 1)]
    assert contexts == [
        (ac.UNKNOWN, ac.UNKNOWN, 2),  # s3 s7: bob, Unknown
        (ac.SPORTS, "Sports", 2),  # alice, carol
        (ac.UNLISTED, ac.UNLISTED, 1),  # bob
    ]
