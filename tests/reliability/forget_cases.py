"""A hand-built night for ``forget-user``: who played what, and the figures by hand.

Partner 601 (UTC), entry ``1_fg`` of 10 minutes, Monday 2026-11-02, with the player model of
``tests/fixtures/worked_examples.py`` (quartile beacons when the playhead crosses 25/50/75/100%):

* ``alice`` plays twice: to 120 s (no quartile) and to 300 s (25% and 50%: 5.0 minutes viewed);
* ``bob`` plays once to 240 s (25%: 2.5 minutes);
* an anonymous viewer plays once to 60 s (no quartile);
* partner 602 also has a viewer called ``alice``, who plays once to 300 s: another person
  (user ids are per partner), who must stay;
* one malformed beacon line of alice (601) and one of bob: quarantined; alice's must go.

Forgetting (601, alice) removes from partner 601's Monday (HIGHLIGHTS, metrics.md): 2 of the 4
loads and plays; 1 of its 3 unique viewers (alice, bob, and the anonymous viewer counted as one);
7 of its 12 minutes of view period (120 s + 300 s of 720 s); completion rates 20% and 50% out of
the average (20+50+40+10)/4 = 30% -> (40+10)/2 = 25%; drop-off (0 + 2/4 + 1/4 + 0)/4 = 0.1875 ->
(1/4 + 0)/2 = 0.125. Partner 602 keeps everything.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.fixtures.worked_examples import MONDAY, Session, at, write_jsonl

PARTNER, OTHER_PARTNER = 601, 602
ENTRY, OTHER_ENTRY = "1_fg", "1_fg_other"
FORGOTTEN = "alice"
UPDATED = "2026-10-01T00:00:00Z"

HIGHLIGHTS_COLUMNS = (
    "count_loads",
    "count_plays",
    "unique_known_users",
    "sum_view_period",
    "avg_completion_rate",
    "avg_view_drop_off",
)
EXPECTED_HIGHLIGHTS = {  # rpt_highlights_daily of Monday, per partner, by hand (see above)
    "before": {PARTNER: (4, 4, 3, 12.0, 30.0, 0.1875), OTHER_PARTNER: (1, 1, 1, 5.0, 50.0, 0.5)},
    "after": {PARTNER: (2, 2, 2, 5.0, 25.0, 0.125), OTHER_PARTNER: (1, 1, 1, 5.0, 50.0, 0.5)},
}


def _play(partner: int, entry: str, session: str, hour: int, user: str | None, to: int):
    viewer = Session(partner, entry, session, at(MONDAY, hour), user_id=user)
    viewer.load()
    viewer.play(600, to)
    return viewer.beacons


def beacons(*, with_forgotten: bool = True) -> list[dict[str, Any]]:
    plays = [
        (PARTNER, ENTRY, "fg-alice-1", 10, FORGOTTEN, 120),
        (PARTNER, ENTRY, "fg-alice-2", 11, FORGOTTEN, 300),
        (PARTNER, ENTRY, "fg-bob", 12, "bob", 240),
        (PARTNER, ENTRY, "fg-anon", 13, None, 60),
        (OTHER_PARTNER, OTHER_ENTRY, "fg-other-alice", 14, FORGOTTEN, 300),
    ]
    out: list[dict[str, Any]] = []
    for partner, entry, session, hour, user, to in plays:
        if not with_forgotten and partner == PARTNER and user == FORGOTTEN:
            continue
        out += _play(partner, entry, session, hour, user, to)
    return out


def malformed_lines(*, with_forgotten: bool = True) -> list[str]:
    """Beacons with an eventType that is no number: quarantined with their raw line."""
    lines = []
    for user in ([FORGOTTEN] if with_forgotten else []) + ["bob"]:
        bad = _play(PARTNER, ENTRY, f"fg-bad-{user}", 15, user, 0)[0]
        bad["eventType"] = "impression"
        lines.append(json.dumps(bad, sort_keys=True))
    return lines


def feeds(*, with_forgotten: bool = True) -> dict[str, list[dict[str, Any]]]:
    partners = [
        {"partnerId": partner, "name": name, "timezone": "UTC", "updatedAt": UPDATED}
        for partner, name in ((PARTNER, "Forget Co"), (OTHER_PARTNER, "Other Co"))
    ]
    entries = [
        {
            "entryId": entry,
            "partnerId": partner,
            "name": f"Entry {entry}",
            "mediaType": "video",
            "durationSecs": 600.0,
            "createdAt": "2026-10-01T00:00:00Z",
            "status": "ready",
            "updatedAt": "2026-10-01T00:00:00Z",
        }
        for partner, entry in ((PARTNER, ENTRY), (OTHER_PARTNER, OTHER_ENTRY))
    ]
    users = [
        {"userId": user, "partnerId": partner, "fullName": name, "updatedAt": UPDATED}
        for partner, user, name in (
            (PARTNER, FORGOTTEN, "Alice Example"),
            (PARTNER, "bob", "Bob Example"),
            (OTHER_PARTNER, FORGOTTEN, "Alice Other"),
        )
        if with_forgotten or (partner, user) != (PARTNER, FORGOTTEN)
    ]
    return {"partners": partners, "entries": entries, "users": users}


def write_inbox(inbox: Path, *, with_forgotten: bool = True) -> Path:
    """Two beacon files (the malformed lines in the second) and the side feeds."""
    all_beacons = beacons(with_forgotten=with_forgotten)
    half = len(all_beacons) // 2
    write_jsonl(inbox / "beacons" / "fg-a.jsonl", all_beacons[:half])
    second = write_jsonl(inbox / "beacons" / "fg-b.jsonl", all_beacons[half:])
    with open(second, "a", encoding="utf-8") as handle:
        bad = malformed_lines(with_forgotten=with_forgotten)
        handle.write("".join(line + "\n" for line in bad))
    for feed, records in feeds(with_forgotten=with_forgotten).items():
        write_jsonl(inbox / feed / f"{feed}.jsonl", records)
    return inbox
