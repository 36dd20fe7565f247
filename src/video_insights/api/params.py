"""Query parameters of ``GET /v1/reports/{report_type}`` -> a :class:`ReportRequest`.

Every name is allow-listed (the CLI's options in snake case, the filters of the report engine);
every value ends up a bound parameter of the engine's SQL, never SQL text. A bad name or value
raises :class:`ParameterError` naming the parameter, which the app answers with a 400.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from video_insights.api.settings import MAX_LIST_VALUES, MAX_PAGE_SIZE, MAX_VALUE_CHARS
from video_insights.errors import VideoInsightsError
from video_insights.reports import catalog
from video_insights.reports.engine import ALL_FILTERS, ReportRequest

DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
# A range longer than this is refused (a report over decades is a mistake, not a query).
MAX_RANGE_DAYS = 3_660
MAX_PAGE_INDEX = 1_000_000

SCALAR_PARAMS = (
    "from_day",
    "to_day",
    "interval",
    "order",
    "page_size",
    "page_index",
    "dimension",
    "compare_from_day",
    "compare_to_day",
    "format",
    "partner_id",
)
LIST_PARAMS = ("object_ids", *ALL_FILTERS)
KNOWN_PARAMS = frozenset((*SCALAR_PARAMS, *LIST_PARAMS))
FORMATS = ("json", "csv")

# CLI option names in the engine's messages -> the API's parameter names
_CLI_TO_API = {"limit": "page_size", "page": "page_index"}


class ParameterError(VideoInsightsError):
    """A request parameter the API refuses (answered with a 400 naming it)."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message


def api_message(message: str) -> tuple[str | None, str]:
    """An engine error (written for the CLI, ``--to-day ...``) in the API's parameter names."""

    def rename(match: re.Match[str]) -> str:
        name = match.group(1).replace("-", "_")
        return _CLI_TO_API.get(name, name)

    translated = re.sub(r"--([a-z][a-z-]*)", rename, message)
    first = re.search(r"--([a-z][a-z-]*)", message)
    if first:
        return rename(first), translated
    if message.startswith("unknown filter"):
        return "filter", translated
    if "needs object_ids" in translated:
        return "object_ids", translated
    if message.startswith("unknown report type"):
        return "report_type", translated
    return None, translated


def check_names(names: Iterable[str], repeated: Iterable[str] = ()) -> None:
    for name in names:
        if name not in KNOWN_PARAMS:
            shown = name if len(name) <= 60 else name[:60] + "..."
            raise ParameterError(shown, "unknown parameter")
    for name in repeated:
        raise ParameterError(name, "given more than once (separate list values with commas)")


def report_type_name(value: str) -> str:
    name = value.strip().upper()
    known = catalog.report_types()
    if name not in known:
        shown = value if len(value) <= 60 else value[:60] + "..."
        raise ParameterError(
            "report_type", f"unknown report type {shown!r} (known: {', '.join(known)})"
        )
    return name


