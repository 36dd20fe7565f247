"""Operations commands: ``status``, ``forget-user`` and ``prune-inbox``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from video_insights.cli_support import friendly_errors, inbox_option, warehouse_option
from video_insights.config import default_inbox, default_warehouse


@click.command()
@warehouse_option
@click.option(
    "--format",
    "output",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
)
@click.option("--files", default=10, show_default=True, help="How many last landed files.")
@friendly_errors
def status(warehouse: Path | None, output: str, files: int) -> None:
    """Last landed files, last published night, quarantine counts, last check results."""
    from video_insights.config import WarehousePaths
    from video_insights.status import render_status, warehouse_status

    report = warehouse_status(WarehousePaths.at(warehouse or default_warehouse()), files=files)
    if output == "json":
        click.echo(json.dumps(report, indent=2, default=str))
        return
    from rich.console import Console

    console = Console()
    if not console.is_terminal:  # piped: wide tables rather than wrapped columns
        console = Console(width=200)
    console.print(render_status(report))


@click.command(name="forget-user")
@click.option("--partner-id", type=int, required=True, help="The viewer's partner id.")
@click.option("--user-id", required=True, help="The viewer's user id (as the beacons carry it).")
@click.option(
    "--no-rebuild",
    is_flag=True,
    help="Only remove the viewer from the lake (the marts keep them until the same request is"
    " run without this flag: it rebuilds their days).",
)
@warehouse_option
@friendly_errors
def forget_user_command(
    partner_id: int, user_id: str, no_rebuild: bool, warehouse: Path | None
) -> None:
    """Remove a viewer from the landed data and every report (rebuild and publish)."""
    from video_insights.config import WarehousePaths
    from video_insights.privacy.forget import forget_user

    result = forget_user(
        WarehousePaths.at(warehouse or default_warehouse()),
        partner_id,
        user_id,
        rebuild=not no_rebuild,
    )
    click.echo(json.dumps(result.to_dict(), indent=2, default=str))


@click.command(name="prune-inbox")
@click.option(
    "--retention-days",
    type=float,
    default=None,
    help="Delete landed inbox files older than this (default $VIDEO_INSIGHTS_INBOX_RETENTION_DAYS"
    " or 30).",
)
@click.option("--dry-run", is_flag=True, help="List what would be deleted, delete nothing.")
@inbox_option
@warehouse_option
@friendly_errors
def prune_inbox_command(
    retention_days: float | None, dry_run: bool, inbox: Path | None, warehouse: Path | None
) -> None:
    """Delete raw inbox files that are landed (in the manifest) and older than the retention."""
    from video_insights.config import WarehousePaths
    from video_insights.privacy.retention import prune_inbox, retention_days_from_env

    days = retention_days if retention_days is not None else retention_days_from_env()
    result = prune_inbox(
        inbox or default_inbox(),
        WarehousePaths.at(warehouse or default_warehouse()),
        days,
        dry_run=dry_run,
    )
    click.echo(json.dumps(result.to_dict(), indent=2))


COMMANDS: list[click.Command] = [status, forget_user_command, prune_inbox_command]
