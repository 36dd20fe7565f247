"""Property tests of the play-session and segment SQL against brute force written here.

The SQL under test is the compiled SQL of the session build's models (int_play_beacons,
int_watched_intervals, int_plays), run on small upstream tables in an in-memory database named
like the build file (``warehouse``), so no dbt invocation per example is needed. The reference
implementations below follow the text of metrics.md ("Play sessions and watched intervals")
independently of the SQL: a loop over the beacons, exact fractions for the midpoints.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from fractions import Fraction

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

IMPRESSION, PLAY, PAUSE, QUARTILE_25, VIEW = 1, 3, 33, 11, 99
SEGMENTS = 100  # the project's var('segments') default, compiled into the SQL
START = datetime(2026, 11, 2, 12, 0, 0)
SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def sandbox(examples_build):
    """In-memory ``warehouse`` database with the built upstream tables' schemas, and the
    compiled SQL of the models under test."""
    compiled = examples_build.compiled_models / "intermediate"
    sql = {
        name: (compiled / f"{name}.sql").read_text()
        for name in ("int_play_beacons", "int_watched_intervals", "int_plays")
    }
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    con.execute(f"attach '{examples_build.paths.build_db}' as built (read_only)")
    con.execute("attach ':memory:' as warehouse")
    for table in ("int_beacons_deduped", "int_entries_latest"):
        con.execute(
            f"create table warehouse.main.{table} as select * from built.main.{table} limit 0"
        )
    con.execute("detach built")
    yield con, sql
    con.close()


def run_models(con, sql, names):
    for name in names:
        con.execute(f"create or replace table warehouse.main.{name} as {sql[name]}")


def reset(con):
    for table in ("int_beacons_deduped", "int_entries_latest"):
        con.execute(f"delete from warehouse.main.{table}")


# -- play sessions ---------------------------------------------------------------------------

beacon_step = st.tuples(
    st.sampled_from([IMPRESSION, PLAY, VIEW, VIEW, VIEW, PAUSE, QUARTILE_25]),
    st.sampled_from(["next", "next", "next", "next", "reset"]),  # eventIndex
    st.one_of(st.none(), st.integers(0, 5), st.integers(0, 40)),  # playTimeSum step / value
    st.booleans(),  # the counter restarts (a decrease) instead of growing
)


def reference_plays(beacons):
    """Play of each beacon and the play time it adds, by the rule of metrics.md."""
    play_of, added = {}, {}
    current, previous_index, counter = None, None, None
    for beacon in beacons:
        starts = (
            previous_index is None
            or beacon["event_type"] in (PLAY, IMPRESSION)
            or beacon["event_index"] <= previous_index
        )
        previous_index = beacon["event_index"]
        if starts:
            current = beacon["beacon_id"] if beacon["event_type"] == PLAY else None
            counter = None
        if current is None:
            continue
        play_of[beacon["beacon_id"]] = current
        value = beacon["play_time_sum"]
        if beacon["event_type"] == PLAY:
            counter, added[beacon["beacon_id"]] = (value or 0.0), 0.0
        elif value is None:
            added[beacon["beacon_id"]] = 0.0
        else:
            added[beacon["beacon_id"]] = value - counter if value >= counter else value
            counter = value
    return play_of, added


def session_beacons(steps):
    beacons, index, counter = [], 0, 0.0
    for number, (event_type, index_step, amount, restart) in enumerate(steps):
        index = 1 if index_step == "reset" else index + 1
        value = None
        if event_type in (PLAY, VIEW, PAUSE) and amount is not None:
            counter = float(amount) if restart else counter + amount
            value = counter
        beacons.append(
            {
                "beacon_id": f"b{number:03d}",
                "event_type": event_type,
                "event_index": index,
                "play_time_sum": value,
                "received_at": START + timedelta(seconds=number),
            }
        )
    return beacons


@SETTINGS
@given(st.lists(beacon_step, min_size=1, max_size=25))
def test_play_assignment_and_play_time_match_the_rule(sandbox, steps):
    con, sql = sandbox
    reset(con)
    beacons = session_beacons(steps)
    con.executemany(
        """
        insert into warehouse.main.int_beacons_deduped
            (beacon_id, partner_id, report_date, entry_id, session_id, user_id, playback_type,
             received_at, event_type, event_index, play_time_sum, position)
        values (?, 1, date '2026-11-02', 'e', 's', 'u', 'vod', ?, ?, ?, ?, 0.0)
        """,
        [
            [
                b["beacon_id"],
                b["received_at"],
                b["event_type"],
                b["event_index"],
                b["play_time_sum"],
            ]
            for b in beacons
        ],
    )
    run_models(con, sql, ["int_play_beacons"])
    rows = con.execute(
        "select beacon_id, play_id, play_time_added from warehouse.main.int_play_beacons"
    ).fetchall()
    play_of, added = reference_plays(beacons)
    assert {beacon_id: play_id for beacon_id, play_id, _ in rows} == play_of
    assert {beacon_id: value for beacon_id, _, value in rows} == pytest.approx(added)


# -- watched intervals and covered segments ----------------------------------------------------

# Durations whose segment midpoints and grid points are exact binary fractions, so an interval
# end can sit exactly on a midpoint (the closed-interval case) and the reference is exact.
DURATIONS = [100.0, 400.0, 600.0, 3600.0, 50.0]
interval = st.tuples(
    st.integers(-40, 2600),  # playhead, in quarters of a duration unit below
    st.integers(1, 800),  # seconds added, in quarters
    st.sampled_from([0.5, 1.0, 2.0]),  # playbackSpeed
)


def reference_covered(duration, intervals):
    """Segments (0-based) whose midpoint lies in some clipped closed interval."""
    covered = set()
    for start, end in intervals:
        start, end = max(Fraction(start), Fraction(0)), min(Fraction(end), Fraction(duration))
        if end <= start:
            continue
        for segment in range(SEGMENTS):
            midpoint = (Fraction(segment) + Fraction(1, 2)) * Fraction(duration) / SEGMENTS
            if start <= midpoint <= end:
                covered.add(segment)
    return covered


@SETTINGS
@given(st.sampled_from(DURATIONS), st.lists(interval, min_size=1, max_size=12))
def test_covered_segments_match_brute_force(sandbox, duration, raw_intervals):
    con, sql = sandbox
    reset(con)
    unit = duration / 400  # a quarter of a segment's length when SEGMENTS = 100
    con.execute(
        "insert into warehouse.main.int_entries_latest (partner_id, entry_id, duration_secs)"
        " values (1, 'e', ?)",
        [duration],
    )
    rows = [["p", PLAY, 1, 0.0, 0.0, 1.0, START]]
    intervals, counter = [], 0.0
    for number, (playhead, added, speed) in enumerate(raw_intervals, start=1):
        position, seconds = playhead * unit, added * unit / 4
        counter += seconds
        rows.append(
            [
                f"v{number:02d}",
                VIEW,
                number + 1,
                counter,
                position,
                speed,
                START + timedelta(seconds=number),
            ]
        )
        intervals.append((position - seconds * speed, position))
    con.executemany(
        """
        insert into warehouse.main.int_beacons_deduped
            (beacon_id, event_type, event_index, play_time_sum, position, playback_speed,
             received_at, partner_id, report_date, entry_id, session_id, user_id, playback_type,
             is_anonymous)
        values (?, ?, ?, ?, ?, ?, ?, 1, date '2026-11-02', 'e', 's', 'u', 'vod', false)
        """,
        rows,
    )
    run_models(con, sql, ["int_play_beacons", "int_watched_intervals", "int_plays"])
    expected = reference_covered(duration, intervals)
    (covered,) = con.execute("select covered_segments from warehouse.main.int_plays").fetchone()
    assert covered == len(expected)
    # and the per-interval ranges are exactly the midpoints each interval contains
    ranges = con.execute(
        "select first_segment, last_segment from warehouse.main.int_watched_intervals"
        " where first_segment is not null"
    ).fetchall()
    from_ranges = {segment - 1 for first, last in ranges for segment in range(first, last + 1)}
    assert from_ranges == expected
