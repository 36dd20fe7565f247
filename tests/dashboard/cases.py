"""The dashboards' fixture warehouse: the metrics.md worked examples (tests/fixtures/
worked_examples.py) and the segments cases (tests/fixtures/segments_cases.py) in one inbox, so
every figure a browser test reads off a chart is one written by hand there (or below, with its
arithmetic)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.fixtures import segments_cases as sc
from tests.fixtures import worked_examples as wx

MONDAY, TUESDAY = wx.MONDAY, wx.TUESDAY


def beacons() -> list[dict[str, Any]]:
    # segments_cases.all_beacons() repeats worked example 1: take its own cases only
    return wx.all_beacons() + sc.views_over_duration() + sc.interactive_paths()


def side_feeds() -> dict[str, list[dict[str, Any]]]:
    segments = sc.side_feeds()
    known = {p["partnerId"] for p in wx.partners()}
    known_entries = {(e["partnerId"], e["entryId"]) for e in wx.entries()}
    return {
        "partners": wx.partners()
        + [p for p in segments["partners"] if p["partnerId"] not in known],
        "entries": wx.entries()
        + [e for e in segments["entries"] if (e["partnerId"], e["entryId"]) not in known_entries],
        "users": segments["users"],
    }


def write_inbox(inbox: Path) -> Path:
    return wx.write_inbox(inbox, beacons(), side_feeds())


# Worked example 7 (partner 107, Monday): entry A "Top" 4 plays by user-1 and user-2, every play
# to the end; entry B "Runner-up" 2 plays (one each) to 40%. One load per play. Over Monday and
# Tuesday (two days, Tuesday empty):
EX7 = {
    "partner_id": wx.EX7,
    "days": [MONDAY.isoformat(), TUESDAY.isoformat()],
    "plays_by_day": [6, 0],  # 4 + 2 on Monday
    "loads_by_day": [6, 0],
    # the engagement ranking of metrics.md example 7: A 10, B 6; plays A 4, B 2
    "top_videos": {"Top": 4, "Runner-up": 2},
    # funnel: 6 loads, 6 plays; 25%: A 4 + B 2 (40% passes 25%); 50/75/100%: A's 4 only
    "funnel": [6, 6, 6, 4, 4, 4],
    # every beacon comes from 128.104.1.1: US / Wisconsin / Madison (GeoLite2 2018)
    "countries": {"United States": 6},
    "region": "Wisconsin",
    "city": "Madison",
    # the previous period (Oct 31 - Nov 1) has no plays: the change is 0 (metrics.md rule)
    "highlights": {"count_plays": (6, 0, 0.0), "count_loads": (6, 0, 0.0)},
}
