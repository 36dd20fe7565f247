"""``video-insights collect``: the beacon collector players send their analytics to."""

from __future__ import annotations

from pathlib import Path

import click

from video_insights.cli_support import friendly_errors, inbox_option


@click.command("collect")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8090, show_default=True, type=click.IntRange(0, 65535))
@inbox_option
@click.option(
    "--rotate-seconds",
    default=300.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Close and publish a beacon file when it is this old.",
)
@click.option(
    "--rotate-mb",
    default=64.0,
    show_default=True,
    type=click.FloatRange(min=0.001),
    help="Close and publish a beacon file at this many MB of beacon text (before gzip).",
)
@click.option("--plain", is_flag=True, help="Write .jsonl instead of .jsonl.gz.")
@click.option(
    "--trusted-proxy",
    "trusted_proxies",
    multiple=True,
    metavar="CIDR",
    help="A proxy/load balancer allowed to name the client in X-Forwarded-For (repeatable).",
)
@click.option(
    "--no-view-events",
    is_flag=True,
    help="Tell players viewEventsEnabled=false (they stop sending VIEW heartbeats).",
)
@friendly_errors
def collect(
    host: str,
    port: int,
    inbox: Path | None,
    rotate_seconds: float,
    rotate_mb: float,
    plain: bool,
    trusted_proxies: tuple[str, ...],
    no_view_events: bool,
) -> None:
    """Receive KAVA beacons over HTTP and write them as beacon files into INBOX/beacons/.

    Players point their analytics service URL at http://HOST:PORT/api_v3/index.php. Stop with
    SIGTERM or Ctrl-C: the open file is closed and published first.
    """
    from video_insights.collect.server import serve
    from video_insights.collect.settings import CollectorSettings, parse_networks
    from video_insights.config import default_inbox

    settings = CollectorSettings(
        inbox=(inbox or default_inbox()).resolve(),
        rotate_seconds=rotate_seconds,
        rotate_bytes=max(1, int(rotate_mb * 1024 * 1024)),
        gzip=not plain,
        trusted_proxies=parse_networks(trusted_proxies),
        view_events_enabled=not no_view_events,
    )
    click.echo(
        f"collecting beacons on http://{host}:{port}/api_v3/index.php into "
        f"{settings.inbox / 'beacons'}",
        err=True,
    )
    serve(settings, host, port)


COMMANDS = [collect]
