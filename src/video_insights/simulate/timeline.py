"""When sessions start: a diurnal curve in each partner's local time, and a weekly rhythm.

Viewers watch in the evening and barely at 4 a.m., in their partner's time zone, so a partner in
America/Chicago peaks around 01:00-03:00 UTC. A simulated day is a UTC day (the files of day D
hold the sessions that start on D, UTC); a session that runs past midnight keeps its beacons in
D's last file, and they count on the next day by their own ``receivedAt``.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from video_insights.simulate.catalog import Catalog

DAY_MS = 86_400_000
HOUR_MS = 3_600_000

# Relative viewing by local hour, 0..23 (peak 1.0 at 19-20 h).
HOURLY_WEIGHT: tuple[float, ...] = (
    0.35,
    0.22,
    0.14,
    0.10,
    0.08,
    0.09,
    0.16,
    0.30,
    0.48,
    0.60,
    0.66,
    0.70,
    0.74,
    0.72,
    0.70,
    0.70,
    0.74,
    0.80,
    0.90,
    1.00,
    1.00,
    0.92,
    0.75,
    0.52,
)
# Monday..Sunday, mean 1.0: a little more on weekdays.
WEEKDAY_FACTOR: tuple[float, ...] = (1.04, 1.05, 1.05, 1.04, 1.02, 0.91, 0.89)


def day_start_ms(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()) * 1000


def local_hour_weights(timezone: str, day: date) -> list[float]:
    """Weight of each UTC hour of ``day`` for viewers in ``timezone`` (DST-aware)."""
    zone = ZoneInfo(timezone)
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return [
        HOURLY_WEIGHT[(start + timedelta(hours=hour, minutes=30)).astimezone(zone).hour]
        for hour in range(24)
    ]


def session_starts(
    rng: random.Random,
    catalog: Catalog,
    day: date,
    count: int,
    window_ms: tuple[int, int] = (0, DAY_MS),
) -> list[tuple[int, int]]:
    """``count`` session starts on ``day``: sorted (epoch ms, partner index) pairs.

    The partner is drawn by its size, then the start time by rejection sampling against that
    partner's local-hour curve, within ``window_ms`` (offsets from midnight UTC).
    """
    base = day_start_ms(day)
    low, high = window_ms
    weights = [local_hour_weights(pc.partner.timezone, day) for pc in catalog.partners]
    indexes = list(range(len(catalog.partners)))
    starts: list[tuple[int, int]] = []
    for _ in range(count):
        index = rng.choices(indexes, cum_weights=catalog.partner_cum_weights)[0]
        hourly = weights[index]
        while True:
            offset = rng.randrange(low, high)
            if rng.random() < hourly[offset // HOUR_MS]:
                break
        starts.append((base + offset, index))
    starts.sort()
    return starts


class ReceivedAtFormatter:
    """ISO-8601 UTC with milliseconds and ``Z`` (``2026-11-02T14:03:07.250Z``), fast.

    Beacons come in time order, so the ``YYYY-MM-DDTHH:MM:`` prefix is formatted once a minute.
    """

    def __init__(self) -> None:
        self._minute = -1
        self._prefix = b""

    def format(self, epoch_ms: int) -> bytes:
        minute, rest = divmod(epoch_ms, 60_000)
        if minute != self._minute:
            self._minute = minute
            moment = datetime.fromtimestamp(minute * 60, tz=UTC)
            self._prefix = moment.strftime("%Y-%m-%dT%H:%M:").encode()
        return self._prefix + b"%02d.%03dZ" % divmod(rest, 1000)
