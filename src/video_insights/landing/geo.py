"""IP address -> country (ISO code and English name), region and city, from a GeoLite2-City DB.

The database is, in order: the ``geoip_db`` argument, ``$VIDEO_INSIGHTS_GEOIP_DB``, or the
GeoLite2-City file shipped by the ``maxminddb-geolite2`` package (a 2018 snapshot; point the
variable at a newer ``GeoLite2-City.mmdb`` for current data). Private, reserved and invalid
addresses and addresses not in the database give ``Unknown`` for every part. The address is
only looked up, never stored.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import NamedTuple

import maxminddb

from video_insights.contract import UNKNOWN
from video_insights.landing.errors import LandingError

GEOIP_DB_ENV = "VIDEO_INSIGHTS_GEOIP_DB"


class Geo(NamedTuple):
    country: str
    country_name: str
    region: str
    city: str


UNKNOWN_GEO = Geo(UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN)


def packaged_db_path() -> Path:
    """The GeoLite2-City database shipped by ``maxminddb-geolite2``."""
    from _maxminddb_geolite2 import geolite2_database

    return Path(geolite2_database())


def resolve_db_path(geoip_db: Path | str | None = None) -> Path:
    if geoip_db is None:
        geoip_db = os.environ.get(GEOIP_DB_ENV) or None
    path = Path(geoip_db) if geoip_db is not None else packaged_db_path()
    if not path.is_file():
        raise LandingError(f"GeoIP database {path} not found (set {GEOIP_DB_ENV} or geoip_db)")
    return path


def _english(record: dict | None) -> str:
    if not record:
        return UNKNOWN
    names = record.get("names") or {}
    return names.get("en") or UNKNOWN


class GeoLookup:
    """A GeoLite2 reader; :meth:`lookup` resolves one address (callers cache per distinct IP)."""

    def __init__(self, geoip_db: Path | str | None = None) -> None:
        self.path = resolve_db_path(geoip_db)
        try:
            self._reader = maxminddb.open_database(str(self.path), maxminddb.MODE_AUTO)
        except (OSError, ValueError, maxminddb.InvalidDatabaseError) as exc:
            raise LandingError(f"cannot open GeoIP database {self.path}: {exc}") from None

    def close(self) -> None:
        self._reader.close()

    def __enter__(self) -> GeoLookup:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def lookup(self, ip: str | None) -> Geo:
        if not ip:
            return UNKNOWN_GEO
        try:
            # strict parsing first: the reader alone would take "1.2.3" for 1.2.0.3
            address = ipaddress.ip_address(ip.strip())
        except ValueError:
            return UNKNOWN_GEO
        if address.version == 6 and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        # private, loopback, link-local, reserved and documentation ranges are not in the
        # database, so they resolve to nothing -> Unknown
        try:
            record = self._reader.get(address)
        except (ValueError, maxminddb.InvalidDatabaseError):
            return UNKNOWN_GEO
        if not record:
            return UNKNOWN_GEO
        country = record.get("country") or record.get("registered_country") or {}
        subdivisions = record.get("subdivisions") or [None]
        return Geo(
            country.get("iso_code") or UNKNOWN,
            _english(country),
            _english(subdivisions[0]),
            _english(record.get("city")),
        )
