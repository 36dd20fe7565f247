"""What a collector is told at start-up."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path

from video_insights.errors import VideoInsightsError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class CollectorConfigError(VideoInsightsError):
    """A collector option that cannot be used (names the option and the value)."""


def parse_networks(values: list[str] | tuple[str, ...]) -> tuple[Network, ...]:
    """``10.0.0.0/8``, ``127.0.0.1`` or ``::1`` -> networks (a bare address is a /32 or /128)."""
    networks: list[Network] = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise CollectorConfigError(
                f"--trusted-proxy {value!r} is not an IP address or CIDR network"
            ) from None
    return tuple(networks)


@dataclass(frozen=True)
class CollectorSettings:
    inbox: Path
    # A file is closed and renamed when it is this old (seconds) or holds this many bytes of
    # beacon text (before compression), whichever comes first.
    rotate_seconds: float = 300.0
    rotate_bytes: int = 64 * 1024 * 1024
    gzip: bool = True
    # Appended lines are written to the open file at least this often (seconds) or when this
    # many bytes are pending; rotation and shutdown always flush and fsync.
    flush_seconds: float = 1.0
    flush_bytes: int = 256 * 1024
    # Requests from these addresses may name the client in X-Forwarded-For.
    trusted_proxies: tuple[Network, ...] = field(default_factory=tuple)
    view_events_enabled: bool = True
    max_body_bytes: int = 64 * 1024

    def __post_init__(self) -> None:
        if self.rotate_seconds <= 0:
            raise CollectorConfigError(f"rotate seconds must be > 0, got {self.rotate_seconds}")
        if self.rotate_bytes <= 0:
            raise CollectorConfigError(f"rotate bytes must be > 0, got {self.rotate_bytes}")
