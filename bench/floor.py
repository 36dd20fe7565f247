"""The floor: bench/floor.sql in one DuckDB process, and the lookups it reads.

    python -m bench.floor --db floor.duckdb --inbox INBOX [--inbox INBOX ...] [--lookups DIR]

:func:`build_lookups` runs OUTSIDE the timed part: one row per distinct raw IP address, user
agent and referrer of the inboxes, resolved with landing's own functions (GeoLite2, the
user-agent rules, the referrer decoder), written as Parquet. The timed part is ``main``: set the
DuckDB variables, run floor.sql, nothing else. DuckDB gets the memory limit of dbt's profile
(``VIDEO_INSIGHTS_MEMORY_LIMIT``, default 3GB, as profiles.yml) and a temp directory to spill to.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
from pathlib import Path

FLOOR_SQL = Path(__file__).with_name("floor.sql")
SIDE_FEEDS = ("entries", "partners", "users")
LOOKUPS = ("ip_lookup", "agent_lookup", "referrer_lookup")
# The same variable and default as profiles.yml's settings for dbt.
MEMORY_LIMIT_ENV = "VIDEO_INSIGHTS_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = "3GB"  # the build's default in profiles.yml


def inbox_files(inboxes: list[Path], feed: str) -> list[str]:
    files: list[str] = []
    for inbox in inboxes:
        for pattern in ("*.jsonl.gz", "*.jsonl"):
            files += glob.glob(str(inbox / feed / "**" / pattern), recursive=True)
    return sorted(files)


def build_lookups(inboxes: list[Path], out: Path) -> dict[str, str]:
    """Resolve each distinct IP, user agent and referrer once (not timed); Parquet per kind."""
    import duckdb

    from video_insights.landing.geo import GeoLookup
    from video_insights.landing.referrer import parse_referrer
    from video_insights.landing.useragent import parse_agent

    out.mkdir(parents=True, exist_ok=True)
    paths = {name: str(out / f"{name}.parquet") for name in LOOKUPS}
    stamp = out / "inboxes.json"
    key = json.dumps(sorted(str(inbox) for inbox in inboxes))
    if (
        stamp.exists()
        and stamp.read_text() == key
        and all(Path(p).exists() for p in paths.values())
    ):
        return paths
    con = duckdb.connect()
    con.execute("set variable files = ?", [inbox_files(inboxes, "beacons")])
    con.execute(
        "create table distinct_values as select distinct ipAddress, userAgent, referrer "
        "from read_json(getvariable('files'), format = 'newline_delimited', "
        "columns = {ipAddress: 'VARCHAR', userAgent: 'VARCHAR', referrer: 'VARCHAR'})"
    )

    def values(column: str) -> list[str | None]:
        rows = con.execute(f"select distinct {column} from distinct_values").fetchall()
        return [row[0] for row in rows]

    with GeoLookup() as geo:
        ips = [("" if ip is None else ip, *geo.lookup(ip)) for ip in values("ipAddress")]
    agents = [("" if ua is None else ua, *parse_agent(ua)) for ua in values("userAgent")]
    referrers = [(ref, *parse_referrer(ref)[1:]) for ref in values("referrer") if ref is not None]
    tables = {
        "ip_lookup": (
            ips,
            "raw_value varchar, country varchar, country_name varchar, "
            "region varchar, city varchar",
        ),
        "agent_lookup": (agents, "raw_value varchar, device varchar, os varchar, browser varchar"),
        "referrer_lookup": (referrers, "raw_value varchar, domain varchar, canonical_url varchar"),
    }
    for name, (rows, columns) in tables.items():
        con.execute(f"create or replace table {name} ({columns})")
        if rows:
            con.executemany(f"insert into {name} values ({', '.join('?' * len(rows[0]))})", rows)
        con.execute(f"copy {name} to '{paths[name]}' (format parquet)")
    con.close()
    stamp.write_text(key)
    return paths


def variables(inboxes: list[Path], lookups: dict[str, str]) -> dict[str, object]:
    found = {"beacon_files": inbox_files(inboxes, "beacons")}
    for feed in SIDE_FEEDS:
        found[f"{feed}_files"] = inbox_files(inboxes, feed)
    return {**found, **lookups}


def run_floor(db: Path, values: dict[str, object], memory_limit: str | None = None) -> None:
    """floor.sql into ``db`` (replaced): the timed part."""
    import duckdb

    db.unlink(missing_ok=True)
    tmp = db.parent / (db.name + ".tmp")
    tmp.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db))
    limit = memory_limit or os.environ.get(MEMORY_LIMIT_ENV) or DEFAULT_MEMORY_LIMIT
    con.execute(f"set memory_limit = '{limit}'")
    con.execute(f"set temp_directory = '{tmp}'")
    con.execute("set preserve_insertion_order = false")  # no order is relied on: less memory
    con.execute("set TimeZone = 'UTC'")
    for name, value in values.items():
        con.execute(f"set variable {name} = ?", [value])
    con.execute(FLOOR_SQL.read_text())
    con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--inbox", type=Path, action="append", required=True)
    parser.add_argument("--lookups", type=Path, default=None, help="default: beside --db")
    parser.add_argument("--variables", type=Path, default=None, help="JSON of the variables")
    args = parser.parse_args()
    if args.variables is not None:
        values = json.loads(args.variables.read_text())
    else:
        lookups = build_lookups(args.inbox, args.lookups or args.db.parent / "lookups")
        values = variables(args.inbox, lookups)
    run_floor(args.db, values)


if __name__ == "__main__":
    main()
