"""The real Kaltura web player and its KAVA plugin feed the warehouse through the collector.

Chromium plays a generated 10 s video twice on a page at http://localhost:PORT (the player and
plugin from npm), KAVA sends its beacons to a real ``video-insights collect`` process on
127.0.0.1 (another origin: CORS), the collector gets SIGTERM, and the nightly pipeline (land,
dbt build, GX, publish) runs on what it wrote. Then the reports must tell what happened.

KAVA settings (plugin options, the defaults are 10 s and 30 s): ``viewEventCountdown`` 1 s, so
VIEW heartbeats (the only beacons with ``playTimeSum``) come every second of playback, and
``resetSessionCountdown`` 2 s, so the idle reset happens after a short pause.

Expected figures, by hand from metrics.md (L = 10 s video, entry duration L in the entries feed):

* plain play, straight to the end: 1 impression, 1 play, quartiles 25/50/75/100 once each.
  Minutes viewed = the last VIEW's playTimeSum, which comes at most one heartbeat (1 s) before
  the end (plus timer jitter): between (L - 1.5) / 60 and L / 60 min. Completion = segments whose
  midpoint is in [0, last VIEW position]: between 85 and 100.
* pause past the idle reset, then resume: pause at P >= 4 s (the test waits for the playhead to
  pass 4 s and then calls pause, which lands within a frame or two), wait for the reset, play
  to the end. The reset restarts eventIndex, so the RESUME and everything after it start a new
  run that is not a play (no PLAY beacon): still 1 impression and 1 play; the quartile beacons
  are counted as beacons (25 before the pause, 50/75/100 after): once each; minutes viewed only
  count the play's own heartbeats: the last VIEW before the pause is within 1 s of P, so between
  (4 - 1.5) / 60 and (P + 0.1) / 60; completion between 25 and P / L * 100 + 1.
* Both: device Desktop, OS Linux, browser Chrome; referrer domain ``localhost`` (the page's).
"""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.collector.process import CollectorProcess, published_beacons
from tests.player.conftest import VIDEO_SECONDS
from video_insights.reports.engine import ReportRequest, run_report

PARTNER = 4242
PLAIN = "0_plainplay"
IDLE = "0_idlepause"
VIEW_EVERY = 1
IDLE_RESET = 2
PAUSE_AT = 4.0
L = float(VIDEO_SECONDS)

pytestmark = pytest.mark.slow


def _page_url(server: str, collector: CollectorProcess, entry_id: str) -> str:
    query = {
        "collector": f"//127.0.0.1:{collector.port}/api_v3/index.php",
        "partnerId": PARTNER,
        "entryId": entry_id,
        "video": "/media/testsrc.mp4",
        "duration": VIDEO_SECONDS,
        "viewEvery": VIEW_EVERY,
        "idleReset": IDLE_RESET,
    }
    return f"{server}/player.html?{urlencode(query)}"


def _wait_ended(page, timeout_s: float = 60) -> None:
    page.wait_for_function(
        "window.playerEvents.some(e => e.startsWith('ended'))", timeout=timeout_s * 1000
    )
    time.sleep(1.0)  # the 100% and PAUSE beacons leave as the video ends


def _write_side_feeds(inbox: Path) -> None:
    (inbox / "entries").mkdir(parents=True, exist_ok=True)
    (inbox / "partners").mkdir(parents=True, exist_ok=True)
    entries = [
        {
            "entryId": entry,
            "partnerId": PARTNER,
            "name": name,
            "mediaType": "video",
            "durationSecs": L,
            "status": "ready",
        }
        for entry, name in ((PLAIN, "Plain play"), (IDLE, "Pause past the idle reset"))
    ]
    (inbox / "entries" / "entries.jsonl").write_text(
        "".join(json.dumps(entry) + "\n" for entry in entries)
    )
    (inbox / "partners" / "partners.jsonl").write_text(
        json.dumps({"partnerId": PARTNER, "name": "Player test", "timezone": "UTC"}) + "\n"
    )


