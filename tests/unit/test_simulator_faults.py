"""Fault injection: every injected fault is where, and what, the summary says."""

from __future__ import annotations

import gzip
import zlib
from collections import Counter
from pathlib import Path
from typing import Any

import orjson
import pytest

from video_insights.contract import (
    EVENT_TYPES,
    FIELDS_BY_KAVA_NAME,
    IP_ADDRESS,
    RECEIVED_AT,
    REQUIRED_FIELDS,
    USER_AGENT,
)
from video_insights.simulate import FaultConfig, SimulationConfig, SimulationSummary, simulate
from video_insights.simulate.faults import FaultPlan

FAULTS = FaultConfig(duplicate_rate=0.02, late_files=2, malformed_lines=10, truncated_gzip=True)
CONFIG = {
    "partners": 2,
    "entries": 15,
    "days": 3,
    "beacons_per_day": 4000,
    "files_per_day": 4,
    "seed": 21,
}


def classify(line: bytes) -> tuple[str, str | None] | None:
    """None for a good beacon, else (kind, field) as landing would see it."""
    try:
        beacon = orjson.loads(line)
    except orjson.JSONDecodeError:
        return "not_json", None
    if not isinstance(beacon, dict):
        return "not_json", None
    for name in (*REQUIRED_FIELDS, RECEIVED_AT, IP_ADDRESS, USER_AGENT):
        if name not in beacon:
            return "missing_field", name
    for name, value in beacon.items():
        field = FIELDS_BY_KAVA_NAME.get(name)
        kind = field.kind if field else "str"
        ok = {
            "int": type(value) is int,
            "float": type(value) in (int, float),
            "str": isinstance(value, str),
        }[kind]
        if not ok:
            return "wrong_type", name
    if beacon["eventType"] not in EVENT_TYPES:
        return "unknown_event_type", "eventType"
    return None


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SimulationSummary]:
    inbox = tmp_path_factory.mktemp("faulty")
    return inbox, simulate(SimulationConfig(inbox=inbox, faults=FAULTS, **CONFIG))


@pytest.fixture(scope="module")
def lines(run: tuple[Path, SimulationSummary]) -> list[tuple[str, int, bytes]]:
    """Every readable line; a truncated file yields its lines up to the gzip error."""
    inbox, summary = run
    result: list[tuple[str, int, bytes]] = []
    for name in summary.beacon_files:
        number = 0
        try:
            with gzip.open(inbox / name, "rb") as handle:
                for line in handle:
                    if not line.endswith(b"\n"):
                        break  # the partial last line of a truncated file
                    number += 1
                    result.append((name, number, line.rstrip(b"\n")))
        except (EOFError, zlib.error, gzip.BadGzipFile):
            assert summary.faults.truncated and name == summary.faults.truncated.file
    return result


def test_malformed_lines_are_exactly_those_recorded(
    run: tuple[Path, SimulationSummary], lines: list[tuple[str, int, bytes]]
) -> None:
    _, summary = run
    found = {}
    for name, number, line in lines:
        verdict = classify(line)
        if verdict is not None:
            found[(name, number)] = verdict
    recorded = {(m.file, m.line_number): (m.kind, m.field) for m in summary.faults.malformed}
    assert len(recorded) == FAULTS.malformed_lines
    assert found == recorded
    assert summary.faults.malformed_by_kind() == {
        "missing_field": 3,
        "not_json": 3,
        "unknown_event_type": 2,
        "wrong_type": 2,
    }
    cut = summary.faults.truncated
    assert cut is not None and all(m.file != cut.file for m in summary.faults.malformed)


