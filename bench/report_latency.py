"""Latency of typical report requests on a year of marts: the Python function and HTTP.

    python -m bench.report_latency [--days 3] [--partners 4] [--beacons-per-day 8000]
                                   [--rounds 5] [--workdir DIR] [--out docs/benchmarks.md]

Making the data (not timed): the simulator writes ``--days`` days of beacons for ``--partners``
partners and the real nightly (land, dbt, GX, publish) runs for each day. A year of nights
through the pipeline would take hours on 2 cores, so the published file is then extended to 365
days by copying those days' fact rows (every ``fct_*`` table with a ``report_date``) forward in
steps of ``--days`` days, with every DATE and TIMESTAMP column of the row shifted by the same
number of days. The marts so get the size and shape of a year (each day as busy as the
simulated ones); dimension tables are unchanged.

Timed (``--rounds`` rounds after one warm-up round, every request of every partner per round):
* ``function``: ``run_report`` + ``render.to_json`` on the API's reused read-only connection;
* ``function, new connection``: the same opening the file each time, as the CLI does;
* ``http``: ``GET /v1/reports/...`` against ``video-insights serve`` on 127.0.0.1 (httpx,
  keep-alive), with each partner's token.

The figures go to the section "## Report latency" at the end of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.__main__ import ROOT, machine

START = date(2025, 11, 1)
YEAR = 365
SECTION = "## Report latency"


def build_days(work: Path, days: int, partners: int, beacons_per_day: int) -> Path:
    from video_insights.pipeline import run_nightly
    from video_insights.simulate import SimulationConfig, simulate

    inbox, warehouse = work / "inbox", work / "warehouse"
    shutil.rmtree(inbox, ignore_errors=True)
    shutil.rmtree(warehouse, ignore_errors=True)
    simulate(
        SimulationConfig(
            inbox=inbox,
            partners=partners,
            entries=60,
            days=days,
            beacons_per_day=beacons_per_day,
            start_day=START,
        )
    )
    for offset in range(days):
        day = START + timedelta(days=offset)
        print(f"nightly {day} (not timed)", flush=True)
        run_nightly(inbox, warehouse, day)
    return warehouse


def extend_to_a_year(published: Path, target: Path, days: int) -> dict[str, int]:
    """Copy the simulated days' fact rows forward until they cover 365 days (see module doc)."""
    import duckdb

    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(published, target)
    last = START + timedelta(days=days - 1)
    end = START + timedelta(days=YEAR - 1)
    counts: dict[str, int] = {}
    with duckdb.connect(str(target)) as con:
        tables = [
            row[0]
            for row in con.execute(
                "select table_name from duckdb_columns() where column_name = 'report_date' "
                "and schema_name = 'main' and table_name like 'fct%' "
                "and table_name in (select table_name from duckdb_tables())"
            ).fetchall()
        ]
        for table in tables:
            columns = con.execute(
                "select column_name, data_type from duckdb_columns() "
                "where table_name = ? and schema_name = 'main' order by column_index",
                [table],
            ).fetchall()

            def shifted(name: str, kind: str, step: int) -> str:
                if kind == "DATE":
                    return f'"{name}" + {step}'
                if kind.startswith("TIMESTAMP"):
                    return f'"{name}" + interval {step} day'
                return f'"{name}"'

            for copy in range(1, math.ceil(YEAR / days)):
                step = copy * days
                select = ", ".join(shifted(name, kind, step) for name, kind in columns)
                con.execute(
                    f'insert into "{table}" select {select} from "{table}" '
                    "where report_date between ? and ?",
                    [START, last],
                )
            con.execute(f'delete from "{table}" where report_date > ?', [end])
            counts[table] = con.execute(f'select count(*) from "{table}"').fetchone()[0]
        con.execute("checkpoint")
    return counts