@pytest.fixture(scope="module")
def played(browser, web_server, tmp_path_factory):
    """Both scenarios played through one collector, then one nightly run per day touched."""
    from video_insights.pipeline import run_nightly

    base = tmp_path_factory.mktemp("real-player")
    inbox = base / "inbox"
    collector = CollectorProcess(inbox).start()
    pause_position = None
    # the pages' console errors, and KAVA's "Failed to send KAVA event" (logged as a plain log)
    console: list[str] = []
    try:
        probe = browser.new_page()
        agent = probe.evaluate("navigator.userAgent")
        probe.close()
        # headless Chromium says "HeadlessChrome"; a viewer's Chromium says "Chrome"
        context = browser.new_context(user_agent=agent.replace("HeadlessChrome", "Chrome"))
        context.on(
            "console",
            lambda message: (
                console.append(message.text)
                if message.type == "error" or "KAVA" in message.text
                else None
            ),
        )
        page = context.new_page()
        page.goto(_page_url(web_server, collector, PLAIN))
        _wait_ended(page)
        page.close()

        page = context.new_page()
        page.goto(_page_url(web_server, collector, IDLE))
        page.wait_for_function(
            f"window.player && window.player.currentTime >= {PAUSE_AT}", timeout=60_000, polling=50
        )
        pause_position = page.evaluate("window.player.pause(), window.player.currentTime")
        time.sleep(IDLE_RESET + 2.5)  # the timer resets after IDLE_RESET + 1 idle ticks
        page.evaluate("window.player.play()")
        _wait_ended(page)
        events = page.evaluate("window.playerEvents")
        page.close()
        context.close()
    finally:
        stats = collector.stats() if collector.process.poll() is None else None
        collector.terminate()
    beacons = published_beacons(inbox)
    assert stats is not None and stats["accepted"] == len(beacons)
    _write_side_feeds(inbox)
    days = sorted({date.fromisoformat(b["receivedAt"][:10]) for b in beacons})
    warehouse = base / "warehouse"
    for day in days:
        run_nightly(inbox, warehouse, day)
    return {
        "warehouse": warehouse,
        "beacons": beacons,
        "days": days,
        "pause_position": pause_position,
        "events": events,
        "console": console,
    }


def _report(played, report_type: str, entry: str, **extra) -> list[dict]:
    request = ReportRequest(
        report_type=report_type,
        partner_id=PARTNER,
        from_day=played["days"][0],
        to_day=played["days"][-1],
        filters={"entry_id_in": [entry]},
        **extra,
    )
    result = run_report(request, played["warehouse"])
    return [dict(zip(result.columns, row, strict=True)) for row in result.rows]


def _events(played, entry: str) -> list[int]:
    return [b["eventType"] for b in played["beacons"] if b["entryId"] == entry]


def test_the_player_sent_its_beacons_through_the_collector(played) -> None:
    # every send succeeded from the plugin's side: CORS allowed, the answer parsed
    failed = [text for text in played["console"] if "Failed to send" in text or "CORS" in text]
    assert not failed, played["console"]
    for entry in (PLAIN, IDLE):
        events = _events(played, entry)
        assert events[:3] == [1, 2, 3], events  # IMPRESSION, PLAY_REQUEST, PLAY
        for code in (11, 12, 13, 14):
            assert events.count(code) == 1, (entry, events)
        assert events.count(99) >= 5  # VIEW heartbeats every second
    plain = [b for b in played["beacons"] if b["entryId"] == PLAIN]
    assert all(b["ipAddress"] == "127.0.0.1" for b in plain)
    assert all("Chrome/" in b["userAgent"] for b in plain)
    idle = [b for b in played["beacons"] if b["entryId"] == IDLE]
    resume = next(b for b in idle if b["eventType"] == 4)
    assert resume["eventIndex"] == 1  # the idle reset happened during the pause


@pytest.mark.parametrize("entry", [PLAIN, IDLE])
def test_one_impression_one_play_each_quartile_once(played, entry: str) -> None:
    [row] = _report(played, "CONTENT_DROPOFF", entry)
    assert row["entry_id"] == entry
    assert (row["count_loads"], row["count_plays"]) == (1, 1)
    counts = [row[f"count_plays_{q}"] for q in (25, 50, 75, 100)]
    assert counts == [1, 1, 1, 1]


def test_plain_play_minutes_and_completion(played) -> None:
    [row] = _report(played, "TOP_CONTENT", PLAIN)
    assert (L - 1.5) / 60 <= row["sum_view_period"] <= L / 60
    assert 85 <= row["avg_completion_rate"] <= 100


def test_idle_reset_ends_the_play_at_the_pause(played) -> None:
    pause = played["pause_position"]
    assert PAUSE_AT <= pause < PAUSE_AT + 1.5, played["events"]
    [row] = _report(played, "TOP_CONTENT", IDLE)
    assert (PAUSE_AT - 1.5) / 60 <= row["sum_view_period"] <= (pause + 0.1) / 60
    assert 25 <= row["avg_completion_rate"] <= pause / L * 100 + 1


@pytest.mark.parametrize("entry", [PLAIN, IDLE])
def test_device_browser_and_syndication(played, entry: str) -> None:
    [device] = _report(played, "PLATFORMS", entry)
    assert device["device"] == "Desktop" and device["count_plays"] == 1
    [browser] = _report(played, "PLATFORMS", entry, object_ids=["Linux"])  # the OS's browsers
    assert (browser["device"], browser["os"], browser["browser"]) == ("Desktop", "Linux", "Chrome")
    [domain] = _report(played, "TOP_SYNDICATION", entry)
    assert domain["domain"] == "localhost"
    assert (domain["count_loads"], domain["count_plays"]) == (1, 1)
