"""The DuckDB fast path of landing (``landing/fastpath.py``) lands exactly what the Python rules do.

Property: for arbitrary lines (valid simulator beacons, mutated: wrong types, missing, extra and
duplicate keys, unicode, escapes, numbers as strings, 1e20, -0.0, huge integers, odd timestamps,
trailing commas, empty lines, non-objects, invalid UTF-8 ...) landing with the fast path
(``VIDEO_INSIGHTS_LANDING_FASTPATH=1``) writes the same lake rows (every column, ``beacon_id``
included), the same quarantine rows, the same manifest row and the same counts as the pure Python
path. Comparisons use ``repr`` so ``-0.0`` and ``0.0`` differ.
"""

from __future__ import annotations

import gzip
import itertools
import tempfile
from datetime import datetime
from pathlib import Path

import duckdb
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from video_insights.config import WarehousePaths
from video_insights.contract import BEACON_FIELDS
from video_insights.landing import land_inbox
from video_insights.landing.fastpath import FASTPATH_ENV
from video_insights.landing.secrets import beacon_id_hasher
from video_insights.simulate.config import SimulationConfig
from video_insights.simulate.engine import simulate

NOW = datetime(2026, 11, 3, 1, 0, 0)
KEY = "ab" * 32
PSEUDO_KEY = "cd" * 32
FIELD_NAMES = [f.kava_name for f in BEACON_FIELDS]
COLLECTOR = ["receivedAt", "ipAddress", "userAgent"]


@pytest.fixture(scope="module")
def simulated_beacons(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    """Valid beacons written by the simulator (one small day, no faults)."""
    inbox = tmp_path_factory.mktemp("fastpath-inbox")
    simulate(
        SimulationConfig(
            inbox=inbox,
            days=1,
            partners=2,
            entries=5,
            beacons_per_day=600,
            files_per_day=1,
            side_feeds=False,
            seed=11,
        )
    )
    beacons = []
    for path in sorted((inbox / "beacons").glob("*.jsonl.gz")):
        for raw in gzip.decompress(path.read_bytes()).splitlines():
            if raw.strip():
                beacons.append(orjson.loads(raw))
    assert beacons
    return beacons


# ------------------------------------------------------------------------------ strategies

ints = st.one_of(
    st.integers(-5, 200),
    st.sampled_from([2**63 - 1, -(2**63), 2**63, 2**64 - 1, 2**64, -(2**63) - 1, 10**30]),
)
floats = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([1e20, -0.0, 0.0, 1e-5, 1e16, 123.456, 5e-324, 1.5, 1e308]),
)
texts = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", " ", "é/x", "👍🏽", "a\\b", 'q"q', "\u2028", "\x7f", "tab\there"]),
    st.sampled_from(["3", " 3", "-1", "1e3", "12.5", "0x10", "NaN", "vod", "VOD", " live", "dvr"]),
)
values = st.one_of(
    ints,
    floats,
    texts,
    st.none(),
    st.booleans(),
    st.lists(st.integers(0, 3), max_size=2),
    st.dictionaries(st.sampled_from(["a", "b"]), st.integers(0, 3), max_size=2),
)
timestamps = st.one_of(
    st.sampled_from(
        [
            "2026-11-02T10:00:00.000Z",
            "2026-11-02T23:59:59.999Z",
            "2026-11-03T00:00:00.001Z",
            "2026-11-02T10:00:00Z",
            "2026-11-02T10:00:00.000+02:00",
            "2026-11-02 10:00:00",
            "2026-02-29T10:00:00.000Z",
            "2024-02-29T10:00:00.000Z",
            "2026-11-02T24:00:00.000Z",
            "0999-11-02T10:00:00.000Z",
            "0000-11-02T10:00:00.000Z",
            "2026-11-02T10:00:60.000Z",
            "2026-11-02T10:00:00.0000Z",
            "2026-13-02T10:00:00.000Z",
        ]
    ),
    values,
)


@st.composite
def mutated_line(draw: st.DrawFn, pool: list[dict]) -> bytes:
    beacon = dict(draw(st.sampled_from(pool)))
    kind = draw(st.integers(0, 9))
    if kind >= 4:  # about half the lines: a valid simulator beacon, maybe with another date
        if draw(st.booleans()):
            beacon["receivedAt"] = draw(timestamps.filter(lambda t: isinstance(t, str)))
        return orjson.dumps(beacon)
    for _ in range(draw(st.integers(1, 3))):
        action = draw(st.integers(0, 4))
        name = draw(st.sampled_from(FIELD_NAMES + COLLECTOR))
        if action == 0:
            beacon[name] = draw(timestamps if name == "receivedAt" else values)
        elif action == 1:
            beacon.pop(name, None)
        elif action == 2:
            beacon[draw(st.sampled_from(["extra", "é", "_x", "Extra2"]))] = draw(values)
        elif action == 3:
            beacon["eventType"] = draw(st.sampled_from([0, 3, 99, 5, "3", 3.0, 3.5, None]))
        else:
            beacon["playbackType"] = draw(st.sampled_from(["vod", "live", "dvr", "VOD", None, 1]))
    try:
        text = orjson.dumps(beacon)
    except TypeError:  # an integer orjson cannot write: write it by hand
        text = (
            "{" + ",".join(f"{orjson.dumps(k).decode()}:{_raw(v)}" for k, v in beacon.items()) + "}"
        ).encode()
    return _raw_mutation(draw, text)