def typical_requests(partner_ids: list[int]) -> list[tuple[str, Any]]:
    """(label, ReportRequest) pairs: what a dashboard asks for, at the end of the year."""
    from video_insights.reports import ReportRequest

    end = START + timedelta(days=YEAR - 1)
    month, week = end - timedelta(days=29), end - timedelta(days=6)
    shapes: list[tuple[str, dict[str, Any]]] = [
        ("HIGHLIGHTS 30 days", {"report_type": "HIGHLIGHTS", "from_day": month}),
        ("HIGHLIGHTS year", {"report_type": "HIGHLIGHTS", "from_day": START}),
        (
            "PERFORMANCE_OVER_TIME year by month",
            {"report_type": "PERFORMANCE_OVER_TIME", "from_day": START, "interval": "months"},
        ),
        (
            "PERFORMANCE_OVER_TIME 30 days vs previous 30",
            {
                "report_type": "PERFORMANCE_OVER_TIME",
                "from_day": month,
                "compare_from_day": month - timedelta(days=30),
                "compare_to_day": month - timedelta(days=1),
            },
        ),
        ("TOP_CONTENT 30 days, page of 20", {"report_type": "TOP_CONTENT", "from_day": month,
                                             "limit": 20}),
        ("MAP_OVERLAY 7 days", {"report_type": "MAP_OVERLAY", "from_day": week}),
        ("PLATFORMS 30 days", {"report_type": "PLATFORMS", "from_day": month}),
        ("QOE by device 7 days", {"report_type": "QOE", "from_day": week, "dimension": "device"}),
        ("USER_ENGAGEMENT 7 days, page of 50", {"report_type": "USER_ENGAGEMENT",
                                                "from_day": week, "limit": 50}),
    ]  # fmt: skip
    return [
        (label, ReportRequest(partner_id=partner, to_day=end, **shape))
        for partner in partner_ids
        for label, shape in shapes
    ]


