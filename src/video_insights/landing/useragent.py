"""User agent -> device type, OS and browser.

OS and browser families come from ua-parser 1.0 (``ua_parser.parse``; the ``ua-parser-rs``
accelerator is used when installed). ua-parser has no device *type*, so it is derived from the
user agent string by these rules, first match wins:

1. no user agent, or a crawler (ua-parser's device family ``Spider``) -> ``Other``;
2. a TV or living-room marker -> ``TV``: ``SmartTV``/``SMART-TV``, ``Tizen`` (without
   ``Mobile``), ``Web0S``/``webOS`` (without ``Mobile``), ``NetCast``, ``HbbTV``, ``AppleTV``/
   ``Apple TV``, ``Android TV``, ``GoogleTV``, ``BRAVIA``, ``Roku``, ``CrKey`` (Chromecast),
   ``AFT…`` (Fire TV), ``Opera TV``, ``PlayStation``, ``Xbox``, ``Nintendo``, a standalone ``TV``
   token, or ua-parser's TV brand (``Generic_Inettv``);
3. a tablet -> ``Tablet``: ``iPad``, ``Tablet``, ``Kindle``/``Silk``, ``PlayBook``, Android
   without ``Mobile`` (Google's rule for Android tablets), or ua-parser's
   ``Generic_Android_Tablet``;
4. a phone -> ``Mobile``: ``Mobi`` (``Mobile``), ``iPhone``, ``iPod``, ``Android``,
   ``Windows Phone``, ``BlackBerry``/``BB10``, ``Opera Mini``, ``KaiOS``;
5. a desktop OS -> ``Desktop``: ``Windows NT``, ``Macintosh``/``Mac OS X``, ``CrOS``, ``X11``,
   ``Linux``, or an OS family of Windows, Mac OS X, Linux, Ubuntu, Fedora, Chrome OS, FreeBSD...;
6. anything else -> ``Other``.

OS and browser are ``Unknown`` when ua-parser does not recognise them (or there is no user agent).
"""

from __future__ import annotations

import re
from typing import NamedTuple

import ua_parser

from video_insights.contract import UNKNOWN


class Agent(NamedTuple):
    device: str
    os: str
    browser: str


UNKNOWN_AGENT = Agent("Other", UNKNOWN, UNKNOWN)

_TV_RE = re.compile(
    r"smart-?tv|smart tv|hbbtv|netcast|apple ?tv|android tv|google ?tv|bravia|roku|crkey"
    r"|\baft[a-z]|opera tv|playstation|xbox|nintendo|\btv\b|\bdtv\b",
    re.IGNORECASE,
)
_TV_UNLESS_MOBILE_RE = re.compile(r"tizen|web0s|webos", re.IGNORECASE)
_TABLET_RE = re.compile(r"ipad|tablet|kindle|silk/|playbook", re.IGNORECASE)
_MOBILE_RE = re.compile(
    r"mobi|iphone|ipod|android|windows phone|blackberry|bb10|opera mini|kaios", re.IGNORECASE
)
_DESKTOP_RE = re.compile(r"windows nt|macintosh|mac os x|cros|x11|linux", re.IGNORECASE)
_DESKTOP_OS = frozenset(
    {
        "Windows",
        "Mac OS X",
        "Linux",
        "Ubuntu",
        "Fedora",
        "Debian",
        "Chrome OS",
        "FreeBSD",
        "OpenBSD",
        "NetBSD",
        "Solaris",
        "Red Hat",
        "SUSE",
        "Mint",
        "Arch Linux",
        "Gentoo",
    }
)


def device_type(
    ua: str, device_family: str | None, device_brand: str | None, os_family: str | None
) -> str:
    """The device type of a user agent by the rules of this module's docstring."""
    if device_family == "Spider":
        return "Other"
    if _TV_RE.search(ua) or device_brand == "Generic_Inettv":
        return "TV"
    has_mobile = "Mobile" in ua or "mobile" in ua
    if _TV_UNLESS_MOBILE_RE.search(ua) and not has_mobile:
        return "TV"
    if _TABLET_RE.search(ua) or device_brand == "Generic_Android_Tablet":
        return "Tablet"
    if "Android" in ua and not has_mobile:
        return "Tablet"
    if _MOBILE_RE.search(ua):
        return "Mobile"
    if _DESKTOP_RE.search(ua) or os_family in _DESKTOP_OS:
        return "Desktop"
    return "Other"


def parse_agent(ua: str | None) -> Agent:
    """Parse one user agent (callers cache per distinct string)."""
    if not ua or not ua.strip():
        return UNKNOWN_AGENT
    result = ua_parser.parse(ua)
    browser = result.user_agent.family if result.user_agent else None
    os_family = result.os.family if result.os else None
    device = result.device
    kind = device_type(
        ua, device.family if device else None, device.brand if device else None, os_family
    )
    return Agent(kind, _known(os_family), _known(browser))


def _known(family: str | None) -> str:
    return family if family and family != "Other" else UNKNOWN
