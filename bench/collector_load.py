"""Load test of the beacon collector: sustained beacons/s, and written == accepted.

    python -m bench.collector_load [--beacons 200000] [--connections 32] [--pipeline 4]
                                   [--bad-every 100] [--out docs/benchmarks.md]

Starts a real ``video-insights collect`` process (gzip files, rotation every 5 s) on 127.0.0.1
and drives it from this process with a bounded asyncio loop of keep-alive HTTP/1.1 connections
sending the KAVA web plugin's GET beacons (a realistic ~700-byte query string and a Chrome user
agent); every ``--bad-every``-th beacon lacks ``sessionId`` and must be refused. Then SIGTERM,
and every published file is read back: the beacons written must equal the beacons accepted (each
exactly once) and none of the refused ones. The client shares the machine's cores with the
collector, so the figure is a floor. Results are appended to ``docs/benchmarks.md`` under
"## Collector load" (newest first), never asserted by tests.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from bench.__main__ import ROOT, machine

SECTION = "## Collector load"
AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/142.0.0.0 Safari/537.36"
)


@dataclass
class Tally:
    sent: int = 0
    accepted: int = 0
    refused: int = 0
    other: int = 0


def beacon_template(port: int, connection: int, bad: bool) -> bytes:
    """A KAVA VIEW GET request with ``%(index)d``/``%(seconds)s`` holes (cheap to fill)."""
    params = {
        "service": "analytics",
        "action": "trackEvent",
        "apiVersion": "3.3.0",
        "format": "1",
        "playTimeSum": "SECONDS",
        "bufferTime": "0",
        "bufferTimeSum": "0.5",
        "actualBitrate": "1250",
        "averageBitrate": "1180.5",
        "playbackSpeed": "1",
        "networkConnectionType": "4g",
        "eventType": "99",
        "partnerId": "1001",
        "entryId": "1_abcdef12",
        "sessionId": f"bench-{connection:04d}",
        "eventIndex": "INDEX",
        "referrer": "aHR0cHM6Ly93d3cuZXhhbXBsZS5jb20vd2F0Y2gvYWJjZGVm",
        "deliveryType": "url",
        "playbackType": "vod",
        "clientVer": "3.17.78",
        "clientTag": "html5:v3.17.78",
        "position": "SECONDS",
        "persistentSessionId": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
    }
    if bad:
        del params["sessionId"]
    query = (
        urlencode(params)
        .replace("%", "%%")
        .replace("SECONDS", "%(seconds)d.0")
        .replace("INDEX", "%(index)d")
    )
    return (
        f"GET /api_v3/index.php?{query} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"User-Agent: {AGENT}\r\nOrigin: https://www.example.com\r\nAccept: */*\r\n\r\n"
    ).encode()


async def _connection(
    port: int, number: int, count: int, pipeline: int, bad_every: int, tally: Tally
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    good, bad = beacon_template(port, number, False), beacon_template(port, number, True)
    index = 0
    while index < count:
        batch = []
        for _ in range(min(pipeline, count - index)):
            index += 1
            global_number = number * count + index
            template = bad if global_number % bad_every == 0 else good
            batch.append(template % {b"index": index, b"seconds": index * 10})
        writer.write(b"".join(batch))
        tally.sent += len(batch)
        for _ in batch:
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            if status == 200:
                tally.accepted += 1
            elif status == 400:
                tally.refused += 1
            else:
                tally.other += 1
    writer.close()
    await writer.wait_closed()


async def drive(port: int, beacons: int, connections: int, pipeline: int, bad_every: int):
    tally = Tally()
    per_connection = beacons // connections
    started = time.perf_counter()
    await asyncio.gather(
        *(
            _connection(port, number, per_connection, pipeline, bad_every, tally)
            for number in range(connections)
        )
    )
    return tally, time.perf_counter() - started


def _stats(port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/collector/stats", timeout=10) as answer:
        return json.loads(answer.read())


def _start(inbox: Path, port: int) -> subprocess.Popen[bytes]:
    cli = str(Path(sys.executable).parent / "video-insights")
    proc = subprocess.Popen(
        [cli, "collect", "--port", str(port), "--inbox", str(inbox), "--rotate-seconds", "5"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(300):
        try:
            _stats(port)
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the collector did not start")


def written(inbox: Path) -> tuple[int, int, int, int]:
    """(lines, distinct beacons, lines without sessionId, files) of the published files."""
    lines = 0
    keys: set[tuple[str, int]] = set()
    without_session = 0
    files = 0
    for path in (inbox / "beacons").iterdir():
        if not path.name.endswith(".jsonl.gz"):
            raise SystemExit(f"unexpected file left in the inbox: {path.name}")
        files += 1
        for line in gzip.decompress(path.read_bytes()).splitlines():
            beacon = json.loads(line)
            lines += 1
            if "sessionId" not in beacon:
                without_session += 1
            keys.add((beacon.get("sessionId"), beacon["eventIndex"]))
    return lines, len(keys), without_session, files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--beacons", type=int, default=200_000)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--pipeline", type=int, default=4)
    parser.add_argument("--bad-every", type=int, default=100)
    parser.add_argument("--port", type=int, default=8391)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()

    import resource

    import uvloop

    work = Path(tempfile.mkdtemp(prefix="vi-collector-bench-"))
    inbox = work / "inbox"
    proc = _start(inbox, args.port)
    try:
        tally, seconds = uvloop.run(
            drive(args.port, args.beacons, args.connections, args.pipeline, args.bad_every)
        )
        server = _stats(args.port)
        load = os.getloadavg()[0]
    finally:
        proc.send_signal(signal.SIGTERM)
        _pid, status, usage = os.wait4(proc.pid, 0)
    lines, distinct, bad_written, files = written(inbox)
    rate = tally.accepted / seconds
    ok = (
        os.waitstatus_to_exitcode(status) == 0
        and lines == distinct == tally.accepted == server["accepted"]
        and bad_written == 0
        and tally.refused == server["refused"]
        and tally.other == 0
    )
    cpu = usage.ru_utime + usage.ru_stime
    me = resource.getrusage(resource.RUSAGE_SELF)
    client_cpu = me.ru_utime + me.ru_stime
    print(
        f"sent {tally.sent:,}, accepted {tally.accepted:,}, refused {tally.refused:,} in "
        f"{seconds:.1f} s: {rate:,.0f} beacons/s; written {lines:,} lines in {files} files "
        f"({'OK' if ok else 'MISMATCH'}); collector CPU {cpu:.1f} s, "
        f"peak RSS {usage.ru_maxrss / 1024:.0f} MB; client CPU {client_cpu:.1f} s; "
        f"load average {load:.1f}"
    )
    row = (
        f"| {datetime.now(UTC):%Y-%m-%d} | {tally.sent:,} | {args.connections} x "
        f"{args.pipeline} | {seconds:.1f} | **{rate:,.0f}** | {tally.accepted:,} | "
        f"{lines:,} ({files} files) | {tally.refused:,} | "
        f"{tally.accepted / cpu:,.0f} | {client_cpu:.1f} | {load:.1f} | "
        f"{usage.ru_maxrss / 1024:.0f} | "
        f"{'yes' if ok else 'NO'} |"
    )
    _record(args.out, row)
    if not ok:
        raise SystemExit("written != accepted: see the line above")


COLUMNS = (
    "date",
    "sent",
    "connections x in flight",
    "s",
    "beacons/s",
    "accepted",
    "written",
    "refused",
    "per CPU s",
    "client CPU s",
    "load",
    "peak RSS MB",
    "written == accepted",
)
HEADER = (
    SECTION
    + """