def http_params(request: Any) -> dict[str, str]:
    params = {"from_day": request.from_day.isoformat(), "to_day": request.to_day.isoformat()}
    if request.interval != "days":
        params["interval"] = request.interval
    if request.limit:
        params["page_size"] = str(request.limit)
    if request.dimension:
        params["dimension"] = request.dimension
    if request.compare_from_day:
        params["compare_from_day"] = request.compare_from_day.isoformat()
        params["compare_to_day"] = request.compare_to_day.isoformat()
    return params


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def measure(warehouse_root: Path, rounds: int) -> tuple[dict[str, list[float]], dict, list[int]]:
    import httpx

    from video_insights.api.reader import PublishedReader
    from video_insights.api.tokens import create_token
    from video_insights.config import WarehousePaths
    from video_insights.reports import render, run_report

    warehouse = WarehousePaths.at(warehouse_root)
    reader = PublishedReader(warehouse)
    with reader.connection() as con:
        partner_ids = [r[0] for r in con.execute(
            "select distinct partner_id from fct_daily_entry_viewer_metrics order by 1"
        ).fetchall()]  # fmt: skip
    requests = typical_requests(partner_ids)
    tokens_file = warehouse_root / "config" / "bench_tokens.json"
    tokens_file.unlink(missing_ok=True)
    tokens = {p: create_token(tokens_file, p, "bench")[0] for p in partner_ids}

    port = 18000 + int(time.time()) % 1000
    cli = str(Path(sys.executable).parent / "video-insights")
    log = (warehouse_root / "bench-serve.log").open("w")
    server = subprocess.Popen(
        [cli, "serve", "--port", str(port), "--warehouse", str(warehouse_root),
         "--tokens-file", str(tokens_file)], stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    timings: dict[str, list[float]] = {"function": [], "function, new connection": [], "http": []}
    by_request: dict[str, list[float]] = {}
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                httpx.get(f"{url}/v1/health", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        clients = {
            p: httpx.Client(base_url=url, headers={"Authorization": f"Bearer {t}"}, timeout=60)
            for p, t in tokens.items()
        }
        for round_number in range(rounds + 1):  # round 0 warms caches up, untimed
            for label, request in requests:
                started = time.perf_counter()
                with reader.connection() as con:
                    render.to_json(run_report(request, warehouse, connection=con))
                function_ms = (time.perf_counter() - started) * 1000

                started = time.perf_counter()
                render.to_json(run_report(request, warehouse))
                fresh_ms = (time.perf_counter() - started) * 1000

                started = time.perf_counter()
                response = clients[request.partner_id].get(
                    f"/v1/reports/{request.report_type}", params=http_params(request)
                )
                http_ms = (time.perf_counter() - started) * 1000
                if response.status_code != 200:
                    raise SystemExit(f"{label}: HTTP {response.status_code} {response.text}")
                if round_number:
                    timings["function"].append(function_ms)
                    timings["function, new connection"].append(fresh_ms)
                    timings["http"].append(http_ms)
                    by_request.setdefault(label, []).append(http_ms)
            print(f"round {round_number}/{rounds} done", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    return timings, by_request, partner_ids


def write_section(out: Path, text: str) -> None:
    """Replace (or append) this benchmark's section, which stays the last of the file."""
    previous = out.read_text() if out.exists() else "# Benchmarks\n"
    head, _, rest = previous.partition(f"\n{SECTION}")
    tail = ""
    if rest:
        following = rest.find("\n## ")
        tail = rest[following:] if following >= 0 else ""
    out.write_text(head.rstrip() + tail.rstrip() + "\n\n" + text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, default=3, help="Days simulated and built.")
    parser.add_argument("--partners", type=int, default=4)
    parser.add_argument("--beacons-per-day", type=int, default=8_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--reuse", action="store_true", help="Keep a year built before.")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()

    work = args.workdir or Path(tempfile.mkdtemp(prefix="vi-bench-api-"))
    year = work / "year"
    year_db = year / "published" / "warehouse.duckdb"
    if not (args.reuse and year_db.exists()):
        built = build_days(work, args.days, args.partners, args.beacons_per_day)
        counts = extend_to_a_year(built / "published" / "warehouse.duckdb", year_db, args.days)
        print(f"a year of marts: {sum(counts.values()):,} fact rows in {len(counts)} tables")
    import duckdb

    with duckdb.connect(str(year_db), read_only=True) as con:
        rows = con.execute("select count(*) from fct_daily_entry_viewer_metrics").fetchone()[0]
    size_mb = year_db.stat().st_size / 1024**2

    timings, by_request, partners = measure(year, args.rounds)
    load = os.getloadavg()[0]
    lines = [
        SECTION,
        "",
        f"`python -m bench.report_latency` ({datetime.now(UTC):%Y-%m-%d}). Machine: {machine()}.",
        f"Data: {args.days} simulated days ({len(partners)} partners, "
        f"{args.beacons_per_day:,} beacons a day) through the real nightly, their fact rows "
        f"copied forward to cover {YEAR} days ({rows:,} rows in the viewer fact, "
        f"{size_mb:,.0f} MB file); see the module docstring. {args.rounds} rounds of "
        f"{len(by_request)} typical requests x {len(partners)} partners after a warm-up round. "
        f"Load average (1 min) at the end: {load:.1f} on {os.cpu_count()} cores (other work "
        "shared the machine when it is above the core count).",
        "",
        "| path | requests | p50 ms | p95 ms | max ms |",
        "|---|---|---|---|---|",
    ]
    for path, values in timings.items():
        lines.append(
            f"| {path} | {len(values)} | {statistics.median(values):.1f} | "
            f"{percentile(values, 0.95):.1f} | {max(values):.1f} |"
        )
    lines += ["", "| request (HTTP) | p50 ms | p95 ms |", "|---|---|---|"]
    for label, values in by_request.items():
        lines.append(
            f"| {label} | {statistics.median(values):.1f} | {percentile(values, 0.95):.1f} |"
        )
    lines.append("")
    text = "\n".join(lines)
    print(text)
    write_section(args.out, text)


if __name__ == "__main__":
    main()