def _raw(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return orjson.dumps(value).decode()


def _raw_mutation(draw: st.DrawFn, text: bytes) -> bytes:
    """Text-level changes orjson would never write."""
    change = draw(st.integers(0, 14))
    if change == 0:
        return text.replace(b",", b", ", 1).replace(b":", b" : ", 1)
    if change == 1:
        return text[:-1] + b",}"
    if change == 2:
        return text[:-1] + b", }"
    if change == 3:
        return b'{"eventType":5,' + text[1:]  # a duplicate key (or a first value for it)
    if change == 4:
        return text.replace(b'"', b'"\\u0041', 1)  # an escape in the first key
    if change == 5:
        return text.replace(b"/", b"\\/")
    if change == 6:
        return text[: draw(st.integers(0, len(text)))]
    if change == 7:
        return draw(st.sampled_from([b"", b"   ", b"[1,2]", b'"x"', b"3", b"null", b"{}", b"\t"]))
    if change == 8:
        return text.replace(b'"playTimeSum":', b'"playTimeSum":NaN,"x":', 1)
    if change == 9:
        return text.replace(b'"eventIndex":', b'"eventIndex":99999999999999999999999,"y":', 1)
    if change == 10:
        return text.replace(b'"sessionId":"', b'"sessionId":"\xff\xfe', 1)
    if change == 11:
        return b" " + text + b"\t"
    if change == 12:
        return text + b"\r"
    if change == 13:
        return text.replace(b'"entryId":', b'"entryId":1e400,"z":', 1)
    return text


# ------------------------------------------------------------------------------ comparison


def _rows(con: duckdb.DuckDBPyConnection, lake: Path, pattern: str, order: str) -> list[str]:
    if not list(lake.glob(pattern)):
        return []
    cursor = con.execute(
        f"SELECT * FROM read_parquet('{lake / pattern}', hive_partitioning = true,"
        f" union_by_name = true) ORDER BY {order}"
    )
    names = [d[0] for d in cursor.description]
    return [repr(dict(zip(names, row, strict=True))) for row in cursor.fetchall()]


def _land(
    inbox: Path,
    root: Path,
    fast: bool,
    monkeypatch: pytest.MonkeyPatch,
    workers: int,
    forget: tuple[int, str] | None = None,
) -> dict:
    monkeypatch.setenv(FASTPATH_ENV, "1" if fast else "0")
    warehouse = WarehousePaths.at(root)
    if forget is not None:  # a viewer in the forget ledger (as forget-user records one)
        from video_insights.privacy.forget import ledger_path, user_key

        entry = {"partner_id": forget[0], "user_key": user_key(warehouse, *forget)}
        ledger_path(warehouse).write_text(orjson.dumps(entry).decode() + "\n")
    if workers == 1:  # the setting
        summary = land_inbox(inbox, warehouse, now=NOW, workers=1)
    else:  # the argument (worker processes get the parent's decision)
        monkeypatch.delenv(FASTPATH_ENV)
        summary = land_inbox(inbox, warehouse, now=NOW, workers=workers, fastpath=fast)
    lake = warehouse.lake
    con = duckdb.connect()
    try:
        return {
            "beacons": _rows(con, lake, "beacons/*/*.parquet", "source_file_sha256, source_line"),
            "quarantine": _rows(
                con, lake, "quarantine/*.parquet", "source_file, line_number, reason"
            ),
            "manifest": _rows(con, lake, "manifest/*.parquet", "file_name"),
            "summary": {
                key: value
                for key, value in summary.__dict__.items()
                if key not in ("seconds", "cpu_seconds", "critical_cpu_seconds")
                and key != "beacons_per_second"
            },
        }
    finally:
        con.close()


def _equivalent(
    lines: list[bytes],
    gz: bool,
    monkeypatch: pytest.MonkeyPatch,
    files: int = 1,
    workers: int = 1,
    forget: tuple[int, str] | None = None,
) -> dict:
    with tempfile.TemporaryDirectory(prefix="fastpath-eq-") as tmp:
        root = Path(tmp)
        (root / "inbox" / "beacons").mkdir(parents=True)
        for number in range(files):
            data = b"\n".join(lines[number::files]) + b"\n"
            name = f"beacons/part-{number}.jsonl" + (".gz" if gz else "")
            (root / "inbox" / name).write_bytes(gzip.compress(data) if gz else data)
        python = _land(root / "inbox", root / "python", False, monkeypatch, workers, forget)
        fast = _land(root / "inbox", root / "fast", True, monkeypatch, workers, forget)
    for part in ("beacons", "quarantine", "manifest"):
        assert fast[part] == python[part], part
    assert fast["summary"] == python["summary"]
    return python["summary"]


@pytest.fixture(autouse=True)
def _keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIDEO_INSIGHTS_LANDING_KEY", KEY)
    monkeypatch.setenv("VIDEO_INSIGHTS_PSEUDONYMIZE_KEY", PSEUDO_KEY)
    monkeypatch.delenv("VIDEO_INSIGHTS_PSEUDONYMIZE_PARTNERS", raising=False)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_fast_path_lands_exactly_what_the_python_rules_land(
    data: st.DataObject, simulated_beacons: list[dict], monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = data.draw(st.lists(mutated_line(simulated_beacons), min_size=1, max_size=60))
    _equivalent(lines, data.draw(st.booleans()), monkeypatch)


def test_pseudonymized_partners_land_the_same_on_both_paths(
    simulated_beacons: list[dict], monkeypatch: pytest.MonkeyPatch
) -> None:
    partner = simulated_beacons[0]["partnerId"]
    monkeypatch.setenv("VIDEO_INSIGHTS_PSEUDONYMIZE_PARTNERS", str(partner))
    _equivalent([orjson.dumps(b) for b in simulated_beacons[:200]], True, monkeypatch)


def test_valid_simulator_beacons_take_the_fast_path(simulated_beacons: list[dict]) -> None:
    """Every valid simulator beacon is plainly valid (else the property test proves little)."""
    from video_insights.landing.fastpath import FastPath

    con = duckdb.connect()
    fast = FastPath(con, frozenset())
    table = fast.start_file("t")
    counter = itertools.count(1)
    lines = [orjson.dumps(b) for b in simulated_beacons]
    others = fast.chunk(
        table,
        1,
        lines,
        beacon_id_hasher(b"k" * 32),
        lambda kind, vals: [next(counter) for _ in vals],
    )
    assert others.tolist() == []
    assert con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == len(lines)


def test_tricky_lines_land_the_same_on_both_paths(
    simulated_beacons: list[dict], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cases Hypothesis found or that sit on a condition's edge, always run."""
    base = orjson.dumps(simulated_beacons[0])[:-1]
    tails = [
        b',"extra":18446744073709551616}',  # beyond UBIGINT: orjson reads a float
        b',"extra":9223372036854775808}',  # beyond BIGINT: orjson reads an int
        b',"extra":-0}',
        b',"extra":1.50}',
        b',"extra":true}',
        b',"extra":null}',
        b',"extra":"a","extra":"b"}',
        b',"targetPosition":1e20}',
        b',"targetPosition":-0.0}',
        b',"targetPosition":1.50}',
        b',"targetPosition":0.00001}',
        b',"errorPosition":-0}',
        b',"errorPosition":9223372036854775807}',
        b',"errorPosition":9223372036854775808}',
        b',"customVar1":12345678901234567890123}',
        b',"customVar1":2.5}',
        b',"a b":1}',
        b',"":1}',
        b"}   ",
        b",}",
    ]
    _equivalent([base + tail for tail in tails], False, monkeypatch)


def test_worker_processes_land_the_same_on_both_paths(
    simulated_beacons: list[dict], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fast path in landing's worker processes (the ``fastpath`` argument, not the setting)."""
    lines = [orjson.dumps(b) for b in simulated_beacons[:300]]
    lines[7] = lines[7].replace(b'"eventType":', b'"eventType":"x","y":', 1)
    _equivalent(lines, True, monkeypatch, files=2, workers=2)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_forgotten_viewer_is_dropped_the_same_on_both_paths(
    simulated_beacons: list[dict], monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    """The forget ledger's filter (privacy/forgotten.py) applies on the fast path too."""
    viewer = next(b for b in simulated_beacons if b.get("userId"))
    forget = (viewer["partnerId"], viewer["userId"])
    lines = [orjson.dumps(b) for b in simulated_beacons[:300]]
    summary = _equivalent(lines, True, monkeypatch, files=2, workers=workers, forget=forget)
    assert summary["rows_forgotten"] >= 1  # the viewer's first beacon at least
