"""Beacon files: invisible to landing while open, rotated by size and age, leftovers published."""

from __future__ import annotations

import gzip
import subprocess
import sys
import time
from pathlib import Path

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.collector.process import published_beacons
from video_insights.collect.files import PART, BeaconFiles
from video_insights.collect.settings import CollectorSettings
from video_insights.landing.inbox import LineReader, discover


def _line(index: int) -> bytes:
    return orjson.dumps({"eventType": 99, "eventIndex": index}, option=orjson.OPT_APPEND_NEWLINE)


def test_an_open_file_is_invisible_to_landing_until_published(tmp_path: Path) -> None:
    files = BeaconFiles(CollectorSettings(inbox=tmp_path))
    files.append(_line(1))
    files.flush()
    on_disk = list((tmp_path / "beacons").iterdir())
    assert len(on_disk) == 1 and on_disk[0].name.endswith(".jsonl.gz" + PART)
    assert discover(tmp_path)[0] == []  # landing does not see it
    published = files.rotate()
    assert published is not None and published.name.endswith(".jsonl.gz")
    [found], _ = discover(tmp_path)
    lines = [line for block in LineReader(found.path, found.gzipped) for line in block if line]
    assert lines == [_line(1).rstrip(b"\n")]


def test_rotation_by_size_keeps_every_line_once(tmp_path: Path) -> None:
    files = BeaconFiles(
        CollectorSettings(inbox=tmp_path, rotate_bytes=2000, flush_bytes=500, gzip=False)
    )
    for index in range(1, 301):
        files.append(_line(index))
    files.close()
    names = sorted(path.name for path in (tmp_path / "beacons").iterdir())
    assert len(names) > 3 and all(name.endswith(".jsonl") for name in names)
    assert [b["eventIndex"] for b in published_beacons(tmp_path)] == list(range(1, 301))
    assert files.lines_published == files.lines_appended == 300


def test_rotation_by_age_on_tick(tmp_path: Path) -> None:
    files = BeaconFiles(CollectorSettings(inbox=tmp_path, rotate_seconds=0.2))
    files.append(_line(1))
    files.tick()
    assert files.files_published == 0
    time.sleep(0.25)
    files.tick()
    assert files.files_published == 1
    files.tick()  # nothing new: no empty file
    files.close()
    assert files.files_published == 1
    assert len(list((tmp_path / "beacons").iterdir())) == 1


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.integers(1, 400), min_size=1, max_size=60),
    st.integers(200, 5000),
    st.booleans(),
)
def test_whatever_the_rotation_every_appended_line_is_published_once(
    sizes: list[int], rotate_bytes: int, gzipped: bool
) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        inbox = Path(folder)
        files = BeaconFiles(
            CollectorSettings(inbox=inbox, rotate_bytes=rotate_bytes, flush_bytes=300, gzip=gzipped)
        )
        for index, size in enumerate(sizes):
            files.append(orjson.dumps({"i": index, "pad": "x" * size}) + b"\n")
            if index % 7 == 0:
                files.tick()
        files.close()
        assert [b["i"] for b in published_beacons(inbox)] == list(range(len(sizes)))


def test_leftovers_of_a_dead_collector_are_published(tmp_path: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    pid = int(dead.stdout)
    files = BeaconFiles(CollectorSettings(inbox=tmp_path))
    host = files._host
    folder = tmp_path / "beacons"
    mine = folder / f"beacons-20261102T000000000Z-{host}-{pid}-000001.jsonl.gz{PART}"
    mine.write_bytes(gzip.compress(_line(1)))
    other_host = folder / f"beacons-20261102T000000000Z-elsewhere-{pid}-000001.jsonl.gz{PART}"
    other_host.write_bytes(gzip.compress(_line(2)))
    assert [path.name for path in files.publish_leftovers()] == [mine.name.removesuffix(PART)]
    assert other_host.exists()  # another host's collector may still be writing it