def parse_day(name: str, value: str | None, *, required: bool) -> date | None:
    if value is None or value == "":
        if required:
            raise ParameterError(name, "is required (YYYY-MM-DD)")
        return None
    if not re.fullmatch(DATE_PATTERN, value):
        raise ParameterError(name, f"{value[:40]!r} is not a date YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ParameterError(name, f"{value!r} is not a date YYYY-MM-DD") from None


def parse_int(name: str, value: str | None, low: int, high: int) -> int | None:
    if value is None or value == "":
        return None
    if not re.fullmatch(r"[+]?\d{1,12}", value.strip()):
        raise ParameterError(name, f"{value[:40]!r} is not a whole number")
    number = int(value)
    if not low <= number <= high:
        raise ParameterError(name, f"must be between {low} and {high}, not {number}")
    return number


def parse_list(name: str, value: str | None) -> list[str] | None:
    if value is None:
        return None
    items = [item.strip() for item in value.split(",") if item.strip()]
    if len(items) > MAX_LIST_VALUES:
        raise ParameterError(name, f"at most {MAX_LIST_VALUES} values, not {len(items)}")
    for item in items:
        if len(item) > MAX_VALUE_CHARS:
            raise ParameterError(name, f"a value is longer than {MAX_VALUE_CHARS} characters")
    return items


def _range_days(name: str, first: date, last: date) -> None:
    if last < first:
        to_name = name.replace("from", "to")
        raise ParameterError(to_name, f"{last} is before {name} {first}")
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise ParameterError(name, f"a range of at most {MAX_RANGE_DAYS} days")


def build_request(
    report_type: str, partner_id: int, values: dict[str, str | None]
) -> tuple[ReportRequest, str | None]:
    """The report request of one API call (the partner comes from its token), and the format
    the caller asked for with ``format`` (None: by the Accept header)."""
    name = report_type_name(report_type)
    from_day = parse_day("from_day", values.get("from_day"), required=True)
    to_day = parse_day("to_day", values.get("to_day"), required=True)
    assert from_day is not None and to_day is not None
    _range_days("from_day", from_day, to_day)
    compare_from = parse_day("compare_from_day", values.get("compare_from_day"), required=False)
    compare_to = parse_day("compare_to_day", values.get("compare_to_day"), required=False)
    if (compare_from is None) != (compare_to is None):
        missing = "compare_to_day" if compare_to is None else "compare_from_day"
        raise ParameterError(missing, "compare_from_day and compare_to_day go together")
    if compare_from is not None and compare_to is not None:
        _range_days("compare_from_day", compare_from, compare_to)
    interval = values.get("interval") or "days"
    if interval not in ("days", "months"):
        raise ParameterError("interval", f"must be days or months, not {interval[:40]!r}")
    output = values.get("format") or None
    if output is not None and output not in FORMATS:
        raise ParameterError("format", f"must be json or csv, not {output[:40]!r}")
    order = values.get("order") or None
    if order is not None and not re.fullmatch(r"[-+]?[a-z_][a-z0-9_]{0,63}", order):
        raise ParameterError("order", f"{order[:40]!r} is not a column name (`-` for descending)")
    dimension = values.get("dimension")
    if dimension is not None and len(dimension) > 64:
        raise ParameterError("dimension", "is not one of the report type's dimensions")
    filters: dict[str, list[str]] = {}
    for filter_name in ALL_FILTERS:
        parsed = parse_list(filter_name, values.get(filter_name))
        if parsed is not None:
            filters[filter_name] = parsed
    request = ReportRequest(
        report_type=name,
        partner_id=partner_id,
        from_day=from_day,
        to_day=to_day,
        interval=interval,  # type: ignore[arg-type]
        filters=filters,
        order=order,
        limit=parse_int("page_size", values.get("page_size"), 1, MAX_PAGE_SIZE),
        page=parse_int("page_index", values.get("page_index"), 1, MAX_PAGE_INDEX) or 1,
        object_ids=parse_list("object_ids", values.get("object_ids")),
        compare_from_day=compare_from,
        compare_to_day=compare_to,
        dimension=dimension.strip().lower() if dimension else None,
    )
    return request, output


def describe_report_types() -> list[dict[str, Any]]:
    """``GET /v1/reports``: each report type with its levels, dimensions, metrics, filters."""
    from video_insights.reports.engine import DIMENSION_CHOICES

    described = []
    for name, report in catalog.report_types().items():
        described.append(
            {
                "name": name,
                "description": report.description,
                "rows_by": ["date|month"]
                if report.time_dimension
                else ["/".join(level.dimensions) or "total" for level in report.levels],
                "levels": [list(level.dimensions) for level in report.levels],
                "time_dimension": report.time_dimension,
                "dimensions": list(DIMENSION_CHOICES.get(name, ())),
                "metrics": list(report.metrics),
                "filters": sorted(report.mart.filters),
                "default_order": report.default_order,
                "object_ids_required": report.object_ids_required,
            }
        )
    return described
