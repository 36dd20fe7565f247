"""``video-insights backfill``: take in and rebuild a range of days, then check and publish.

A night takes in beacons at most ``late_arrival_days`` late (dbt_project.yml); older ones are set
aside (``int_beacon_partitions_set_aside``). A backfill takes in the set-aside beacons whose UTC
day is in the range and rebuilds every partner-local day of the range, through the same
write-audit-publish steps as a night. Running it again changes nothing (idempotent).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from video_insights.cli_support import friendly_errors, parse_day, warehouse_option


@click.command("backfill")
@click.option("--from-day", callback=parse_day, required=True, help="First day (YYYY-MM-DD).")
@click.option("--to-day", callback=parse_day, required=True, help="Last day (YYYY-MM-DD).")
@warehouse_option
@friendly_errors
def backfill(from_day: date, to_day: date, warehouse: Path | None) -> None:
    """Rebuild the days FROM..TO (late beacons set aside included), check and publish them."""
    from rich.console import Console

    from video_insights.config import default_warehouse
    from video_insights.pipeline import run_backfill

    console = Console(stderr=True)
    with console.status(f"backfill {from_day} .. {to_day}: build, validate, publish ..."):
        steps = run_backfill(warehouse or default_warehouse(), from_day, to_day)
    plan = steps["build"]["incremental"]
    click.echo(
        f"backfill {from_day} .. {to_day}: took in {plan['new_beacons']:,} beacons "
        f"({plan['new_partitions']} lake partitions), rebuilt {len(plan['rebuilt_partner_days'])} "
        f"partner-days; {plan['set_aside_beacons']:,} beacons still set aside; published"
    )


COMMANDS: list[click.Command] = [backfill]
