"""Run the collector under uvicorn (uvloop + httptools), one process: one writer per inbox.

uvicorn turns SIGTERM/SIGINT into a graceful shutdown: it stops accepting connections, lets
requests in flight finish, then runs the ASGI lifespan shutdown, where the open file is
flushed, fsynced and renamed. So every beacon that was answered 200 is in a published file.
"""

from __future__ import annotations

import logging

from video_insights.collect.app import CollectorApp
from video_insights.collect.settings import CollectorSettings


def serve(settings: CollectorSettings, host: str, port: int, *, log_level: str = "info") -> None:
    import uvicorn

    from video_insights import log

    log.configure(getattr(logging, log_level.upper(), logging.INFO))
    app = CollectorApp(settings)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        loop="uvloop",
        http="httptools",
        lifespan="on",
        access_log=False,
        log_level="warning",
        timeout_graceful_shutdown=15,
        backlog=4096,
    )
    uvicorn.Server(config).run()
