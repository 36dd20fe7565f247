"""The DuckDB fast path of the beacon hot loop: lines Python's rules would accept unchanged.

Python inflates the file and splits its lines (:class:`.inbox.LineReader`, so the truncated-gzip
rule is unchanged) and hands them to DuckDB in chunks. One vectorized query (parallel on every
core) decides per line whether it is *plainly valid*: conditions that imply the verdict of
:mod:`.parse` exactly, and under which DuckDB's typed values and the canonical JSON text equal
Python's. Those lines are typed in DuckDB; every other line (bad, coerced, unusual) goes through
the unchanged Python rules (:class:`.beacons.BeaconLines`), so quarantine reasons and the order
of the first bad field do not change.

The conditions (all of them, per line):

* valid UTF-8 (Python decodes the chunk), at most :data:`.parse.MAX_LINE_BYTES` bytes, the first
  byte ``{``, no backslash (so every ``"`` delimits a string and no string has an escape), no
  character below U+0020 (tabs and carriage returns go to Python), no ``,`` followed by ``}`` or
  ``]`` (DuckDB's JSON reader accepts trailing commas, orjson does not), and ``json_valid``;
* no extra, duplicate or null keys: the number of keys (``json_keys``, duplicates included)
  equals the number of known fields (beacon fields, ``receivedAt``, ``ipAddress``,
  ``userAgent``) present with a non-null value (DuckDB keeps the first of duplicate keys,
  orjson the last);
* every known field of exactly its JSON type: ``int`` fields a JSON integer within BIGINT range
  written as DuckDB writes it back, ``float`` fields such an integer or a finite JSON number
  whose text has no exponent and equals DuckDB's DOUBLE -> VARCHAR text (which equals Python's
  ``repr`` and ``orjson.dumps`` in that range), ``str`` fields a JSON string or such an integer
  (ids sent as numbers, e.g. ``uiConfId``: Python turns them into their decimal text);
  ``ipAddress``/``userAgent`` strings;
* ``eventType`` one of the event codes, ``playbackType`` absent or exactly ``vod``/``live``/
  ``dvr``, ``receivedAt`` in the collector form ``YYYY-MM-DDTHH:MM:SS.fffZ`` with a real date
  (years 1000-9999) and time;
* the partner does not pseudonymize user ids (those beacons take the Python path, which
  replaces ``userId``).

``beacon_id`` stays the keyed BLAKE2b-128 of the canonical JSON (sorted keys, compact) of the raw
object without ``receivedAt``: DuckDB builds that text from the JSON values (under the
conditions above, DuckDB writes every value back exactly as orjson does) and Python hashes the
list (:func:`.secrets.beacon_id_hasher`, the same hash as the Python path). IP address, user
agent and referrer are resolved once per distinct value by the same
:class:`.beacons.Enricher` and the same per-file ids as the Python path, and joined in SQL.

The fast rows of a file are kept in a DuckDB table of the landing writer's database (the spool
columns plus the UTC date) until its Parquet files are written; the writer reads them together
with the Python path's NDJSON spool (:func:`.beacons.beacons_select`).

``VIDEO_INSIGHTS_LANDING_FASTPATH=1`` turns the fast path on; it is off by default because it
measured slower than the Python path (docs/benchmarks.md, "Landing throughput").
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import duckdb
import orjson

from video_insights.contract import (
    BEACON_FIELDS,
    EVENT_TYPES,
    IP_ADDRESS,
    PLAYBACK_TYPES,
    RECEIVED_AT,
    REQUIRED_FIELDS,
    USER_AGENT,
)
from video_insights.landing.parse import DEFAULT_PLAYBACK_TYPE, MAX_LINE_BYTES
from video_insights.landing.writer import sql_ident, sql_literal

if TYPE_CHECKING:  # pandas and numpy are imported when the fast path runs (landing's import
    import numpy as np  # stays light when it is off)

FASTPATH_ENV = "VIDEO_INSIGHTS_LANDING_FASTPATH"
CHUNK_LINES = 50_000  # lines per DuckDB query (memory: a few tens of MB of text)

_KIND = {f.kava_name: f.kind for f in BEACON_FIELDS}
_ALL = (*_KIND, RECEIVED_AT, IP_ADDRESS, USER_AGENT)
_COLS = {name: f"v{i}" for i, name in enumerate(_ALL)}  # field -> column of its JSON text


def enabled() -> bool:
    """Opt-in: ``$VIDEO_INSIGHTS_LANDING_FASTPATH`` = 1/true/yes/on (measured slower than the
    Python path on this project's machines, see docs/benchmarks.md "Landing throughput")."""
    value = os.environ.get(FASTPATH_ENV, "").strip().lower()
    return value in ("1", "true", "yes", "on")


def _integer(v: str) -> str:
    """A JSON integer in BIGINT range, written as DuckDB writes it back (no sign games)."""
    return f"(TRY_CAST({v} AS BIGINT)::VARCHAR = {v})"


def _plain_double(v: str) -> str:
    """A finite JSON number without exponent whose text is DuckDB's (= Python's repr)."""
    return (
        f"(contains({v}, '.') AND NOT contains({v}, 'e') AND NOT contains({v}, 'E')"
        f" AND TRY_CAST({v} AS DOUBLE)::VARCHAR = {v} AND isfinite(TRY_CAST({v} AS DOUBLE)))"
    )


def _is_string(v: str) -> str:
    return f"(left({v}, 1) = '\"')"


def _unquote(v: str) -> str:
    return f"{v}[2:-2]"


def _field_ok(name: str) -> str:
    v = _COLS[name]
    if name == RECEIVED_AT:
        return (
            f"({v} IS NOT NULL AND regexp_full_match({v}, "
            r"""'"[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]\.[0-9]{3}Z"')"""
            f" AND TRY_CAST({v}[2:11] AS DATE) IS NOT NULL)"
        )
    if name in (IP_ADDRESS, USER_AGENT):
        return f"({v} IS NULL OR {_is_string(v)})"
    kind = _KIND[name]
    if kind == "int":
        test = _integer(v)
    elif kind == "float":
        test = f"({_integer(v)} OR {_plain_double(v)})"
    else:
        test = f"({_is_string(v)} OR {_integer(v)})"
    if name in REQUIRED_FIELDS:
        return f"({v} IS NOT NULL AND {test})"
    return f"({v} IS NULL OR {test})"


def _typed(name: str) -> str:
    v = _COLS[name]
    kind = _KIND[name]
    if name == "playbackType":
        return f"coalesce({_unquote(v)}, {sql_literal(DEFAULT_PLAYBACK_TYPE)})"
    if kind == "int":
        return f"CAST({v} AS BIGINT)"
    if kind == "float":
        return f"CAST({v} AS DOUBLE)"
    return f"CASE WHEN {_is_string(v)} THEN {_unquote(v)} ELSE {v} END"


def _known_pairs() -> list[tuple[str, str]]:
    """(key, SQL text of '"key":value' or NULL when absent), in sorted key order."""
    pairs = []
    for name in sorted(n for n in _ALL if n != RECEIVED_AT):
        label = sql_literal('"' + name + '":')
        pairs.append(
            (name, f"CASE WHEN {_COLS[name]} IS NOT NULL THEN {label} || {_COLS[name]} END")
        )
    return pairs


def _canonical() -> str:
    """orjson.dumps(raw object without receivedAt, OPT_SORT_KEYS) under the conditions: the
    known fields' pairs in their (fixed) sorted order, merged with the extra fields by key."""
    pairs = _known_pairs()
    simple = f"'{{' || concat_ws(',', {', '.join(text for _, text in pairs)}) || '}}'"
    known = ", ".join(f"{{'k': {sql_literal(name)}, 'p': {text}}}" for name, text in pairs)
    merged = (
        f"list_filter([{known}], lambda s: s.p IS NOT NULL)"
        " || list_transform(xk, lambda k, i: {'k': k, 'p': '\"' || k || '\":' || xv[i]})"
    )
    full = (
        f"'{{' || array_to_string(list_transform(list_sort({merged}), lambda s: s.p), ',') || '}}'"
    )
    return f"CASE WHEN len(xk) = 0 THEN {simple} ELSE {full} END"


_EXTRAS_JSON = (
    "CASE WHEN len(xk) > 0 THEN '{' || array_to_string("
    "list_transform(xk, lambda k, i: '\"' || k || '\":' || xv[i]), ',') || '}' END"
)


def _classify_sql(excluded_partners: frozenset[int]) -> str:
    struct = orjson.dumps(dict.fromkeys(_ALL, "JSON")).decode()
    unpack = ", ".join(f"j[{sql_literal(n)}]::VARCHAR AS {_COLS[n]}" for n in _ALL)
    present = " + ".join(f"({_COLS[n]} IS NOT NULL)::INTEGER" for n in _ALL)
    events = ", ".join(str(code) for code in sorted(EVENT_TYPES))
    playback = ", ".join(sql_literal(f'"{p}"') for p in sorted(PLAYBACK_TYPES))
    known = "[" + ", ".join(sql_literal(n) for n in _ALL) + "]"
    conditions = [
        # no duplicate and no null keys: every key is a present known field or an extra one
        f"len(keys) = {present} + len(xk)",
        "len(list_distinct(xk)) = len(xk)",
        # extra fields: plain names, string or BIGINT values (Python keeps them as they are)
        "coalesce(list_bool_and(list_transform(xk,"
        " lambda k: regexp_full_match(k, '[A-Za-z0-9_]+'))), true)",
        "coalesce(list_bool_and(list_transform(xv, lambda v: left(v, 1) = '\"'"
        " OR coalesce(TRY_CAST(v AS BIGINT)::VARCHAR = v, false))), true)",
        *(_field_ok(n) for n in _ALL),
        f"TRY_CAST({_COLS['eventType']} AS BIGINT) IN ({events})",
        f"({_COLS['playbackType']} IS NULL OR {_COLS['playbackType']} IN ({playback}))",
    ]
    if excluded_partners:
        partners = ", ".join(str(p) for p in sorted(excluded_partners))
        conditions.append(f"TRY_CAST({_COLS['partnerId']} AS BIGINT) NOT IN ({partners})")
    # CASE keeps the JSON functions off lines that are not valid JSON (they would raise).
    # json_valid rejects raw control characters in strings; of DuckDB's extensions only
    # trailing commas need a test (nested values are never on the fast path: only the
    # object's own closing brace can follow one)
    plain = (
        f"line IS NOT NULL AND strlen(line) <= {MAX_LINE_BYTES} AND left(line, 1) = '{{'"
        r" AND NOT contains(line, '\')"
        r" AND NOT regexp_matches(line, ',\s*\}\s*$')"
    )
    return (
        "WITH plain AS ("
        f"  SELECT n, CASE WHEN {plain} AND json_valid(line) THEN line END AS line FROM fp_chunk"
        "), parsed AS ("
        "  SELECT n, line, CASE WHEN line IS NOT NULL THEN json_keys(line) END AS keys,"
        f"  CASE WHEN line IS NOT NULL THEN json_transform(line, {sql_literal(struct)}) END AS j"
        "  FROM plain"
        "), extras AS ("
        f"  SELECT *, list_filter(keys, lambda k: NOT list_contains({known}, k)) AS xk FROM parsed"
        "), fields AS ("
        "  SELECT n, keys, xk, CASE WHEN len(xk) > 0 THEN list_filter("
        "   json_extract(line, '$.*')::VARCHAR[],"
        f"   lambda v, i: NOT list_contains({known}, keys[i])) ELSE [] END AS xv,"
        f"  {unpack} FROM extras"
        "), classified AS ("
        f"  SELECT *, {' AND '.join(conditions)} AS fast FROM fields"
        ")"
        f" SELECT n, fast, CASE WHEN fast THEN {_canonical()} END AS canonical,"
        f" CASE WHEN fast THEN {_EXTRAS_JSON} END AS extra_fields,"
        f" {', '.join(_COLS[name] for name in _ALL)} FROM classified"
    )


def python_only_partners(pseudonymized: frozenset[int], forgotten: object | None) -> frozenset[int]:
    """Partners whose beacons always take the Python path: those with pseudonymized user ids
    (replaced there) and those with a viewer in the forget ledger (``ForgottenViewers``: their
    beacons are dropped and counted there, with the one ``drops`` call)."""
    ledger = getattr(forgotten, "partners", None) or frozenset()
    return frozenset(pseudonymized) | frozenset(ledger)


SPOOL_FIELDS = tuple(f.kava_name for f in BEACON_FIELDS if f.kava_name != "referrer")


class FastPath:
    """Runs the fast path for the files of one landing run on a cursor of the writer's DuckDB."""

    def __init__(self, con: duckdb.DuckDBPyConnection, excluded_partners: frozenset[int]) -> None:
        self.con = con
        self.classify_sql = _classify_sql(excluded_partners)

    @classmethod
    def for_writer(
        cls, writer_con: duckdb.DuckDBPyConnection, excluded_partners: frozenset[int], on: bool
    ) -> FastPath | None:
        """The fast path on a cursor of the landing writer's database (its per-file tables are
        read by the writer), or None when ``on`` is false. ``excluded_partners``: partners whose
        beacons always take the Python path (pseudonymized user ids)."""
        return cls(writer_con.cursor(), excluded_partners) if on else None

    def start_file(self, sha16: str) -> str:
        """Create the (empty) table of a file's fast rows; returns its name."""
        table = f"fastpath_{sha16}"
        columns = ", ".join(f"{sql_ident(n)} {_SQL_TYPE[_KIND[n]]}" for n in SPOOL_FIELDS)
        self.con.execute(
            f"CREATE OR REPLACE TABLE {table} ({columns}, _t VARCHAR, _b VARCHAR, _l INTEGER,"
            " _g INTEGER, _u INTEGER, _r INTEGER, _x VARCHAR, _day VARCHAR)"
        )
        return table

    def drop(self, table: str) -> None:
        self.con.execute(f"DROP TABLE IF EXISTS {table}")

    def chunk(
        self,
        table: str,
        first: int,
        lines: list[bytes],
        hasher: Any,
        ids: Callable[[str, list], list[int]],
    ) -> np.ndarray:
        """Land the plainly valid lines of ``lines`` (numbered from ``first``) into ``table``;
        returns the numbers of the other lines (for the Python path), ascending.

        ``ids(kind, values)``: the per-file enrichment ids of distinct IPs, user agents or
        referrers (kind "ip", "ua", "ref"), as the Python path assigns them."""
        import numpy as np
        import pandas as pd

        try:
            texts: list[str | None] = b"\n".join(lines).decode().split("\n")
        except UnicodeDecodeError:
            texts = [_decode(line) for line in lines]
        con = self.con
        chunk = pd.DataFrame(
            {
                "n": np.arange(first, first + len(lines), dtype=np.int32),
                "line": pd.array(texts, dtype="string[python]"),
            }
        )
        con.register("fp_chunk", chunk)
        try:
            return self._chunk(table, hasher, ids)
        finally:
            for name in ("fp_chunk", "fp_ids", "fp_ip", "fp_ua", "fp_ref"):
                with contextlib.suppress(duckdb.Error, KeyError):
                    con.unregister(name)
            con.execute("DROP TABLE IF EXISTS fp_fast")

    def _chunk(self, table: str, hasher: Any, ids: Callable[[str, list], list[int]]) -> np.ndarray:
        import pandas as pd

        con = self.con
        con.execute(f"CREATE OR REPLACE TEMP TABLE fp_fast AS {self.classify_sql}")
        others = con.execute("SELECT n FROM fp_fast WHERE fast IS NOT TRUE ORDER BY n")
        others = others.fetchnumpy()["n"]
        fast = con.execute("SELECT n, canonical FROM fp_fast WHERE fast ORDER BY n").fetchnumpy()
        if len(fast["n"]) == 0:
            return others
        digests = []
        for text in fast["canonical"]:
            state = hasher.copy()
            state.update(text.encode())
            digests.append(state.hexdigest())
        hashed = pd.DataFrame({"n": fast["n"], "b": digests})
        dims = {}
        for kind, name in (("ip", IP_ADDRESS), ("ua", USER_AGENT), ("ref", "referrer")):
            column = _COLS[name]
            values = [
                row[0]
                for row in con.execute(
                    f"SELECT DISTINCT {_unquote(column)} FROM fp_fast WHERE fast"
                    " ORDER BY 1 NULLS FIRST"
                ).fetchall()
            ]
            if kind == "ref":
                values = [v for v in values if v is not None]
            dims[kind] = pd.DataFrame(
                {"v": pd.array(values, dtype="string[python]"), "i": ids(kind, values)}
            )
        con.register("fp_ids", hashed)
        for kind, frame in dims.items():
            con.register(f"fp_{kind}", frame)
        typed = ", ".join(f"{_typed(n)} AS {sql_ident(n)}" for n in SPOOL_FIELDS)
        received = _COLS[RECEIVED_AT]
        con.execute(
            f"INSERT INTO {table} SELECT {typed}, {received}[2:24] AS _t, ids.b AS _b, f.n AS _l,"
            " ip.i AS _g, ua.i AS _u, ref.i AS _r, f.extra_fields AS _x,"
            f" {received}[2:11] AS _day"
            " FROM (SELECT * FROM fp_fast WHERE fast) AS f JOIN fp_ids AS ids USING (n)"
            f" JOIN fp_ip AS ip ON ip.v IS NOT DISTINCT FROM {_unquote(_COLS[IP_ADDRESS])}"
            f" JOIN fp_ua AS ua ON ua.v IS NOT DISTINCT FROM {_unquote(_COLS[USER_AGENT])}"
            f" LEFT JOIN fp_ref AS ref ON ref.v = {_unquote(_COLS['referrer'])}"
        )
        return others

    def rows_by_day(self, table: str) -> dict[str, int]:
        return dict(self.con.execute(f"SELECT _day, count(*) FROM {table} GROUP BY ALL").fetchall())


_SQL_TYPE = {"int": "BIGINT", "float": "DOUBLE", "str": "VARCHAR"}


def _decode(line: bytes) -> str | None:
    try:
        return line.decode()
    except UnicodeDecodeError:
        return None
