"""Invariants of simulated viewing sessions (KAVA semantics the warehouse relies on)."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date
from itertools import pairwise
from typing import Any

import orjson
import pytest

from video_insights.contract import EventType
from video_insights.simulate.catalog import Catalog, Entry, build_catalog
from video_insights.simulate.sessions import ViewerHome, ViewingSession

E = EventType
QUARTILES = (
    E.PLAY_REACHED_25_PERCENT,
    E.PLAY_REACHED_50_PERCENT,
    E.PLAY_REACHED_75_PERCENT,
    E.PLAY_REACHED_100_PERCENT,
)
Session = list[tuple[int, dict[str, Any]]]  # (receivedAt ms, beacon)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return build_catalog(11, 3, 24, date(2026, 11, 1))


@pytest.fixture(scope="module")
def entries(catalog: Catalog) -> dict[str, Entry]:
    return {e.entry_id: e for pc in catalog.partners for e in pc.entries}


@pytest.fixture(scope="module")
def sessions(catalog: Catalog) -> list[Session]:
    rng = random.Random(5)
    homes: dict[str, ViewerHome] = {}
    result: list[Session] = []
    for number in range(2500):
        pc = catalog.pick_partner(rng)
        beacons = ViewingSession(rng, pc, 1_793_500_000_000 + number * 5000, homes, 11).run()
        result.append([(received, orjson.loads(body)) for received, _, body in beacons])
    return result


def segments(session: Session) -> list[Session]:
    """Runs of beacons between eventIndex resets (a KAVA session within the player session)."""
    runs: list[Session] = []
    for received, beacon in session:
        if beacon["eventIndex"] == 1 or not runs:
            runs.append([])
        runs[-1].append((received, beacon))
    return runs


def plays(session: Session) -> list[Session]:
    """Beacons from each PLAY up to the next PLAY or IMPRESSION (quartiles are per play)."""
    result: list[Session] = []
    current: Session | None = None
    for received, beacon in session:
        if beacon["eventType"] in (E.PLAY, E.IMPRESSION):
            current = [] if beacon["eventType"] == E.PLAY else None
            if current is not None:
                result.append(current)
        if current is not None:
            current.append((received, beacon))
    return result


def test_sessions_are_time_ordered_and_start_with_an_impression(sessions: list[Session]) -> None:
    for session in sessions:
        times = [received for received, _ in session]
        assert all(a < b for a, b in pairwise(times))
        first = session[0][1]
        assert first["eventType"] == E.IMPRESSION and first["eventIndex"] == 1
        # "<player guid>:<media guid>": the second part changes on every load, only there
        assert len({b["sessionId"].split(":")[0] for _, b in session}) == 1
        for (_, before), (_, after) in pairwise(session):
            if after["sessionId"] != before["sessionId"]:
                assert after["eventType"] == E.IMPRESSION and after["eventIndex"] == 1
            if after["eventType"] == E.IMPRESSION:
                assert after["sessionId"] != before["sessionId"]


def test_event_index_counts_up_and_restarts_only_where_kava_restarts_it(
    sessions: list[Session],
) -> None:
    restarts: Counter[str] = Counter()
    for session in sessions:
        for (t0, before), (t1, after) in pairwise(session):
            if before["eventType"] == E.ERROR:
                assert after["eventIndex"] == 1
            if after["eventIndex"] == before["eventIndex"] + 1:
                continue
            assert after["eventIndex"] == 1, (before, after)
            if after["eventType"] == E.IMPRESSION:
                restarts["new media or reload"] += 1
            elif after["eventType"] == E.RESUME:
                assert before["eventType"] == E.PAUSE and t1 - t0 >= 30_000 - 300
                assert after["playTimeSum"] == 0
                restarts["30 s idle"] += 1
            else:
                assert after["eventType"] == E.PLAY and before["eventType"] == E.NODE_SWITCH
                assert after["entryId"] != before["entryId"]
                restarts["interactive node"] += 1
    assert min(restarts.values()) > 0 and len(restarts) == 3


def test_play_time_sum_never_decreases_within_a_kava_session(sessions: list[Session]) -> None:
    for session in sessions:
        for run in segments(session):
            totals = [b["playTimeSum"] for _, b in run if "playTimeSum" in b]
            assert totals == sorted(totals)
            buffers = [b["bufferTimeSum"] for _, b in run if "bufferTimeSum" in b]
            assert buffers == sorted(buffers)


def test_view_right_after_play_then_every_10_seconds_of_playback(sessions: list[Session]) -> None:
    checked = 0
    for session in sessions:
        for index, (_, beacon) in enumerate(session):
            if beacon["eventType"] == E.PLAY:
                follower = session[index + 1][1]
                if follower["eventType"] == E.NODE_PLAY:
                    follower = session[index + 2][1]
                assert follower["eventType"] == E.VIEW
                assert follower["playTimeSum"] == beacon["playTimeSum"]
        for run in segments(session):
            previous: tuple[int, dict[str, Any]] | None = None
            for received, beacon in run:
                if beacon["eventType"] == E.PLAY:
                    previous = None
                if beacon["eventType"] != E.VIEW:
                    continue
                if previous is not None:
                    gap = beacon["playTimeSum"] - previous[1]["playTimeSum"]
                    assert abs(gap - 10.0) < 1e-6, (previous, beacon)
                    assert received - previous[0] >= 10_000 - 100  # network jitter
                    checked += 1
                previous = (received, beacon)
    assert checked > 10_000


def test_playhead_moves_with_play_time_and_speed(
    sessions: list[Session], entries: dict[str, Entry]
) -> None:
    """Between two beacons with no seek between, position advances by play time x speed, so
    each VIEW's [position - d * speed, position] is what was watched (metrics.md)."""
    checked = 0
    for session in sessions:
        for run in segments(session):
            previous: dict[str, Any] | None = None
            for _, beacon in run:
                event = beacon["eventType"]
                if event in (E.SEEK, E.REPLAY, E.SPEED) or beacon["playbackType"] != "vod":
                    previous = None
                    continue
                if "playTimeSum" not in beacon:
                    continue
                if previous is not None and previous["entryId"] == beacon["entryId"]:
                    played = beacon["playTimeSum"] - previous["playTimeSum"]
                    moved = beacon["position"] - previous["position"]
                    duration = entries[beacon["entryId"]].duration_ms / 1000
                    if beacon["position"] < duration:
                        assert abs(moved - played * beacon["playbackSpeed"]) < 0.002
                        checked += 1
                previous = beacon
    assert checked > 10_000