def test_duplicates_are_the_same_beacon_but_receivedAt(
    run: tuple[Path, SimulationSummary], lines: list[tuple[str, int, bytes]]
) -> None:
    _, summary = run
    seen_lines: set[bytes] = set()
    seen_beacons: set[bytes] = set()
    identical = shifted = 0
    for _, _, line in lines:
        if classify(line) is not None:
            continue
        beacon: dict[str, Any] = orjson.loads(line)
        received = beacon.pop(RECEIVED_AT)
        key = orjson.dumps(beacon, option=orjson.OPT_SORT_KEYS)
        if line in seen_lines:
            identical += 1
        elif key in seen_beacons:
            shifted += 1
            assert received  # a later receivedAt, same everything else
        seen_lines.add(line)
        seen_beacons.add(key)
    assert identical == summary.faults.duplicates_identical > 0
    assert shifted == summary.faults.duplicates_shifted > 0
    total = summary.beacons_written - summary.faults.truncated.lost_lines  # type: ignore[union-attr]
    assert abs(summary.faults.duplicate_lines / total - FAULTS.duplicate_rate) < 0.01


def test_late_files_hold_beacons_two_days_old(
    run: tuple[Path, SimulationSummary], lines: list[tuple[str, int, bytes]]
) -> None:
    _, summary = run
    late = summary.faults.late_files
    assert [(f.delivered_day, f.beacons_day) for f in late] == [
        ("2026-11-03", "2026-11-01"),
        ("2026-11-02", "2026-10-31"),
    ]
    for record in late:
        assert record.file in summary.beacon_files
        days = Counter(
            orjson.loads(line)[RECEIVED_AT][:10] for name, _, line in lines if name == record.file
        )
        assert days == {record.beacons_day: record.beacons}
    assert summary.by_day["2026-10-31"] == late[1].beacons  # only the late file has that day


def test_truncated_file_loses_exactly_what_the_summary_says(
    run: tuple[Path, SimulationSummary], lines: list[tuple[str, int, bytes]]
) -> None:
    inbox, summary = run
    cut = summary.faults.truncated
    assert cut is not None
    assert (inbox / cut.file).stat().st_size == cut.bytes_kept < cut.bytes_written
    with pytest.raises(EOFError), gzip.open(inbox / cut.file, "rb") as handle:
        handle.read()
    readable = [line for name, _, line in lines if name == cut.file]
    assert len(readable) == cut.complete_lines
    assert 0 < cut.lost_lines == sum(cut.lost_by_event_type.values())
    assert sum(cut.lost_by_day.values()) == cut.lost_lines
    # what a reader gets, by event type, is the summary less the lost beacons
    good = Counter(
        orjson.loads(line)["eventType"] for _, _, line in lines if classify(line) is None
    )
    duplicates = Counter[int]()
    seen: set[bytes] = set()
    for _, _, line in lines:
        if classify(line) is None:
            beacon = orjson.loads(line)
            beacon.pop(RECEIVED_AT)
            key = orjson.dumps(beacon, option=orjson.OPT_SORT_KEYS)
            if key in seen:
                duplicates[beacon["eventType"]] += 1
            seen.add(key)
    assert good - duplicates == Counter(summary.readable_by_event_type())
    assert summary.unique_beacons_by_type() == summary.readable_by_event_type()


def test_lines_add_up(run: tuple[Path, SimulationSummary]) -> None:
    _, summary = run
    faults = summary.faults
    injected = faults.duplicate_lines + faults.malformed_lines
    assert summary.lines == summary.beacons_written + injected
    assert summary.files == CONFIG["days"] * CONFIG["files_per_day"] + FAULTS.late_files


def test_fault_plan_is_deterministic_and_off_by_default() -> None:
    a = FaultPlan.make(FAULTS, 5, 3, 4, 1000)
    b = FaultPlan.make(FAULTS, 5, 3, 4, 1000)
    assert a == b
    empty = FaultPlan.make(FaultConfig(), 5, 3, 4, 1000)
    assert not empty.malformed and empty.truncated is None and not empty.late
    with pytest.raises(ValueError):
        FaultConfig(duplicate_rate=1.5)
    with pytest.raises(ValueError):  # the only file is cut: nowhere to put bad lines
        FaultPlan.make(FaultConfig(malformed_lines=1, truncated_gzip=True), 5, 1, 1, 1000)
