"""A real collector process (``video-insights collect``) on a free 127.0.0.1 port, for tests."""

from __future__ import annotations

import gzip
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

VIDEO_INSIGHTS = Path(sys.executable).with_name("video-insights")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class CollectorProcess:
    """Start with :meth:`start`, stop with :meth:`terminate` (a real SIGTERM)."""

    def __init__(self, inbox: Path, *extra_args: str) -> None:
        self.inbox = inbox
        self.port = free_port()
        self.args = extra_args
        self.process: subprocess.Popen[bytes] | None = None
        self.log = inbox.parent / f"collector-{self.port}.log"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def track_url(self) -> str:
        return f"{self.base}/api_v3/index.php"

    def start(self, timeout: float = 30.0) -> CollectorProcess:
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [
                    str(VIDEO_INSIGHTS),
                    "collect",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--inbox",
                    str(self.inbox),
                    *self.args,
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"collector exited at start-up:\n{self.log.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.base}/collector/stats", timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"collector did not start in {timeout} s:\n{self.log.read_text()}")

    def stats(self) -> dict:
        with urllib.request.urlopen(f"{self.base}/collector/stats", timeout=5) as answer:
            return json.loads(answer.read())

    def terminate(self, timeout: float = 30.0) -> int:
        """Send SIGTERM and wait for the process to exit; returns its exit code."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def published_beacons(inbox: Path) -> list[dict]:
    """Every beacon line of the published (complete) files under ``inbox/beacons``."""
    beacons: list[dict] = []
    for path in sorted((inbox / "beacons").iterdir()):
        if path.name.endswith(".jsonl.gz"):
            text = gzip.decompress(path.read_bytes()).decode()
        elif path.name.endswith(".jsonl"):
            text = path.read_text()
        else:
            continue
        beacons.extend(json.loads(line) for line in text.splitlines() if line)
    return beacons
