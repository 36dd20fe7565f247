"""Beacon files: the hot loop (validate, ``beacon_id``, enrich) and the SELECT that writes them.

Per line: parse with orjson, compute ``beacon_id`` (keyed BLAKE2b-128 of the canonical JSON of
the raw object without ``receivedAt``, keyed by the warehouse's secret landing key: an unkeyed
hash of a beacon that includes its IPv4 address could be brute-forced back to the address),
validate (:class:`.parse.BeaconChecker`), then replace the IP
address, user agent and referrer by small per-file ids whose enrichment (looked up once per
distinct value and call, :class:`Enricher`) goes to a dimensions spool. Rows are spooled as
NDJSON per UTC date; DuckDB joins the ids back (list indexing) while writing Parquet.

The rules for one line are :meth:`BeaconLines.line`; with the (opt-in) DuckDB fast path
(:mod:`.fastpath`) only the lines it does not take reach them, and its rows join the spool's
when the Parquet files are written (:func:`beacons_select`).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import orjson

from video_insights.contract import BEACON_FIELDS, IP_ADDRESS, USER_AGENT
from video_insights.landing.fastpath import CHUNK_LINES, FastPath
from video_insights.landing.geo import GeoLookup
from video_insights.landing.inbox import InboxFile, LineReader
from video_insights.landing.parse import (
    MAX_LINE_BYTES,
    MISSING,
    BadLine,
    BeaconChecker,
    collector_string,
    load_object,
    too_long,
)
from video_insights.landing.referrer import parse_referrer
from video_insights.landing.secrets import beacon_id_hasher
from video_insights.landing.staged import Staged
from video_insights.landing.useragent import parse_agent
from video_insights.landing.writer import (
    BEACON_COLUMNS,
    BEACON_TYPES,
    FileOutputs,
    read_spool,
    sql_ident,
    sql_literal,
    timestamp_literal,
)
from video_insights.privacy.forgotten import ForgottenViewers
from video_insights.privacy.pseudonymize import Pseudonymizer

# Keys of the beacon spool that are not beacon fields (a beacon's own keys never start with "_"
# once its extra fields are removed, so they cannot collide).
_TS, _ID, _LINE, _GEO, _UA, _REF, _EXTRA = "_t", "_b", "_l", "_g", "_u", "_r", "_x"
_BEACON_SPOOL_COLUMNS: dict[str, str] = {
    **{f.kava_name: BEACON_TYPES[f.kind] for f in BEACON_FIELDS if f.kava_name != "referrer"},
    _TS: "VARCHAR",
    _ID: "VARCHAR",
    _LINE: "INTEGER",
    _GEO: "INTEGER",
    _UA: "INTEGER",
    _REF: "INTEGER",
    _EXTRA: "VARCHAR",
}
# Enrichment results of one file: kind (geo, user agent, referrer), 1-based id, up to 4 values.
_DIMS_COLUMNS = {
    "k": "TINYINT",
    "i": "INTEGER",
    "a": "VARCHAR",
    "b": "VARCHAR",
    "c": "VARCHAR",
    "d": "VARCHAR",
}
_GEO_KIND, _UA_KIND, _REF_KIND = 0, 1, 2


def _beacon_expressions() -> dict[str, str]:
    by_column = {f.column: f for f in BEACON_FIELDS}
    special = {
        "received_at": f"b.{_TS}",
        "beacon_id": f"b.{_ID}",
        "referrer": f"d.ref[b.{_REF}][1]",
        "country": f"d.geo[b.{_GEO}][1]",
        "country_name": f"d.geo[b.{_GEO}][2]",
        "region": f"d.geo[b.{_GEO}][3]",
        "city": f"d.geo[b.{_GEO}][4]",
        "device": f"d.ua[b.{_UA}][1]",
        "os": f"d.ua[b.{_UA}][2]",
        "browser": f"d.ua[b.{_UA}][3]",
        "domain": f"d.ref[b.{_REF}][2]",
        "canonical_url": f"d.ref[b.{_REF}][3]",
        "extra_fields": f"b.{_EXTRA}",
        "source_line": f"b.{_LINE}",
    }
    return {
        column: special.get(column) or f"b.{sql_ident(by_column[column].kava_name)}"
        for column in BEACON_COLUMNS
        if column not in ("source_file_sha256", "landed_at")
    }


_BEACON_EXPRESSIONS = _beacon_expressions()


def beacons_select(
    spool: Path | None,
    dims: Path,
    sha256: str,
    landed_at: datetime,
    fast_table: str | None = None,
    day: str | None = None,
) -> str:
    """The SELECT that turns a beacon spool and its enrichment ids into the landed columns.

    ``fast_table``/``day``: the fast path's rows of that UTC date join the spool's (either may
    have none)."""
    expressions = {
        **_BEACON_EXPRESSIONS,
        "source_file_sha256": sql_literal(sha256),
        "landed_at": timestamp_literal(landed_at),
    }
    columns = ", ".join(
        f"CAST({expressions[name]} AS {kind}) AS {sql_ident(name)}"
        for name, kind in BEACON_COLUMNS.items()
    )
    return (
        "WITH d AS (SELECT "
        f"list([a, b, c, d] ORDER BY i) FILTER (WHERE k = {_GEO_KIND}) AS geo, "
        f"list([a, b, c] ORDER BY i) FILTER (WHERE k = {_UA_KIND}) AS ua, "
        f"list([a, b, c] ORDER BY i) FILTER (WHERE k = {_REF_KIND}) AS ref "
        f"FROM {read_spool(dims, _DIMS_COLUMNS)}) "
        f"SELECT {columns} FROM {_beacon_rows(spool, fast_table, day)} AS b, d"
    )


def _beacon_rows(spool: Path | None, fast_table: str | None, day: str | None) -> str:
    sources = []
    if spool is not None:
        sources.append(f"SELECT * FROM {read_spool(spool, _BEACON_SPOOL_COLUMNS)}")
    if fast_table is not None:
        names = ", ".join(sql_ident(name) for name in _BEACON_SPOOL_COLUMNS)
        sources.append(f"SELECT {names} FROM {fast_table} WHERE _day = {sql_literal(day or '')}")
    if len(sources) == 1 and spool is not None:
        return read_spool(spool, _BEACON_SPOOL_COLUMNS)
    return "(" + " UNION ALL BY NAME ".join(sources) + ")"


class Enricher:
    """Per-call caches: each distinct IP, user agent and referrer is resolved once per call."""

    def __init__(self, geo: GeoLookup) -> None:
        self.geo = geo
        self.ips: dict[str | None, tuple] = {}
        self.agents: dict[str | None, tuple] = {}
        self.referrers: dict[str, tuple] = {}

    def geo_of(self, ip: str | None) -> tuple:
        found = self.ips.get(ip)
        if found is None:
            found = self.ips[ip] = tuple(self.geo.lookup(ip))
        return found

    def agent_of(self, ua: str | None) -> tuple:
        found = self.agents.get(ua)
        if found is None:
            found = self.agents[ua] = tuple(parse_agent(ua))
        return found

    def referrer_of(self, referrer: str) -> tuple:
        found = self.referrers.get(referrer)
        if found is None:
            found = self.referrers[referrer] = tuple(parse_referrer(referrer))
        return found

    @property
    def distinct_ips(self) -> int:
        return sum(1 for ip in self.ips if ip is not None)

    @property
    def distinct_agents(self) -> int:
        return sum(1 for ua in self.agents if ua is not None)


def stage_beacons(
    file: InboxFile,
    sha256: str,
    outputs: FileOutputs,
    enricher: Enricher,
    checker: BeaconChecker,
    key: bytes,
    pseudonymizer: Pseudonymizer | None = None,
    forgotten: ForgottenViewers | None = None,
    fast: FastPath | None = None,
) -> Staged:
    """Read, validate and enrich a beacon file into per-date spools (the hot loop).

    ``key``: the landing key of ``beacon_id``; ``pseudonymizer``: replaces the ``userId`` of the
    partners that require it (None: no partner does); ``forgotten``: the forget ledger's viewers,
    whose beacons are dropped and counted (None: nobody was forgotten); ``fast``: the DuckDB fast
    path (:mod:`.fastpath`) for plainly valid lines, None to take every line through the Python
    rules (the fast path leaves the beacons of partners with a forgotten viewer to them)."""
    staged = Staged.start(file, sha256, outputs, pseudonymizer, forgotten)
    lines = BeaconLines(staged, outputs, enricher, checker, key, pseudonymizer, forgotten)
    reader = LineReader(file.path, file.gzipped)
    line_number = 0
    if fast is None:
        one = lines.line
        for block in reader:
            for line in block:
                line_number += 1
                one(line_number, line)
            lines.flush()
    else:
        staged.fast_table = fast.start_file(staged.sha16)
        pending: list[bytes] = []
        for block in reader:
            pending.extend(block)
            if len(pending) >= CHUNK_LINES:
                lines.fast_chunk(fast, line_number + 1, pending)
                line_number += len(pending)
                pending = []
        if pending:
            lines.fast_chunk(fast, line_number + 1, pending)
            line_number += len(pending)
    staged.finish_reading(reader, line_number, lines.blank)
    spools = staged.spools
    by_date = {day: spool.rows for day, spool in spools.items()}
    if fast is not None and staged.fast_table is not None:
        for day, rows in fast.rows_by_day(staged.fast_table).items():
            by_date[day] = by_date.get(day, 0) + rows
    staged.result.rows_by_event_date.update(by_date)
    staged.result.landed_rows = sum(by_date.values())
    return staged


class BeaconLines:
    """The Python rules for one line of a beacon file (:meth:`line`), and the hand-over of
    chunks of lines to the fast path (:meth:`fast_chunk`), sharing the per-file enrichment ids."""

    def __init__(
        self,
        staged: Staged,
        outputs: FileOutputs,
        enricher: Enricher,
        checker: BeaconChecker,
        key: bytes,
        pseudonymizer: Pseudonymizer | None,
        forgotten: ForgottenViewers | None = None,
    ) -> None:
        self.staged = staged
        self.forgotten = forgotten
        self.outputs = outputs
        self.enricher = enricher
        self.hasher = beacon_id_hasher(key)
        self.pseudonymizer = pseudonymizer
        self.pseudonymized = pseudonymizer.partners if pseudonymizer is not None else ()
        self.dims = staged.dims = outputs.spool(f"dims-{staged.sha16}.ndjson")
        self.ip_ids: dict[str | None, int] = {}
        self.ua_ids: dict[str | None, int] = {}
        self.ref_ids: dict[str, int] = {}
        self.check_fields, self.check_received = checker.fields, checker.received
        self.blank = 0

    def flush(self) -> None:
        for spool in self.staged.spools.values():
            spool.flush()
        self.dims.flush()

    def geo_id(self, ip: str | None) -> int:
        geo = self.ip_ids.get(ip)
        if geo is None:
            geo = self.ip_ids[ip] = len(self.ip_ids) + 1
            self.dims.add_object({"k": _GEO_KIND, "i": geo, **_abcd(self.enricher.geo_of(ip))})
        return geo

    def agent_id(self, ua: str | None) -> int:
        agent = self.ua_ids.get(ua)
        if agent is None:
            agent = self.ua_ids[ua] = len(self.ua_ids) + 1
            self.dims.add_object({"k": _UA_KIND, "i": agent, **_abcd(self.enricher.agent_of(ua))})
        return agent

    def referrer_id(self, referrer: str) -> int:
        ref = self.ref_ids.get(referrer)
        if ref is None:
            ref = self.ref_ids[referrer] = len(self.ref_ids) + 1
            self.dims.add_object(
                {"k": _REF_KIND, "i": ref, **_abcd(self.enricher.referrer_of(referrer))}
            )
        return ref

    def ids(self, kind: str, values: list) -> list[int]:
        """Enrichment ids of distinct values for the fast path (kind "ip", "ua" or "ref")."""
        assign = {"ip": self.geo_id, "ua": self.agent_id, "ref": self.referrer_id}[kind]
        return [assign(value) for value in values]

    def fast_chunk(self, fast: FastPath, first: int, lines: list[bytes]) -> None:
        assert self.staged.fast_table is not None
        others = fast.chunk(self.staged.fast_table, first, lines, self.hasher, self.ids)
        one = self.line
        for number in others.tolist():
            one(number, lines[number - first])
        self.flush()

    def line(self, line_number: int, line: bytes) -> None:
        """The Python rules for one line: spool the typed beacon or quarantine the line."""
        staged = self.staged
        if not line or line.isspace():
            self.blank += 1
            return
        try:
            if len(line) > MAX_LINE_BYTES:
                raise too_long(line)
            obj = orjson.loads(line)
            if type(obj) is not dict:
                load_object(line)  # raises the "not a JSON object" verdict
            raw_received = obj.pop("receivedAt", MISSING)
            # beacon_id: the raw object without receivedAt (ipAddress/userAgent included)
            hashed = self.hasher.copy()
            hashed.update(orjson.dumps(obj, option=orjson.OPT_SORT_KEYS))
            beacon_id = hashed.hexdigest()
            ip = obj.pop(IP_ADDRESS, None)
            ua = obj.pop(USER_AGENT, None)
            extra = self.check_fields(obj)
            received, day = self.check_received(raw_received)
            if ip is not None and type(ip) is not str:
                collector_string(IP_ADDRESS, ip)
            if ua is not None and type(ua) is not str:
                collector_string(USER_AGENT, ua)
        except orjson.JSONDecodeError:
            try:
                load_object(line)
            except BadLine as bad:
                staged.bad(line_number, bad, line)
            return
        except BadLine as bad:
            staged.bad(line_number, bad, line)
            return
        if self.pseudonymized and obj["partnerId"] in self.pseudonymized:
            user = obj.get("userId")
            if user is not None:
                obj["userId"] = self.pseudonymizer.user_id(obj["partnerId"], user)  # type: ignore[union-attr]
        if self.forgotten is not None and self.forgotten.drops(
            staged.result, obj["partnerId"], obj.get("userId")
        ):
            return
        geo = self.ip_ids.get(ip)
        if geo is None:
            geo = self.geo_id(ip)
        agent = self.ua_ids.get(ua)
        if agent is None:
            agent = self.agent_id(ua)
        referrer = obj.pop("referrer", None)
        if referrer is not None:
            ref = self.ref_ids.get(referrer)
            if ref is None:
                ref = self.referrer_id(referrer)
            obj[_REF] = ref
        obj[_TS] = received
        obj[_ID] = beacon_id
        obj[_LINE] = line_number
        obj[_GEO] = geo
        obj[_UA] = agent
        if extra is not None:
            obj[_EXTRA] = extra
        spool = staged.spools.get(day)
        if spool is None:
            spool = staged.spools[day] = self.outputs.spool(f"beacons-{staged.sha16}-{day}.ndjson")
        spool.add(orjson.dumps(obj, option=orjson.OPT_APPEND_NEWLINE))


def _abcd(values: tuple) -> dict:
    return dict(zip("abcd", values, strict=False))