def test_quartiles_once_per_play_in_order_at_the_right_position(
    sessions: list[Session], entries: dict[str, Entry]
) -> None:
    reached: Counter[int] = Counter()
    count = 0
    for session in sessions:
        for play in plays(session):
            count += 1
            fired = [b for _, b in play if b["eventType"] in QUARTILES]
            codes = [b["eventType"] for b in fired]
            assert len(codes) == len(set(codes)), codes
            assert codes == sorted(codes)
            assert codes == list(QUARTILES[: len(codes)])  # a skipped quartile fires too
            for beacon in fired:
                duration = entries[beacon["entryId"]].duration_ms / 1000
                share = (beacon["eventType"] - E.PLAY_REACHED_25_PERCENT + 1) / 4
                assert beacon["position"] >= share * duration - 0.002
            reached.update(codes)
    # realistic drop-off: many leave early, some finish
    assert reached[E.PLAY_REACHED_25_PERCENT] > reached[E.PLAY_REACHED_50_PERCENT]
    assert reached[E.PLAY_REACHED_50_PERCENT] > reached[E.PLAY_REACHED_75_PERCENT]
    assert 0.08 < reached[E.PLAY_REACHED_100_PERCENT] / count < 0.5
    assert 0.3 < reached[E.PLAY_REACHED_25_PERCENT] / count < 0.8


def test_play_only_after_play_request_replay_or_node_switch(sessions: list[Session]) -> None:
    starters = {E.PLAY_REQUEST, E.REPLAY, E.NODE_SWITCH}
    markers = starters | {E.PLAY, E.IMPRESSION}
    for session in sessions:
        last_marker: int | None = None
        for _, beacon in session:
            if beacon["eventType"] == E.PLAY:
                assert last_marker in starters, session
            if beacon["eventType"] in markers:
                last_marker = beacon["eventType"]


