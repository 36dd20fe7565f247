"""Incremental nights equal one full rebuild, row for row (hypothesis).

The source is a simulated inbox of two partners (UTC and America/Chicago) over three days with
duplicate beacons and late files, plus two hand-made faults: an "echo" file repeating beacons of
another file a day later (a duplicate in another file and on another day: the earliest copy must
win whichever night brings it) and a second delivery of a file under another name. Hypothesis
splits the beacon files into 2-3 nights in a random order (side-feed updates in random nights
too); after the nights every rpt_ and fct_ table equals the full rebuild of all files.
"""

from __future__ import annotations

import gzip
import itertools
import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.incremental.conftest import assert_same_tables, deliver, night, table_rows

FIRST_NIGHT = date(2026, 11, 1)
# Side-feed files every night needs from the first night on (catalog, partners, users).
BASE_FEEDS = ("categories", "partners", "users")


def _echo_file(source: Path, target: Path, lines: int = 40) -> None:
    """Repeat the first ``lines`` beacons of ``source`` one day later (same beacon_id)."""
    with gzip.open(source, "rt") as handle:
        beacons = [json.loads(line) for line, _ in zip(handle, range(lines), strict=False)]
    for beacon in beacons:
        received = datetime.fromisoformat(beacon["receivedAt"].replace("Z", "+00:00"))
        beacon["receivedAt"] = (received + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    target.write_text("".join(json.dumps(beacon) + "\n" for beacon in beacons))


@pytest.fixture(scope="module")
def source_inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from video_insights.simulate import simulate
    from video_insights.simulate.config import SimulationConfig
    from video_insights.simulate.faults import FaultConfig

    inbox = tmp_path_factory.mktemp("incremental-source") / "inbox"
    simulate(
        SimulationConfig(
            inbox=inbox,
            partners=2,
            entries=8,
            days=3,
            beacons_per_day=1200,
            files_per_day=3,
            seed=7,
            start_day=FIRST_NIGHT,
            faults=FaultConfig(duplicate_rate=0.05, late_files=2),
        )
    )
    regular = sorted((inbox / "beacons").glob("*_2026-11-02_*.jsonl.gz"))[0]
    _echo_file(regular, inbox / "beacons" / "echo_of_2026-11-02.jsonl")
    return inbox


def _beacon_files(inbox: Path) -> list[Path]:
    return sorted(path for path in (inbox / "beacons").iterdir() if path.is_file())


def _side_files(inbox: Path) -> tuple[list[Path], list[Path]]:
    """(files every night needs first, update files that may come in any night)."""
    base, updates = [], []
    for folder in sorted(path for path in inbox.iterdir() if path.name != "beacons"):
        for file in sorted(folder.iterdir()):
            is_update = folder.name == "usage" or "updates" in file.name
            is_base = folder.name in BASE_FEEDS or not is_update
            (base if is_base else updates).append(file)
    return base, updates


@pytest.fixture(scope="module")
def full_rebuild(source_inbox: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list]:
    """Every file landed at once and built in full."""
    base = tmp_path_factory.mktemp("incremental-full")
    base_feeds, updates = _side_files(source_inbox)
    files = _beacon_files(source_inbox) + base_feeds + updates
    deliver(files, source_inbox, base / "inbox")
    record = night(base / "inbox", base / "warehouse", FIRST_NIGHT + timedelta(days=2))
    assert record["full"]
    return table_rows(base / "warehouse" / "published" / "warehouse.duckdb")


@settings(
    max_examples=2,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_incremental_nights_equal_a_full_rebuild(
    source_inbox: Path,
    full_rebuild: dict[str, list],
    tmp_path_factory: pytest.TempPathFactory,
    data: st.DataObject,
) -> None:
    beacon_files = data.draw(st.permutations(_beacon_files(source_inbox)), label="file order")
    nights = data.draw(st.integers(2, 3), label="nights")
    cuts = data.draw(
        st.lists(
            st.integers(1, len(beacon_files) - 1),
            min_size=nights - 1,
            max_size=nights - 1,
            unique=True,
        ).map(sorted),
        label="cuts",
    )
    bounds = [0, *cuts, len(beacon_files)]
    batches = [beacon_files[start:end] for start, end in itertools.pairwise(bounds)]
    base_feeds, updates = _side_files(source_inbox)
    update_nights = data.draw(
        st.lists(st.integers(0, nights - 1), min_size=len(updates), max_size=len(updates)),
        label="side-feed update nights",
    )
    again = data.draw(st.sampled_from(beacon_files), label="file delivered twice")
    again_night = data.draw(st.integers(0, nights - 1), label="second delivery night")

    base = tmp_path_factory.mktemp("incremental-nights")
    inbox, warehouse = base / "inbox", base / "warehouse"
    for index, batch in enumerate(batches):
        files = list(batch) + [
            file for file, at in zip(updates, update_nights, strict=True) if at == index
        ]
        if index == 0:
            files += base_feeds
        deliver(files, source_inbox, inbox)
        if index == again_night:
            deliver([again], source_inbox, inbox, rename="again-")
        record = night(inbox, warehouse, FIRST_NIGHT + timedelta(days=index))
        assert record["full"] == (index == 0), record
        assert record["set_aside_beacons"] == 0

    assert_same_tables(table_rows(warehouse / "published" / "warehouse.duckdb"), full_rebuild)
