"""The collector as a plain ASGI application (no framework: one endpoint, every request counts).

Paths served (the forms Kaltura players use):

* ``/api_v3/index.php?service=analytics&action=trackEvent&...``
* ``/api_v3/index.php/service/analytics/action/trackEvent`` and
  ``/api_v3/service/analytics/action/trackEvent``
* ``/collector/stats``: the counters as JSON (for operators and tests).

Every answer carries the CORS headers a player on another origin needs; ``OPTIONS`` answers a
preflight. An accepted beacon gets ``200 {"time": <server epoch seconds>, "viewEventsEnabled":
true}``, which KAVA reads to set its session start time and to keep sending VIEW events.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import orjson

from video_insights.collect.beacon import Clock, Refused, body_params, build_beacon, query_params
from video_insights.collect.files import BeaconFiles
from video_insights.collect.settings import CollectorSettings
from video_insights.log import log_event

logger = logging.getLogger(__name__)

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

TRACK_PATHS = frozenset(
    {
        "/api_v3/index.php",
        "/api_v3/index.php/",
        "/api_v3/index.php/service/analytics/action/trackEvent",
        "/api_v3/service/analytics/action/trackEvent",
    }
)
STATS_PATH = "/collector/stats"
PROGRESS_SECONDS = 60.0  # a progress log line at most this often (when beacons came in)
_JSON = (b"content-type", b"application/json")
_NO_STORE = (b"cache-control", b"no-store")


def client_address(peer: str | None, forwarded_for: str | None, trusted: tuple[Any, ...]) -> str:
    """The viewer's address: the connection's, or (behind a trusted proxy) X-Forwarded-For's.

    X-Forwarded-For is read right to left, skipping trusted proxies: the first untrusted
    address is the client. A client cannot spoof it by sending its own header, because only
    the entries the trusted proxies appended are believed.
    """
    address = peer or ""
    if not forwarded_for or not trusted or not _in(address, trusted):
        return address
    for hop in reversed([part.strip() for part in forwarded_for.split(",")]):
        if not hop:
            continue
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            break  # garbage: keep the last address we could trust
        address = hop
        if not _in(hop, trusted):
            break
    return address


def _in(address: str, networks: tuple[Any, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


class CollectorApp:
    def __init__(self, settings: CollectorSettings, files: BeaconFiles | None = None) -> None:
        self.settings = settings
        self.files = files or BeaconFiles(settings)
        self.clock = Clock()
        self.accepted = 0
        self.refused: Counter[str] = Counter()
        self._ticker: asyncio.Task[None] | None = None
        self._view_events = b"true" if settings.view_events_enabled else b"false"

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        self.files.publish_leftovers()
        self._ticker = asyncio.get_running_loop().create_task(self._tick())
        log_event(
            logger,
            "collector_started",
            inbox=self.settings.inbox,
            rotate_seconds=self.settings.rotate_seconds,
            rotate_bytes=self.settings.rotate_bytes,
        )

    async def stop(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
        self.files.close()
        log_event(logger, "collector_stopped", **self.stats_fields())

    async def _tick(self) -> None:
        loop = asyncio.get_running_loop()
        last_report, last_accepted = loop.time(), 0
        while True:
            await asyncio.sleep(self.settings.flush_seconds)
            try:
                self.files.tick()
            except OSError as error:  # a full disk: keep serving, say so, retry next tick
                log_event(logger, "collector_write_failed", error=error)
            now = loop.time()
            if now - last_report >= PROGRESS_SECONDS and self.accepted != last_accepted:
                rate = (self.accepted - last_accepted) / (now - last_report)
                log_event(logger, "collector_progress", per_s=f"{rate:.0f}", **self.stats_fields())
                last_report, last_accepted = now, self.accepted

    def stats_fields(self) -> dict[str, Any]:
        return {
            "accepted": self.accepted,
            "refused": sum(self.refused.values()),
            "published": self.files.lines_published,
            "files": self.files.files_published,
        }

    # ------------------------------------------------------------------ ASGI

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            try:
                await self._http(scope, receive, send)
            except Exception as error:  # never let one request take the server down
                self.refused["internal_error"] += 1
                log_event(logger, "collector_request_failed", error=repr(error))
                with contextlib.suppress(Exception):
                    await self._answer(send, scope, 500, {"message": "internal error"})
        elif kind == "lifespan":
            await self._lifespan(receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.stop()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope["method"]
        path = scope["path"]
        if method == "OPTIONS":
            await self._answer(send, scope, 204, None)
            return
        if path == STATS_PATH and method == "GET":
            stats = {**self.stats_fields(), "refusedBy": dict(self.refused)}
            await self._answer(send, scope, 200, stats)
            return
        if path not in TRACK_PATHS:
            self.refused["not_found"] += 1
            await self._answer(send, scope, 404, {"message": f"no such path {path}"})
            return
        if method not in ("GET", "POST"):
            self.refused["bad_method"] += 1
            await self._answer(send, scope, 405, {"message": f"method {method} not allowed"})
            return
        headers = _headers(scope)
        try:
            params: dict[str, object] = dict(query_params(scope["query_string"]))
            if (
                params.get("service", "analytics") != "analytics"
                or params.get("action", "trackEvent") != "trackEvent"
            ):
                raise Refused("not_track_event", "only service=analytics&action=trackEvent")
            if method == "POST":
                body = await self._body(receive)
                params.update(body_params(body, headers.get("content-type", "")))
            received_at, now = self.clock.now()
            client = scope.get("client")
            beacon = build_beacon(
                params,
                received_at=received_at,
                ip_address=client_address(
                    client[0] if client else None,
                    headers.get("x-forwarded-for"),
                    self.settings.trusted_proxies,
                ),
                user_agent=headers.get("user-agent", ""),
            )
        except Refused as refused:
            self.refused[refused.kind] += 1
            await self._answer(
                send,
                scope,
                413 if refused.kind == "too_large" else 400,
                {"code": refused.kind, "message": refused.message},
            )
            return
        self.files.append(orjson.dumps(beacon, option=orjson.OPT_APPEND_NEWLINE))
        self.accepted += 1
        body = b'{"time":%.3f,"viewEventsEnabled":%s}' % (now, self._view_events)
        await self._send(send, scope, 200, body)

    async def _body(self, receive: Receive) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise Refused("disconnected", "the client went away")
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.settings.max_body_bytes:
                raise Refused("too_large", f"body larger than {self.settings.max_body_bytes} bytes")
            chunks.append(chunk)
            if not message.get("more_body"):
                return b"".join(chunks)

    async def _answer(self, send: Send, scope: Scope, status: int, payload: Any) -> None:
        await self._send(send, scope, status, b"" if payload is None else orjson.dumps(payload))

    async def _send(self, send: Send, scope: Scope, status: int, body: bytes) -> None:
        headers = [_NO_STORE, *_cors(scope), (b"content-length", str(len(body)).encode())]
        if body:
            headers.append(_JSON)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _headers(scope: Scope) -> dict[str, str]:
    return {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}


def _cors(scope: Scope) -> list[tuple[bytes, bytes]]:
    origin = None
    requested = None
    for name, value in scope["headers"]:
        if name == b"origin":
            origin = value
        elif name == b"access-control-request-headers":
            requested = value
    headers = [
        (b"access-control-allow-methods", b"GET, POST, OPTIONS"),
        (b"access-control-allow-headers", requested or b"Content-Type"),
        (b"access-control-max-age", b"86400"),
    ]
    if origin:
        headers += [
            (b"access-control-allow-origin", origin),
            (b"access-control-allow-credentials", b"true"),
            (b"vary", b"Origin"),
        ]
    else:
        headers.append((b"access-control-allow-origin", b"*"))
    return headers
