"""Real user-agent strings, by device class, with the player facts that go with them.

The strings are copied from real browsers and players (2024-2026 versions) so that the
warehouse's user-agent parser (ua-parser) sees what it would see in production. Each profile
also says whether the player is a web player (sends the referrer base64-encoded, like the
Kaltura web player does) or a native app / TV app (sends it plain, or not at all) and which
streaming format it would pick.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

DeviceClass = Literal["Desktop", "Mobile", "Tablet", "TV", "Other"]


@dataclass(frozen=True)
class UserAgentProfile:
    """One client: its user-agent string and how such a client behaves."""

    user_agent: str
    device: DeviceClass
    web: bool  # a browser page (base64 referrer, clientTag html5) or a native/TV app
    delivery_type: str  # "hls" or "dash" (what the player would choose on that client)
    weight: float  # share of sessions, relative


_CHROME_WIN = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/{v}.0.0.0 Safari/537.36"
)
_CHROME_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/{v}.0.0.0 Safari/537.36"
)
_CHROME_LINUX = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/{v}.0.0.0 Safari/537.36"
)

PROFILES: tuple[UserAgentProfile, ...] = (
    # Desktop browsers
    UserAgentProfile(_CHROME_WIN.format(v=131), "Desktop", True, "dash", 9.0),
    UserAgentProfile(_CHROME_WIN.format(v=138), "Desktop", True, "dash", 11.0),
    UserAgentProfile(_CHROME_MAC.format(v=138), "Desktop", True, "dash", 5.0),
    UserAgentProfile(_CHROME_LINUX.format(v=137), "Desktop", True, "dash", 1.5),
    UserAgentProfile(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/138.0.0.0 Safari/537.36 Edg/138.0.3351.83",
        "Desktop",
        True,
        "dash",
        6.0,
    ),
    UserAgentProfile(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:141.0) Gecko/20100101 Firefox/141.0",
        "Desktop",
        True,
        "dash",
        3.0,
    ),
    UserAgentProfile(
        "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0",
        "Desktop",
        True,
        "dash",
        1.0,
    ),
    UserAgentProfile(
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.6; rv:141.0) Gecko/20100101 Firefox/141.0",
        "Desktop",
        True,
        "dash",
        0.8,
    ),
    UserAgentProfile(
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/18.5 Safari/605.1.15",
        "Desktop",
        True,
        "hls",
        5.0,
    ),
    # Phones
    UserAgentProfile(
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1",
        "Mobile",
        True,
        "hls",
        12.0,
    ),
    UserAgentProfile(
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_7 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) CriOS/138.0.7204.119 Mobile/15E148 Safari/604.1",
        "Mobile",
        True,
        "hls",
        2.0,
    ),
    UserAgentProfile(
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/138.0.0.0 Mobile Safari/537.36",
        "Mobile",
        True,
        "dash",
        10.0,
    ),
    UserAgentProfile(
        "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
        "SamsungBrowser/27.0 Chrome/125.0.0.0 Mobile Safari/537.36",
        "Mobile",
        True,
        "dash",
        3.0,
    ),
    UserAgentProfile(
        "Mozilla/5.0 (Linux; Android 15; Pixel 8 Build/AP4A.250105.002; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/131.0.6778.200 Mobile Safari/537.36",
        "Mobile",
        False,
        "dash",
        2.0,
    ),
    # Tablets
    UserAgentProfile(
        "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.5 Mobile/15E148 Safari/604.1",
        "Tablet",
        True,
        "hls",
        4.0,
    ),
    UserAgentProfile(
        "Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/137.0.0.0 Safari/537.36",
        "Tablet",
        True,
        "dash",
        1.5,
    ),
    # TVs and streaming boxes (apps: plain referrer or none)
    UserAgentProfile(
        "Mozilla/5.0 (SMART-TV; LINUX; Tizen 6.5) AppleWebKit/537.36 (KHTML, like Gecko) "
        "85.0.4183.93/6.5 TV Safari/537.36",
        "TV",
        False,
        "dash",
        1.5,
    ),
    UserAgentProfile(
        "Mozilla/5.0 (Web0S; Linux/SmartTV) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/87.0.4280.88 Safari/537.36 WebAppManager",
        "TV",
        False,
        "dash",
        1.0,
    ),
    UserAgentProfile(
        "AppleCoreMedia/1.0.0.21K365 (Apple TV; U; CPU OS 17_2 like Mac OS X; en_us)",
        "TV",
        False,
        "hls",
        1.0,
    ),
    UserAgentProfile(
        "Mozilla/5.0 (Linux; Android 9; SHIELD Android TV Build/PPR1.180610.011; wv) "
        "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/126.0.6478.134 "
        "Mobile Safari/537.36",
        "TV",
        False,
        "dash",
        0.6,
    ),
    UserAgentProfile(
        "Roku/DVP-14.0 (14.0.4.5169-C2)",
        "TV",
        False,
        "hls",
        0.5,
    ),
    # Headless HTTP clients (server-side players, test rigs): the parser finds no device
    UserAgentProfile("okhttp/4.12.0", "Other", False, "dash", 0.3),
)

_CUMULATIVE: list[float] = []
_total = 0.0
for _profile in PROFILES:
    _total += _profile.weight
    _CUMULATIVE.append(_total)


def pick_profile(rng: random.Random) -> UserAgentProfile:
    """A user agent drawn by its share of sessions."""
    return rng.choices(PROFILES, cum_weights=_CUMULATIVE)[0]
