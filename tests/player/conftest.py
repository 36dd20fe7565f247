"""Set-up of the real-player test: tools, ``npm ci``, a generated video, a static web server.

Every part that a machine may lack (Chromium, ffmpeg, npm and its registry) turns into a skip
that says what is missing: the test never passes without having played the video.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
VIDEO_SECONDS = 10
NPM_STAMP = HERE / "node_modules" / ".video-insights-lock-sha256"


def _need(tool: str, path: str | None = None) -> str:
    found = path if path and Path(path).exists() else shutil.which(tool)
    if not found:
        pytest.skip(
            f"{tool} is not installed: the real-player test needs Debian's chromium, ffmpeg and "
            "npm (`make browser` installs chromium and ffmpeg)"
        )
    return found


@pytest.fixture(scope="session")
def player_assets() -> Path:
    """``npm ci`` of the pinned player packages (once per lock file)."""
    npm = _need("npm")
    lock_sha = hashlib.sha256((HERE / "package-lock.json").read_bytes()).hexdigest()
    if NPM_STAMP.exists() and NPM_STAMP.read_text() == lock_sha:
        return HERE
    done = subprocess.run(
        [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
        cwd=HERE,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        pytest.skip(f"npm ci of tests/player failed (no npm registry?):\n{done.stderr[-2000:]}")
    NPM_STAMP.write_text(lock_sha)
    return HERE


@pytest.fixture(scope="session")
def test_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A VIDEO_SECONDS-long H.264/AAC MP4 of ffmpeg's test pattern and a tone."""
    ffmpeg = _need("ffmpeg", "/usr/bin/ffmpeg")
    video = tmp_path_factory.mktemp("player-video") / "testsrc.mp4"
    subprocess.run(
        [
            ffmpeg,
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"testsrc=duration={VIDEO_SECONDS}:size=320x240:rate=25",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=440:duration={VIDEO_SECONDS}",
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-shortest",
            "-movflags",
            "+faststart",
            str(video),
        ],
        check=True,
        timeout=120,
    )
    return video


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def web_server(player_assets: Path, test_video: Path) -> Iterator[str]:
    """Serves the page and node_modules, and the video under /media/, on 127.0.0.1."""
    root = test_video.parent
    (root / "site").mkdir(exist_ok=True)
    for name in ("player.html", "node_modules"):
        link = root / "site" / name
        if not link.exists():
            link.symlink_to(player_assets / name)
    (root / "site" / "media").mkdir(exist_ok=True)
    shutil.copy(test_video, root / "site" / "media" / test_video.name)
    handler = functools.partial(_QuietHandler, directory=str(root / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    # the page is opened as http://localhost:PORT: another origin than the collector's
    # 127.0.0.1, so the browser applies CORS to every beacon
    yield f"http://localhost:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser(playwright_driver: Any) -> Iterator[object]:
    _need("chromium", CHROMIUM)
    chromium = playwright_driver.chromium.launch(
        executable_path=CHROMIUM,
        args=["--autoplay-policy=no-user-gesture-required", "--mute-audio"],
    )
    yield chromium
    chromium.close()
