"""The report API's commands: ``serve``, ``sql`` and ``api-token`` (create, list, revoke)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from video_insights.cli_support import friendly_errors, warehouse_option

tokens_option = click.option(
    "--tokens-file",
    type=click.Path(path_type=Path),
    default=None,
    envvar="VIDEO_INSIGHTS_API_TOKENS",
    help="Token file (default $VIDEO_INSIGHTS_API_TOKENS or <warehouse>/config/api_tokens.json).",
)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535))
@warehouse_option
@tokens_option
@friendly_errors
def serve(host: str, port: int, warehouse: Path | None, tokens_file: Path | None) -> None:
    """Serve the report API over the published warehouse (read-only): /v1/reports, /docs."""
    import uvicorn

    from video_insights.api.app import create_app
    from video_insights.api.settings import ApiSettings

    settings = ApiSettings.load(warehouse, tokens_file)
    click.echo(
        f"report API on http://{host}:{port} (docs /docs) over {settings.warehouse.published_db}, "
        f"tokens in {settings.tokens_file}",
        err=True,
    )
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


@click.command()
@click.argument("query")
@click.option(
    "--format",
    "output",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@click.option(
    "--max-rows", default=1000, show_default=True, type=click.IntRange(1), help="Table only."
)
@warehouse_option
@friendly_errors
def sql(query: str, output: str, max_rows: int, warehouse: Path | None) -> None:
    """Run read-only SQL over the published warehouse (writes are refused)."""
    from video_insights.api.sql import run_sql
    from video_insights.config import WarehousePaths, default_warehouse
    from video_insights.reports import render
    from video_insights.reports.engine import ReportResult

    columns, rows = run_sql(query, WarehousePaths.at(warehouse or default_warehouse()))
    result = ReportResult("sql", columns, [list(row) for row in rows], {})
    if output == "csv":
        click.echo(render.to_csv(result), nl=False)
        return
    if output == "json":
        click.echo(render.to_json(result))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table()
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in result.rows[:max_rows]:
        table.add_row(*["" if value is None else str(render.clean(value)) for value in row])
    console = Console() if sys.stdout.isatty() else Console(width=200)
    console.print(table)
    if len(rows) > max_rows:
        click.echo(f"... {len(rows) - max_rows} more rows (--max-rows, or --format csv)", err=True)


@click.group(name="api-token")
def api_token() -> None:
    """API tokens: one partner each, stored as sha256 hashes."""


@api_token.command(name="create")
@click.option("--partner-id", required=True, type=int)
@click.option("--label", default="", help="A note: who or what uses the token.")
@warehouse_option
@tokens_option
@friendly_errors
def create(partner_id: int, label: str, warehouse: Path | None, tokens_file: Path | None) -> None:
    """Create a token for one partner; it is printed once and only its hash is kept."""
    from video_insights.api.settings import ApiSettings
    from video_insights.api.tokens import create_token

    settings = ApiSettings.load(warehouse, tokens_file)
    token, record = create_token(settings.tokens_file, partner_id, label)
    click.echo(token)
    click.echo(
        f"token {record.id} for partner {partner_id} stored (hashed) in {settings.tokens_file}; "
        "it is not shown again",
        err=True,
    )


@api_token.command(name="list")
@warehouse_option
@tokens_option
@friendly_errors
def list_command(warehouse: Path | None, tokens_file: Path | None) -> None:
    """List the tokens (id, partner, label, created); never the tokens themselves."""
    from video_insights.api.settings import ApiSettings
    from video_insights.api.tokens import list_tokens

    for record in list_tokens(ApiSettings.load(warehouse, tokens_file).tokens_file):
        click.echo(f"{record.id}\tpartner {record.partner_id}\t{record.created_at}\t{record.label}")


@api_token.command(name="revoke")
@click.argument("token_id")
@warehouse_option
@tokens_option
@friendly_errors
def revoke(token_id: str, warehouse: Path | None, tokens_file: Path | None) -> None:
    """Revoke a token by its id (`api-token list`); the server stops accepting it at once."""
    from video_insights.api.settings import ApiSettings
    from video_insights.api.tokens import revoke_token

    record = revoke_token(ApiSettings.load(warehouse, tokens_file).tokens_file, token_id)
    click.echo(f"revoked token {record.id} of partner {record.partner_id}")


COMMANDS: list[click.Command] = [serve, sql, api_token]
