"""Run the collector under uvicorn (uvloop + httptools), one process: one writer per inbox.

uvicorn turns SIGTERM/SIGINT into a graceful shutdown: it stops accepting connections, lets
requests in flight finish, then runs the ASGI lifespan shutdown, where the open file is
flushed, fsynced and renamed. So every beacon that was answered 200 is in a published file.
"""

from __future__ import annotations

import contextlib
import logging
import signal
from collections.abc import Iterator

from video_insights.collect.app import CollectorApp
from video_insights.collect.settings import CollectorConfigError, CollectorSettings


def serve(settings: CollectorSettings, host: str, port: int, *, log_level: str = "info") -> None:
    import uvicorn

    from video_insights import log

    log.configure(getattr(logging, log_level.upper(), logging.INFO))
    server_class = _server_class()
    app = CollectorApp(settings)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        loop="uvloop",
        http="httptools",
        lifespan="on",
        access_log=False,
        proxy_headers=False,  # X-Forwarded-For is ours to judge (--trusted-proxy)
        server_header=False,
        log_level="warning",
        timeout_graceful_shutdown=15,
        backlog=4096,
    )
    server = server_class(config)
    try:
        server.run()
    except SystemExit:  # uvicorn exits when it cannot bind; say so as a message instead
        if server.started:
            raise
    if not server.started:
        raise CollectorConfigError(
            f"could not listen on {host}:{port} (in use, or not an address of this machine)"
        )


def _server_class() -> type:
    import uvicorn

    class Server(uvicorn.Server):
        """uvicorn's server, but a handled SIGTERM/SIGINT ends the process with status 0.

        (uvicorn re-raises the signal after its graceful shutdown, so the process would end as
        "killed by SIGTERM" even though every file was closed.)
        """

        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            previous = {
                sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)
            }
            try:
                yield
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)

    return Server
