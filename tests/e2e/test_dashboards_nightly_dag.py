"""The DAG's render_dashboards task after publish (real Airflow, on the shared simulated nights):
the default set lands in <warehouse>/site with the dbt docs and GX Data Docs beside it."""

from __future__ import annotations

from tests.e2e.conftest import E2E_DAYS


def test_render_dashboards_task_wrote_the_default_site(airflow_warehouse):
    site = airflow_warehouse.root / "site"
    index = (site / "index.html").read_text()
    with_pages = sorted(path.parent.name for path in site.glob("partner-*/overview.html"))
    assert len(with_pages) >= 2  # the simulation's two partners
    for folder in with_pages:
        assert f"{folder}/overview.html" in index
        # the top entries of the 30 days ending at the last night have their own pages
        assert 1 <= len(list((site / folder).glob("entry-*.html"))) <= 3
        assert list((site / folder / "csv").glob("overview-*.csv"))
    overview = (site / with_pages[0] / "overview.html").read_text()
    assert f"{E2E_DAYS[-1]}" in overview
    assert (site / "assets" / "plotly.min.js").stat().st_size > 1_000_000
    assert "fct_daily_entry_viewer_metrics" in (site / "docs" / "dbt" / "index.html").read_text()
    assert (site / "docs" / "quality" / "index.html").exists()
    # the site was swapped in whole: no half-written folder left behind
    assert not (airflow_warehouse.tmp / "site-new").exists()
