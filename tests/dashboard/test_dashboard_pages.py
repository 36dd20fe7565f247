"""The dashboards in a real headless Chromium: every page loads from file:// with no console
error and no request leaving the machine, every chart is drawn, and the charts hold the figures
written by hand in tests/fixtures (worked_examples.py, segments_cases.py) and
tests/dashboard/cases.py; the CSV exports are the `video-insights report` CSVs.

Screenshots of every page land in the pytest tmp dir and test-artifacts/dashboard/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.dashboard import cases
from tests.fixtures import segments_cases as sc
from video_insights.cli import main

EX7 = cases.EX7
PARTNER = f"partner-{EX7['partner_id']}"


def pages_of(site: Path) -> list[Path]:
    return [site / "index.html", *sorted((site).glob("partner-*/*.html"))]


def test_every_page_loads_offline_without_errors(sites, open_page):
    opened = 0
    for name, site in sites.items():
        for path in pages_of(site):
            loaded = open_page(path, f"{name}-{path.parent.name}-{path.stem}")
            charts = loaded.page.locator("div.chart").count()
            drawn = loaded.page.locator("div.chart[data-drawn='true']").count()
            assert loaded.console_errors == [], (path, loaded.console_errors)
            assert loaded.outside_requests == [], (path, loaded.outside_requests)
            assert drawn == charts, (path, drawn, charts)
            assert loaded.screenshot is not None and loaded.screenshot.stat().st_size > 10_000
            if path.name != "index.html":
                assert charts >= 2, path
                # the chart library is the site's own copy
                assert any(url.endswith("/assets/plotly.min.js") for url in loaded.requests)
            opened += 1
    # ex7: overview, entry, interactive, QoS, usage; segments: entry; paths: interactive; indexes
    assert opened == 5 + 1 + 1 + 3


def test_overview_charts_hold_the_hand_computed_figures(sites, open_page):
    loaded = open_page(sites["ex7"] / PARTNER / "overview.html")
    page = loaded.page

    performance = {t["meta"]: t for t in loaded.figure("overview-performance")}
    assert performance["count_plays"]["x"] == EX7["days"]
    assert performance["count_plays"]["y"] == EX7["plays_by_day"]
    assert performance["count_loads"]["y"] == EX7["loads_by_day"]
    # the three visible lines drew one marker per day
    points = page.locator("#overview-performance .scatterlayer .trace .points path")
    assert points.count() == 3 * len(EX7["days"])

    (funnel,) = loaded.figure("overview-funnel")
    assert funnel["type"] == "funnel"
    assert funnel["x"] == EX7["funnel"]

    (top,) = loaded.figure("overview-top-videos")
    assert dict(zip(top["y"], top["x"], strict=True)) == EX7["top_videos"]
    assert page.locator("#overview-top-videos .barlayer .point").count() == 2

    (countries,) = loaded.figure("overview-countries")
    assert dict(zip(countries["y"], countries["x"], strict=True)) == EX7["countries"]

    for metric, (value, previous, change) in EX7["highlights"].items():
        card = page.locator(f"#highlights .kpi[data-metric='{metric}']")
        assert card.get_attribute("data-value") == str(value)
        assert card.get_attribute("data-previous") == str(previous)
        assert float(card.get_attribute("data-change")) == change


def test_country_drill_down_to_regions_and_cities(sites, open_page):
    page = open_page(sites["ex7"] / PARTNER / "overview.html").page
    country = page.locator("#countries details.drill", has_text="United States").first
    region_table = country.locator("table").first
    assert not region_table.is_visible()
    country.locator("summary").first.click()
    assert region_table.is_visible()
    assert region_table.locator("tbody tr td").first.inner_text() == EX7["region"]
    region = country.locator("details.child", has_text=EX7["region"])
    region.locator("summary").click()
    assert region.locator("tbody tr td").first.inner_text() == EX7["city"]


def test_hover_shows_the_exact_value(sites, open_page):
    page = open_page(sites["ex7"] / PARTNER / "overview.html").page
    bar = page.locator("#overview-top-videos .barlayer .point path").first
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    hover = page.locator("#overview-top-videos .hoverlayer .hovertext")
    hover.wait_for()
    lines = hover.locator("text tspan.line").all_text_contents()
    assert lines == ["Top", "Plays: 4"], hover.text_content()


def test_entry_page_views_over_duration_and_heat_map(sites, open_page):
    expected = sc.EXPECTED["percentiles"]
    loaded = open_page(sites["segments"] / "partner-301" / "entry-1_seg100.html")
    views = {t["meta"]: t for t in loaded.figure("entry-1_seg100-views-over-duration")}
    assert views["count_viewers"]["x"] == list(range(1, 101))
    assert views["count_viewers"]["y"] == expected["count_viewers"]
    assert views["unique_known_users"]["y"] == expected["unique_known_users"]
    markers = loaded.page.locator(
        "#entry-1_seg100-views-over-duration .scatterlayer .trace:first-child .points path"
    )
    assert markers.count() == 100

    (heat,) = loaded.figure("entry-1_seg100-heat-map")
    assert heat["type"] == "heatmap"
    rows = dict(zip(heat["y"], heat["text"], strict=True))
    assert rows["Alice Example"] == sc.EXPECTED["heat_map"]["tiers"]
    assert set(rows) == {"Alice Example", "Bob Example", "Unknown"}


def test_interactive_page_nodes_and_hotspots(sites, open_page):
    loaded = open_page(sites["paths"] / "partner-302" / "interactive.html")
    (nodes,) = loaded.figure("interactive-nodes")
    plays = dict(zip(nodes["x"], nodes["y"], strict=True))
    for node in sc.EXPECTED["interactive_nodes"]["nodes"].values():
        assert plays[node["node_name"]] == node["count_node_plays"]
    (hotspots,) = loaded.figure("interactive-hotspots")
    clicks = dict(zip(hotspots["y"], hotspots["x"], strict=True))
    assert clicks == {
        h["hotspot_name"]: h["count_hotspot_clicked"]
        for h in sc.EXPECTED["interactive_hotspots"]["hotspots"].values()
    }


def test_csv_exports_are_the_report_commands_csv(sites, warehouse):
    site = sites["ex7"]
    html = (site / PARTNER / "overview.html").read_text()
    links = re.findall(r'class="csv" href="([^"]+)"', html)
    assert links and all((site / PARTNER / link).exists() for link in links)
    result = CliRunner().invoke(
        main,
        [
            "report",
            "TOP_CONTENT",
            "--partner-id",
            str(EX7["partner_id"]),
            "--from-day",
            cases.MONDAY.isoformat(),
            "--to-day",
            cases.TUESDAY.isoformat(),
            "--order",
            "-engagement_ranking",
            "--format",
            "csv",
            "--warehouse",
            str(warehouse),
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0
    exported = (site / PARTNER / "csv" / "overview-top-videos.csv").read_text()
    assert exported.strip() == result.output.strip()


def test_bad_input_is_a_message(warehouse, tmp_path):
    result = CliRunner().invoke(
        main,
        [
            "dashboard",
            "--partner-id",
            "107",
            "--from-day",
            "2026-11-03",
            "--to-day",
            "2026-11-02",
            "--out",
            str(tmp_path / "x"),
            "--warehouse",
            str(warehouse),
        ],
    )
    assert result.exit_code == 1
    assert "--to-day 2026-11-02 is before --from-day 2026-11-03" in result.output
    missing = CliRunner().invoke(
        main,
        [
            "dashboard",
            "--partner-id",
            "107",
            "--from-day",
            "2026-11-02",
            "--to-day",
            "2026-11-03",
            "--out",
            str(tmp_path / "y"),
            "--warehouse",
            str(tmp_path / "none"),
        ],
    )
    assert missing.exit_code == 1
    assert "no published warehouse" in missing.output


@pytest.fixture(scope="module")
def nightly_site(warehouse):
    from video_insights.dashboard.nightly import render_nightly_site

    # one partner keeps the test short; the DAG's run over every partner is in tests/e2e
    return render_nightly_site(
        warehouse,
        "2026-11-03T00:00:00+00:00",
        "2026-11-04T00:00:00+00:00",
        partner_ids=[EX7["partner_id"]],
    )


def test_nightly_default_set_with_docs(nightly_site, warehouse, open_page):
    site = Path(nightly_site["site"])
    assert site == Path(warehouse).resolve() / "site"
    assert (nightly_site["from_day"], nightly_site["to_day"]) == ("2026-10-05", "2026-11-03")
    # worked example 7's partner: its overview over 30 days and its two entries' pages
    folder = site / PARTNER
    assert sorted(p.name for p in folder.glob("*.html")) == [
        "entry-1_ex7_a.html",
        "entry-1_ex7_b.html",
        "overview.html",
    ]
    loaded = open_page(folder / "overview.html", "nightly-overview")
    assert loaded.console_errors == [] and loaded.outside_requests == []
    performance = {t["meta"]: t for t in loaded.figure("overview-performance")}
    assert len(performance["count_plays"]["x"]) == 30
    assert sum(performance["count_plays"]["y"]) == sum(EX7["plays_by_day"])
    # the dbt docs (static, offline) and the GX Data Docs of the night are one click away
    assert nightly_site["dbt_docs"] and nightly_site["gx_docs"]
    dbt_docs = (site / "docs" / "dbt" / "index.html").read_text()
    assert "fct_daily_entry_viewer_metrics" in dbt_docs
    assert (site / "docs" / "quality" / "index.html").exists()
    index = open_page(site / "index.html")
    for href in ("docs/dbt/index.html", "docs/quality/index.html", f"{PARTNER}/overview.html"):
        assert index.page.locator(f"a[href='{href}']").count() >= 1
