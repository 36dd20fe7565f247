"""A real collector process on 127.0.0.1: HTTP forms, CORS, refusals, proxies, SIGTERM."""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.collector.process import CollectorProcess, published_beacons
from video_insights.landing.inbox import discover

PATH = "/api_v3/index.php"
BASE = {"service": "analytics", "action": "trackEvent", "partnerId": "1001", "entryId": "0_e"}


def _get(conn: http.client.HTTPConnection, params: dict, headers: dict | None = None):
    conn.request("GET", PATH + "?" + urlencode(params), headers=headers or {})
    answer = conn.getresponse()
    return answer.status, dict(answer.getheaders()), answer.read()


@pytest.fixture(scope="module")
def collector(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CollectorProcess]:
    inbox = tmp_path_factory.mktemp("collector") / "inbox"
    process = CollectorProcess(inbox, "--trusted-proxy", "127.0.0.1", "--plain").start()
    yield process
    process.kill()


def test_kava_forms_cors_refusals_and_shutdown(collector: CollectorProcess) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", collector.port, timeout=10)
    before = time.time()
    status, headers, body = _get(
        conn,
        {**BASE, "eventType": "1", "sessionId": "s1", "eventIndex": "1", "ks": "SECRET"},
        {
            "Origin": "http://player.example",
            "User-Agent": "TestAgent/1.0",
            "X-Forwarded-For": "6.6.6.6, 81.2.69.160",
        },
    )
    assert status == 200
    answer = json.loads(body)
    assert answer["viewEventsEnabled"] is True
    assert before - 1 <= answer["time"] <= time.time() + 1
    assert headers["access-control-allow-origin"] == "http://player.example"

    conn.request(
        "OPTIONS",
        PATH,
        headers={
            "Origin": "http://player.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    preflight = conn.getresponse()
    preflight.read()
    assert preflight.status == 204
    assert "POST" in preflight.getheader("access-control-allow-methods")
    assert preflight.getheader("access-control-allow-headers") == "content-type"

    query = urlencode({"service": "analytics", "action": "trackEvent", "eventType": "99"})
    conn.request(
        "POST",
        f"{PATH}?{query}",
        headers={"Content-Type": "application/json"},
        body=json.dumps(
            {
                "partnerId": 1001,
                "entryId": "0_e",
                "sessionId": "s1",
                "eventIndex": 2,
                "playTimeSum": 10.5,
            }
        ),
    )
    posted = conn.getresponse()
    assert posted.status == 200, posted.read()
    posted.read()

    refusals = [
        ({**BASE, "eventType": "3", "eventIndex": "3"}, 400),  # no sessionId
        ({**BASE, "eventType": "x", "sessionId": "s1", "eventIndex": "4"}, 400),
        ({**BASE, "service": "media", "eventType": "3", "sessionId": "s1", "eventIndex": "5"}, 400),
    ]
    for params, expected in refusals:
        assert _get(conn, params)[0] == expected
    conn.request("POST", PATH, headers={"Content-Type": "application/json"}, body=b"{oops")
    bad = conn.getresponse()
    assert bad.status == 400 and json.loads(bad.read())["code"] == "bad_body"
    conn.request("POST", PATH, body=b"x" * 200_000)
    big = conn.getresponse()
    big.read()
    assert big.status == 413
    conn.close()

    stats = collector.stats()
    assert stats["accepted"] == 2
    assert stats["refusedBy"] == {
        "missing_field": 1,
        "wrong_type": 1,
        "not_track_event": 1,
        "bad_body": 1,
        "too_large": 1,
    }
    assert collector.terminate() == 0
    beacons = published_beacons(collector.inbox)
    assert [(b["eventType"], b["eventIndex"]) for b in beacons] == [(1, 1), (99, 2)]
    first, second = beacons
    assert first["ipAddress"] == "81.2.69.160"  # from a trusted proxy: its X-Forwarded-For
    assert first["userAgent"] == "TestAgent/1.0"
    assert "ks" not in first and "service" not in first
    assert second["playTimeSum"] == 10.5 and second["ipAddress"] == "127.0.0.1"
    assert not [p for p in (collector.inbox / "beacons").iterdir() if p.name.endswith(".part")]


def test_sigterm_under_load_publishes_every_accepted_beacon(tmp_path: Path) -> None:
    """Clients keep sending while the collector gets SIGTERM; each 200 is in a published file."""
    collector = CollectorProcess(
        tmp_path / "inbox", "--rotate-mb", "0.05", "--rotate-seconds", "0.5"
    ).start()
    accepted: set[tuple[str, int]] = set()
    failures: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def client(number: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", collector.port, timeout=10)
        index = 0
        while not stop.is_set() and index < 5000:
            index += 1
            params = {**BASE, "eventType": "99", "sessionId": f"c{number}", "eventIndex": index}
            try:
                status, _, _ = _get(conn, params, {"X-Forwarded-For": "6.6.6.6"})
            except (OSError, http.client.HTTPException) as error:
                with lock:
                    failures.append(repr(error))
                return  # the collector is gone: stop sending
            if status == 200:
                with lock:
                    accepted.add((f"c{number}", index))

    threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.5)
        assert collector.terminate() == 0
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        collector.kill()
    beacons = published_beacons(collector.inbox)
    published = [(b["sessionId"], b["eventIndex"]) for b in beacons]
    assert len(published) == len(set(published)), "a beacon was written twice"
    assert accepted, "no beacon was accepted before the SIGTERM"
    assert accepted <= set(published), "an accepted beacon is missing from the files"
    # a beacon written but whose answer was lost in the shutdown: at most one per client
    assert len(set(published) - accepted) <= len(failures)
    assert {b["ipAddress"] for b in beacons} == {"127.0.0.1"}  # no trusted proxy: header ignored
    files, _ = discover(collector.inbox)
    assert len(files) > 1  # rotated by size/age while under load
    assert not [p for p in (collector.inbox / "beacons").iterdir() if p.name.endswith(".part")]


def test_command_errors_are_messages(tmp_path: Path) -> None:
    import socket
    import subprocess

    from tests.collector.process import VIDEO_INSIGHTS

    bad = subprocess.run(
        [str(VIDEO_INSIGHTS), "collect", "--inbox", str(tmp_path), "--trusted-proxy", "nope"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 1 and "--trusted-proxy 'nope'" in bad.stderr
    assert "Traceback" not in bad.stderr
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = subprocess.run(
            [str(VIDEO_INSIGHTS), "collect", "--inbox", str(tmp_path), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert busy.returncode == 1 and f"could not listen on 127.0.0.1:{port}" in busy.stderr
    assert "Traceback" not in busy.stderr
