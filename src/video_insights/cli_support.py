"""What every ``video-insights`` command shares: the error wrapper and the common options.

Commands of each area live in ``video_insights/commands/<area>.py`` and import these, so that
``cli.py`` does not grow a section per feature (see ``video_insights.commands``).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

from video_insights.config import INBOX_ENV, WAREHOUSE_ENV
from video_insights.errors import VideoInsightsError


def friendly_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except VideoInsightsError as error:
            click.secho(f"error: {error}", fg="red", err=True)
            sys.exit(1)
        except Exception as error:  # the steps' own errors that do not share our base class
            if type(error).__module__.startswith("video_insights"):
                click.secho(f"error: {error}", fg="red", err=True)
                sys.exit(1)
            raise

    return wrapper


def parse_day(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date YYYY-MM-DD") from None


def csv_list(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [item.strip() for item in value.split(",") if item.strip()]


warehouse_option = click.option(
    "--warehouse",
    type=click.Path(path_type=Path),
    default=None,
    envvar=WAREHOUSE_ENV,
    help=f"Warehouse directory (default ${WAREHOUSE_ENV} or ./data/warehouse).",
)
inbox_option = click.option(
    "--inbox",
    type=click.Path(path_type=Path),
    default=None,
    envvar=INBOX_ENV,
    help=f"Inbox directory the beacon files arrive in (default ${INBOX_ENV} or ./data/inbox).",
)
