"""Landing throughput on synthetic KAVA-like beacons (independent of the simulator).

    python -m video_insights.landing.bench --beacons 1000000 --files 8 [--workers N] [--runs 3]

Writes gzip beacon files to a temporary inbox (sessions of 20 beacons sharing an IP address and
a user agent, as players send them), lands them into a fresh temporary warehouse per run and
prints, per run: wall seconds and beacons per second, the CPU seconds of landing (this process
and its worker processes, every thread) per beacon, the CPU seconds of the busiest thread of work
(the staging thread in-process, the busiest worker process with workers), an estimate of the
beacons per second on two free cores (wall >= the busiest thread's CPU and >= half of all CPU:
a figure that does not depend on how busy a shared machine is), and the load average when the
run started.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import os
import random
import shutil
import tempfile
from pathlib import Path

import orjson

from video_insights.config import WarehousePaths

USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/{v}.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.{v} Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_{v} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/{v}.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (iPad; CPU OS 16_{v} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/16.6 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (SMART-TV; LINUX; Tizen 6.{v}) AppleWebKit/537.36 (KHTML, like Gecko) "
    "76.0.3809.146/6.0 TV Safari/537.36",
)
EVENTS = (1, 2, 3, 99, 99, 99, 99, 99, 11, 12, 33, 4, 99, 99, 13, 14, 99, 43, 45, 46)


def synthetic_lines(count: int, seed: int = 7, start: int = 0) -> list[bytes]:
    rng = random.Random(seed)
    agents = [ua.format(v=v) for ua in USER_AGENTS for v in range(100, 140)]
    pages = [
        base64.b64encode(f"https://www.site{n % 40}.example/watch/{n}?utm=x".encode()).decode()
        for n in range(500)
    ]
    lines = []
    session: dict = {}
    for i in range(start, start + count):
        index = i % 20
        if index == 0 or not session:
            session = {
                "ip": f"{rng.randrange(1, 223)}.{rng.randrange(256)}.{rng.randrange(256)}."
                f"{rng.randrange(1, 255)}",
                "ua": rng.choice(agents),
                "ref": rng.choice(pages),
                "entry": f"1_{rng.randrange(5000):06x}",
                "user": f"user{rng.randrange(20000)}",
                "session": f"{rng.getrandbits(64):016x}",
            }
        seconds = i * 86_400 // 1_000_000 % 86_400
        beacon = {
            "eventType": EVENTS[index],
            "partnerId": 1001 + i % 3,
            "entryId": session["entry"],
            "sessionId": session["session"],
            "eventIndex": index + 1,
            "userId": session["user"],
            "persistentSessionId": session["session"][:8],
            "playbackType": "vod",
            "position": round(index * 10.0 + rng.random(), 3),
            "playTimeSum": index * 10.0,
            "bufferTime": 0.0,
            "actualBitrate": 1800.0,
            "referrer": session["ref"],
            "kalturaApplication": "KMC",
            "uiConfId": 4567,
            "clientVer": "3.17.2",
            "deliveryType": "hls",
            "playbackSpeed": 1,
            "receivedAt": f"2026-11-02T{seconds // 3600:02d}:{seconds // 60 % 60:02d}:"
            f"{seconds % 60:02d}.{i % 1000:03d}Z",
            "ipAddress": session["ip"],
            "userAgent": session["ua"],
        }
        lines.append(orjson.dumps(beacon))
    return lines


def write_inbox(inbox: Path, beacons: int, files: int) -> None:
    folder = inbox / "beacons"
    folder.mkdir(parents=True, exist_ok=True)
    per_file = -(-beacons // files)
    for n in range(files):
        count = min(per_file, beacons - n * per_file)
        lines = synthetic_lines(count, seed=n, start=n * per_file)
        (folder / f"part-{n:04d}.jsonl.gz").write_bytes(
            gzip.compress(b"\n".join(lines) + b"\n", compresslevel=6)
        )


def main(argv: list[str] | None = None) -> None:
    from video_insights.landing import land_inbox

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--beacons", type=int, default=200_000)
    parser.add_argument("--files", type=int, default=4)
    parser.add_argument("--workers", type=int, default=None, help="default: land_inbox's")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="landing-bench-") as root:
        inbox = Path(root) / "inbox"
        write_inbox(inbox, args.beacons, args.files)
        for run in range(args.runs):
            warehouse = WarehousePaths.at(Path(root) / f"warehouse-{run}")
            load = os.getloadavg()[0]
            summary = land_inbox(inbox, warehouse, workers=args.workers)
            us = summary.cpu_seconds / max(summary.rows_landed, 1) * 1e6
            # on 2 free cores the wall time is at least the busiest thread's CPU and at least
            # half of all the CPU: a load-independent estimate of what an idle machine gives
            free = max(summary.critical_cpu_seconds, summary.cpu_seconds / 2)
            print(
                f"landed {summary.rows_landed} beacons from {summary.files_landed} files in "
                f"{summary.seconds:.2f} s: {summary.beacons_per_second:,.0f} beacons/s; CPU "
                f"{summary.cpu_seconds:.2f} s = {us:.2f} us/beacon, busiest thread "
                f"{summary.critical_cpu_seconds:.2f} s -> about "
                f"{summary.rows_landed / max(free, 1e-9):,.0f} beacons/s on 2 free cores "
                f"(loadavg {load:.1f}; {summary.distinct_ips_looked_up} IP and "
                f"{summary.distinct_user_agents_parsed} user-agent lookups)",
                flush=True,
            )
            shutil.rmtree(warehouse, ignore_errors=True)


if __name__ == "__main__":
    main()
