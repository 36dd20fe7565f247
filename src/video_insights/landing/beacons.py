"""Beacon files: the hot loop (validate, ``beacon_id``, enrich) and the SELECT that writes them.

Per line: parse with orjson, compute ``beacon_id`` (keyed BLAKE2b-128 of the canonical JSON of
the raw object without ``receivedAt``, keyed by the warehouse's secret landing key: an unkeyed
hash of a beacon that includes its IPv4 address could be brute-forced back to the address),
validate (:class:`.parse.BeaconChecker`), then replace the IP
address, user agent and referrer by small per-file ids whose enrichment (looked up once per
distinct value and call, :class:`Enricher`) goes to a dimensions spool. Rows are spooled as
NDJSON per UTC date; DuckDB joins the ids back (list indexing) while writing Parquet.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

import orjson

from video_insights.contract import BEACON_FIELDS, IP_ADDRESS, USER_AGENT
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


def beacons_select(spool: Path, dims: Path, sha256: str, landed_at: datetime) -> str:
    """The SELECT that turns a beacon spool and its enrichment ids into the landed columns."""
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
        f"SELECT {columns} FROM {read_spool(spool, _BEACON_SPOOL_COLUMNS)} AS b, d"
    )


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
) -> Staged:
    """Read, validate and enrich a beacon file into per-date spools (the hot loop).

    ``key``: the landing key of ``beacon_id``; ``pseudonymizer``: replaces the ``userId`` of the
    partners that require it (None: no partner does); ``forgotten``: the forget ledger's viewers,
    whose beacons are dropped and counted (None: nobody was forgotten)."""
    staged = Staged.start(file, sha256, outputs, pseudonymizer, forgotten)
    pseudonymized = pseudonymizer.partners if pseudonymizer is not None else ()
    sha16 = staged.sha16
    spools = staged.spools
    dims = staged.dims = outputs.spool(f"dims-{sha16}.ndjson")
    ip_ids: dict[str | None, int] = {}
    ua_ids: dict[str | None, int] = {}
    ref_ids: dict[str, int] = {}
    loads, dumps, blake2b = orjson.loads, orjson.dumps, hashlib.blake2b
    sort_keys, newline = orjson.OPT_SORT_KEYS, orjson.OPT_APPEND_NEWLINE
    check_fields, check_received = checker.fields, checker.received
    line_number = blank = 0
    reader = LineReader(file.path, file.gzipped)
    for block in reader:
        for line in block:
            line_number += 1
            if not line or line.isspace():
                blank += 1
                continue
            try:
                if len(line) > MAX_LINE_BYTES:
                    raise too_long(line)
                obj = loads(line)
                if type(obj) is not dict:
                    load_object(line)  # raises the "not a JSON object" verdict
                raw_received = obj.pop("receivedAt", MISSING)
                # beacon_id: the raw object without receivedAt (ipAddress/userAgent included)
                beacon_id = blake2b(
                    dumps(obj, option=sort_keys), digest_size=16, key=key
                ).hexdigest()
                ip = obj.pop(IP_ADDRESS, None)
                ua = obj.pop(USER_AGENT, None)
                extra = check_fields(obj)
                received, day = check_received(raw_received)
                if ip is not None and type(ip) is not str:
                    collector_string(IP_ADDRESS, ip)
                if ua is not None and type(ua) is not str:
                    collector_string(USER_AGENT, ua)
            except orjson.JSONDecodeError:
                try:
                    load_object(line)
                except BadLine as bad:
                    staged.bad(line_number, bad, line)
                continue
            except BadLine as bad:
                staged.bad(line_number, bad, line)
                continue
            if pseudonymized and obj["partnerId"] in pseudonymized:
                user = obj.get("userId")
                if user is not None:
                    obj["userId"] = pseudonymizer.user_id(obj["partnerId"], user)  # type: ignore[union-attr]
            if forgotten is not None and forgotten.drops(
                staged.result, obj["partnerId"], obj.get("userId")
            ):
                continue
            geo = ip_ids.get(ip)
            if geo is None:
                geo = ip_ids[ip] = len(ip_ids) + 1
                dims.add_object({"k": _GEO_KIND, "i": geo, **_abcd(enricher.geo_of(ip))})
            agent = ua_ids.get(ua)
            if agent is None:
                agent = ua_ids[ua] = len(ua_ids) + 1
                dims.add_object({"k": _UA_KIND, "i": agent, **_abcd(enricher.agent_of(ua))})
            referrer = obj.pop("referrer", None)
            if referrer is not None:
                ref = ref_ids.get(referrer)
                if ref is None:
                    ref = ref_ids[referrer] = len(ref_ids) + 1
                    dims.add_object(
                        {"k": _REF_KIND, "i": ref, **_abcd(enricher.referrer_of(referrer))}
                    )
                obj[_REF] = ref
            obj[_TS] = received
            obj[_ID] = beacon_id
            obj[_LINE] = line_number
            obj[_GEO] = geo
            obj[_UA] = agent
            if extra is not None:
                obj[_EXTRA] = extra
            spool = spools.get(day)
            if spool is None:
                spool = spools[day] = outputs.spool(f"beacons-{sha16}-{day}.ndjson")
            spool.add(dumps(obj, option=newline))
        for spool in spools.values():
            spool.flush()
        dims.flush()
    staged.finish_reading(reader, line_number, blank)
    staged.result.rows_by_event_date.update({day: spool.rows for day, spool in spools.items()})
    staged.result.landed_rows = sum(spool.rows for spool in spools.values())
    return staged


def _abcd(values: tuple) -> dict:
    return dict(zip("abcd", values, strict=False))