def test_errors_exits_and_unplayed_impressions(sessions: list[Session]) -> None:
    positions: Counter[int] = Counter()
    outcomes: Counter[str] = Counter()
    for session in sessions:
        for index, (_, beacon) in enumerate(session):
            event = beacon["eventType"]
            if event == E.ERROR:
                positions[beacon["errorPosition"]] += 1
                before = [b["eventType"] for _, b in session[:index]]
                since_load = before[len(before) - before[::-1].index(E.IMPRESSION) :]
                if beacon["errorPosition"] == 3:
                    assert E.PLAY_REQUEST not in since_load
                elif beacon["errorPosition"] == 1:
                    assert E.PLAY_REQUEST in since_load and E.PLAY not in since_load
                else:
                    assert E.PLAY in since_load
            if event == E.IMPRESSION:
                rest = [b["eventType"] for _, b in session[index + 1 :]]
                upto = rest[: rest.index(E.IMPRESSION)] if E.IMPRESSION in rest else rest
                if not upto:
                    outcomes["impression only"] += 1
                elif upto == [E.PLAY_REQUEST]:
                    outcomes["exit before start"] += 1
                else:
                    outcomes["played or failed"] += 1
    assert set(positions) == {1, 2, 3}
    total = sum(outcomes.values())
    assert 0.1 < outcomes["impression only"] / total < 0.35
    assert 0.01 < outcomes["exit before start"] / total < 0.1


def test_speed_live_and_interactive_details(sessions: list[Session]) -> None:
    after_speed = 0
    live = Counter[str]()
    hotspot_destinations = Counter[bool]()
    for session in sessions:
        speed_entry: str | None = None
        for _, beacon in session:
            event = beacon["eventType"]
            if event == E.IMPRESSION:
                speed_entry = None
            if event == E.SPEED:
                speed_entry = beacon["entryId"]
            if speed_entry == beacon["entryId"] and event != E.IMPRESSION:
                assert beacon["playbackSpeed"] != 1
                after_speed += 1
            if beacon["playbackType"] != "vod":
                live[beacon["playbackType"]] += 1
                assert (beacon["playbackType"] == "dvr") == (beacon["position"] < -120)
            if event == E.HOTSPOT_CLICKED:
                hotspot_destinations[beacon["destination"].startswith("https://")] += 1
            if event == E.NODE_SWITCH:
                assert not beacon["destination"].startswith("https://")
    assert after_speed > 100
    assert live["live"] > 0 and live["dvr"] > 0
    assert hotspot_destinations[True] > 0 and hotspot_destinations[False] > 0


def covered_segments(play: Session, duration: float) -> set[int]:
    """metrics.md: each beacon adding d > 0 s of play time at playhead p watched
    [p - d * speed, p]; a play covers segment k when an interval holds its midpoint."""
    covered: set[int] = set()
    last: float | None = None
    for _, beacon in play:
        if "playTimeSum" not in beacon:
            continue
        total = beacon["playTimeSum"]
        added = 0.0 if last is None else (total - last if total >= last else total)
        last = total
        if added > 0:
            end = min(beacon["position"], duration)
            start = max(0.0, end - added * beacon["playbackSpeed"])
            covered.update(k for k in range(100) if start <= (k + 0.5) * duration / 100 <= end)
    return covered


def test_watched_intervals_of_straight_plays_match_the_quartiles(
    sessions: list[Session], entries: dict[str, Entry]
) -> None:
    """Plays watched straight through (no seek, speed change or idle reset) cover exactly the
    segments up to where they stopped: all 100 when they reached the end."""
    full = partial = 0
    for session in sessions:
        for play in plays(session):
            events = [b["eventType"] for _, b in play]
            beacon = play[0][1]
            if (
                beacon["playbackType"] != "vod"
                or E.SEEK in events
                or E.SPEED in events
                or E.ERROR in events
                or any(b["eventIndex"] == 1 for _, b in play)
                or E.REPLAY in events
            ):
                continue
            duration = entries[beacon["entryId"]].duration_ms / 1000
            covered = covered_segments(play, duration)
            if E.PLAY_REACHED_100_PERCENT in events:
                assert covered == set(range(100)), (len(covered), events)
                full += 1
            else:
                furthest = max(b["position"] for _, b in play if "playTimeSum" in b)
                assert covered == {k for k in range(100) if (k + 0.5) * duration / 100 <= furthest}
                partial += 1
    assert full > 100 and partial > 100
