"""``video-insights dashboard``: render a partner's static HTML dashboards from the published
warehouse (see docs/dashboards.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from video_insights.cli_support import friendly_errors, parse_day, warehouse_option


@click.command("dashboard")
@click.option("--partner-id", type=int, required=True, help="The partner whose pages to render.")
@click.option("--entry-id", default=None, help="Also render this entry's page.")
@click.option("--category-id", default=None, help="Also render this category's page.")
@click.option("--from-day", callback=parse_day, required=True, help="First day, YYYY-MM-DD.")
@click.option("--to-day", callback=parse_day, required=True, help="Last day, YYYY-MM-DD.")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Folder to write the site into (created; open its index.html).",
)
@warehouse_option
@friendly_errors
def dashboard(
    partner_id: int,
    entry_id: str | None,
    category_id: str | None,
    from_day: date,
    to_day: date,
    out: Path,
    warehouse: Path | None,
) -> None:
    """Render static HTML dashboards (overview, entry or category, interactive video, QoS,
    usage) with the highlights compared with the previous period, charts that work offline and
    CSV exports. Figures are those of `video-insights report` over the published warehouse."""
    from video_insights.config import default_warehouse
    from video_insights.dashboard.site import DashboardError, build_site

    if entry_id and category_id:
        raise DashboardError("give --entry-id or --category-id, not both")
    summary = build_site(
        warehouse or default_warehouse(),
        out,
        partner_id,
        from_day,
        to_day,
        entry_ids=[entry_id] if entry_id else None,
        category_ids=[category_id] if category_id else None,
    )
    click.echo(f"wrote {len(summary['pages'])} pages in {summary['seconds']:.1f}s:")
    for page in summary["pages"]:
        click.echo(f"  {page}")
    click.echo(f"open {summary['index']}")


COMMANDS = [dashboard]
