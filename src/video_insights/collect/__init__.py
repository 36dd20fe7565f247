"""The beacon collector: the HTTP endpoint players send their KAVA analytics beacons to.

``app.CollectorApp`` is a plain ASGI application (served by uvicorn) that validates each beacon,
adds ``receivedAt``/``ipAddress``/``userAgent`` and hands it to ``files.BeaconFiles``, which
appends it to the current file under ``<inbox>/beacons/`` and rotates files by age and size.
See docs/collector.md.
"""
