"""The nightly default dashboards, rendered after publish into ``<warehouse>/site/``.

For each partner of the published night: its overview over the last :data:`DAYS` days ending at
the night, and an entry page for each of its top :data:`TOP_ENTRIES` videos of that range (the
QoS, usage, interactive and category pages are a `video-insights dashboard` away: each page
costs a dozen report queries, so the night renders the pages people open first). The site is
written into a fresh folder beside the old one and swapped in with renames, so a reader never
sees half a site.
"""

from __future__ import annotations

import logging
import shutil
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from video_insights.config import WarehousePaths
from video_insights.log import log_event

logger = logging.getLogger(__name__)

DAYS = 30
TOP_ENTRIES = 3
NIGHTLY_KINDS = ("overview", "entry")


def site_dir(warehouse: WarehousePaths) -> Path:
    return warehouse.root / "site"


def night_of(data_interval_start: datetime | date | str) -> date:
    """The night's day: the start of the run's data interval ``[D 00:00, D+1 00:00)``."""
    if isinstance(data_interval_start, str):
        return date.fromisoformat(data_interval_start[:10])
    if isinstance(data_interval_start, datetime):
        return data_interval_start.date()
    return data_interval_start


def _partners(warehouse: WarehousePaths, from_day: date, to_day: date) -> list[int]:
    import duckdb

    with duckdb.connect(str(warehouse.published_db), read_only=True) as con:
        rows = con.execute(
            "select partner_id from dim_partners union "
            "select distinct partner_id from fct_daily_entry_viewer_metrics "
            "where report_date between ? and ? order by 1",
            [from_day, to_day],
        ).fetchall()
    return [int(row[0]) for row in rows]


def _top_entries(warehouse: WarehousePaths, partner_id: int, from_day: date, to_day: date):
    from video_insights.reports.engine import ReportRequest, run_report

    result = run_report(
        ReportRequest(
            "TOP_CONTENT",
            partner_id,
            from_day,
            to_day,
            order="-engagement_ranking",
            limit=TOP_ENTRIES,
        ),
        warehouse,
    )
    index = result.columns.index("entry_id")
    return [str(row[index]) for row in result.rows]


def render_nightly_site(
    warehouse: WarehousePaths | Path | str,
    data_interval_start: datetime | date | str,
    data_interval_end: datetime | date | str | None = None,
    *,
    docs: bool = True,
    partner_ids: list[int] | None = None,
) -> dict[str, Any]:
    """Render the default set for the night; ``docs`` also (re)generates the dbt docs page;
    ``partner_ids`` narrows the partners (default: every partner of the published warehouse)."""
    from video_insights.dashboard import site as S
    from video_insights.dashboard.docs import generate_dbt_docs, link_docs

    paths = warehouse if isinstance(warehouse, WarehousePaths) else WarehousePaths.at(warehouse)
    started = time.perf_counter()
    to_day = night_of(data_interval_start)
    from_day = to_day - timedelta(days=DAYS - 1)
    target = site_dir(paths)
    fresh = paths.tmp / "site-new"
    if fresh.exists():
        shutil.rmtree(fresh)
    fresh.mkdir(parents=True)
    if docs:
        generate_dbt_docs(paths)
    S.copy_assets(fresh)
    linked = link_docs(paths, fresh)
    context = S.page_context(paths)
    sites = []
    partners = partner_ids if partner_ids is not None else _partners(paths, from_day, to_day)
    for partner_id in partners:
        entries = _top_entries(paths, partner_id, from_day, to_day)
        sites.append(
            S.render_partner(
                paths,
                fresh,
                partner_id,
                from_day,
                to_day,
                entry_ids=entries,
                context=context,
                kinds=NIGHTLY_KINDS,
            )
        )
        log_event(logger, "dashboard_partner_rendered", partner_id=partner_id, entries=len(entries))
    S.render_index(fresh, sites, f"The last {DAYS} days: {from_day} to {to_day}", context, linked)
    old = paths.tmp / "site-old"
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        target.rename(old)
    fresh.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    summary = {
        "site": str(target),
        "from_day": from_day.isoformat(),
        "to_day": to_day.isoformat(),
        "partners": len(partners),
        "pages": sum(len(site.pages) for site in sites),
        "dbt_docs": linked["dbt"] is not None,
        "gx_docs": linked["quality"] is not None,
        "seconds": round(time.perf_counter() - started, 2),
    }
    log_event(logger, "dashboards_rendered", **summary)
    return summary