`python -m bench.collector_load` (code in `bench/collector_load.py`): a real `video-insights
collect` process (gzip files rotated every 5 s) on 127.0.0.1, driven by a bounded asyncio loop of
keep-alive connections (connections x requests in flight each) sending the KAVA web plugin's GET
beacons; 1 in 100 lacks `sessionId` and must be refused. After SIGTERM every published file is
read back: written must equal accepted, each beacon once. The load generator runs on the same 2
cores as the collector, so beacons/s is a floor; "per CPU s" is accepted beacons per second of
the collector's own CPU time (what one core of collector sustains), "client CPU s" the load
generator's, and "load" the machine's 1-minute load average when the loop ended (other work on
the machine slows the wall-clock figure). Newest first. Machine: {machine}.

"""
    + "| "
    + " | ".join(COLUMNS)
    + " |\n"
    + "|"
    + "---|" * len(COLUMNS)
    + "\n"
)


def _record(out: Path, row: str) -> None:
    text = out.read_text() if out.exists() else "# Benchmarks\n"
    if SECTION not in text:
        text = text.rstrip("\n") + "\n\n" + HEADER.replace("{machine}", machine())
    head, _, rest = text.partition(SECTION)
    lines = rest.split("\n")
    # insert the newest row right below the table's separator line
    for number, line in enumerate(lines):
        if line.startswith("|---"):
            lines.insert(number + 1, row)
            break
    out.write_text(head + SECTION + "\n".join(lines))
    print(f"recorded in {out}")


if __name__ == "__main__":
    main()
