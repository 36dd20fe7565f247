"""Report requests the API tests send: one per report type, plus variants of every parameter.

Each is the API's query parameters; :func:`cli_args` turns one into the same
`video-insights report` options, so a test can compare the two outputs.
"""

from __future__ import annotations

from tests.fixtures import audience_cases as ac
from video_insights.reports import report_types
from video_insights.reports.engine import ALL_FILTERS

DAY = ac.DAY.isoformat()
NEXT_DAY = ac.DAY.replace(day=ac.DAY.day + 1).isoformat()
BASE = {"from_day": DAY, "to_day": DAY}

# Objects both partners have (the same ids): drilling into them must not mix the partners.
OBJECT_IDS = {"PERCENTILES": ac.ENTRY_A, "CATEGORY_HIGHLIGHTS": ac.SPORTS}

# A value of each filter that matches rows of BOTH partners (o1 of partner 302 shares them).
SHARED_FILTER_VALUES = {
    "entry_id_in": ac.ENTRY_A,
    "categories_ids_in": ac.SPORTS,
    "playback_context_ids_in": ac.SPORTS,
    "country_in": "US",
    "region_in": "Wisconsin",
    "city_in": "Madison",
    "device_in": "Desktop",
    "os_in": "Windows",
    "browser_in": "Chrome",
    "domain_in": ac.NEWS,
    "canonical_url_in": ac.STORY,
    "user_ids": "alice,dave",
    "playback_type_in": "vod",
    "media_type_in": "video",
    "tags_in": "audience",
}
assert set(SHARED_FILTER_VALUES) == set(ALL_FILTERS)


def base_request(report_type: str) -> dict[str, str]:
    params = dict(BASE)
    if report_type in OBJECT_IDS:
        params["object_ids"] = OBJECT_IDS[report_type]
    return params


def every_type() -> list[tuple[str, dict[str, str]]]:
    return [(name, base_request(name)) for name in report_types()]


def variants() -> list[tuple[str, dict[str, str]]]:
    """Every parameter of the API at least once."""
    return [
        ("TOP_CONTENT", {**BASE, "order": "count_loads", "page_size": "1", "page_index": "2"}),
        ("TOP_CONTENT", {**BASE, "order": "-avg_completion_rate"}),
        ("PERFORMANCE_OVER_TIME", {"from_day": DAY, "to_day": NEXT_DAY, "interval": "months"}),
        ("PERFORMANCE_OVER_TIME", {**BASE, "compare_from_day": NEXT_DAY,
                                   "compare_to_day": NEXT_DAY}),
        ("HIGHLIGHTS", {**BASE, "compare_from_day": DAY, "compare_to_day": DAY}),
        ("MAP_OVERLAY", {**BASE, "object_ids": "US"}),
        ("MAP_OVERLAY", {**BASE, "object_ids": "Texas"}),
        ("PLATFORMS", {**BASE, "object_ids": "Desktop"}),
        ("QOE", {**BASE, "dimension": "device"}),
        ("QOE", {**BASE, "dimension": "entry"}),
        ("HIGHLIGHTS", {**BASE, "country_in": "US,GB", "device_in": "Desktop"}),
        ("TOP_CONTENT", {**BASE, "user_ids": "alice"}),
    ]  # fmt: skip


def cli_args(report_type: str, params: dict[str, str], partner_id: int) -> list[str]:
    names = {"page_size": "limit", "page_index": "page"}
    args = ["report", report_type, "--partner-id", str(partner_id)]
    for name, value in params.items():
        args += [f"--{names.get(name, name).replace('_', '-')}", value]
    return args
