"""Enrichment at landing: referrer decoding, user agent -> device/OS/browser, GeoIP."""

from __future__ import annotations

import base64

import pytest

from video_insights.landing.errors import LandingError
from video_insights.landing.geo import GEOIP_DB_ENV, Geo, GeoLookup, packaged_db_path
from video_insights.landing.referrer import decode, parse_referrer
from video_insights.landing.useragent import parse_agent


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


# ------------------------------------------------------------------------------------ referrer


@pytest.mark.parametrize(
    ("sent", "url", "domain", "canonical"),
    [
        (
            b64("https://www.Example.com/videos/intro?utm_source=x#t=10"),
            "https://www.Example.com/videos/intro?utm_source=x#t=10",
            "example.com",
            "example.com/videos/intro",
        ),
        (
            "https://www.example.com/videos/intro?utm_source=x",
            "https://www.example.com/videos/intro?utm_source=x",
            "example.com",
            "example.com/videos/intro",
        ),
        (
            "http://news.example.org:8080/a/b/",
            "http://news.example.org:8080/a/b/",
            "news.example.org",
            "news.example.org/a/b/",
        ),
        (
            b64("https://example.com/?page=2"),
            "https://example.com/?page=2",
            "example.com",
            "example.com",
        ),
        (
            base64.urlsafe_b64encode(b"https://www.example.com/watch?v=1>2").decode().rstrip("="),
            "https://www.example.com/watch?v=1>2",
            "example.com",
            "example.com/watch",
        ),
        ("example.com/page?x=1", "example.com/page?x=1", "example.com", "example.com/page"),
        ("not a url", "not a url", None, None),
        ("", "", None, None),
    ],
)
def test_referrer(sent, url, domain, canonical):
    referrer = parse_referrer(sent)
    assert (referrer.referrer, referrer.domain, referrer.canonical_url) == (url, domain, canonical)


def test_plain_words_in_the_base64_alphabet_are_not_decoded():
    assert decode("homepage") == "homepage"
    assert decode("Kaltura1") == "Kaltura1"


# ---------------------------------------------------------------------------------- user agent

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)
IPAD = (
    "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/16.6 Mobile/15E148 Safari/604.1"
)
WINDOWS_CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
    "Gecko) Chrome/120.0.0.0 Safari/537.36"
)
MAC_SAFARI = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.1 Safari/605.1.15"
)
SAMSUNG_TV = (
    "Mozilla/5.0 (SMART-TV; LINUX; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) "
    "76.0.3809.146/6.0 TV Safari/537.36"
)
ANDROID_PHONE = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko)"
    " Chrome/120.0.0.0 Mobile Safari/537.36"
)
ANDROID_TABLET = (
    "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like "
    "Gecko) Chrome/120.0.0.0 Safari/537.36"
)
FIRE_TV = (
    "Mozilla/5.0 (Linux; Android 9; AFTMM Build/PS7633) AppleWebKit/537.36 (KHTML, like "
    "Gecko) Chrome/120.0.0.0 Mobile Safari/537.36"
)
ROKU = "Roku/DVP-9.10 (519.10E04111A)"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


@pytest.mark.parametrize(
    ("ua", "device", "os", "browser"),
    [
        (IPHONE, "Mobile", "iOS", "Mobile Safari"),
        (IPAD, "Tablet", "iOS", "Mobile Safari"),
        (WINDOWS_CHROME, "Desktop", "Windows", "Chrome"),
        (MAC_SAFARI, "Desktop", "Mac OS X", "Safari"),
        (SAMSUNG_TV, "TV", "Tizen", "Safari"),
        (ANDROID_PHONE, "Mobile", "Android", "Chrome Mobile"),
        (ANDROID_TABLET, "Tablet", "Android", "Chrome"),
        (FIRE_TV, "TV", "Android", "Chrome Mobile WebView"),
        (ROKU, "TV", "Roku", "Roku"),
        (GOOGLEBOT, "Other", "Unknown", "Googlebot"),
        ("garbage", "Other", "Unknown", "Unknown"),
        ("", "Other", "Unknown", "Unknown"),
        (None, "Other", "Unknown", "Unknown"),
    ],
)
def test_user_agent(ua, device, os, browser):
    agent = parse_agent(ua)
    assert agent.device == device
    assert agent.os == os
    if ua is not FIRE_TV:  # the WebView name depends on ua-parser's regexes; the device does not
        assert agent.browser == browser


# --------------------------------------------------------------------------------------- GeoIP


@pytest.fixture(scope="module")
def geo():
    with GeoLookup() as lookup:
        yield lookup


def test_geoip_public_address(geo):
    assert geo.lookup("128.104.1.1") == Geo("US", "United States", "Wisconsin", "Madison")
    assert geo.lookup("::ffff:128.104.1.1") == Geo("US", "United States", "Wisconsin", "Madison")


@pytest.mark.parametrize(
    "ip",
    ["10.0.0.1", "192.168.1.20", "127.0.0.1", "::1", "fe80::1", "1.2.3", "not-an-ip", "", None],
)
def test_geoip_private_or_invalid_is_unknown(geo, ip):
    assert geo.lookup(ip) == Geo("Unknown", "Unknown", "Unknown", "Unknown")


def test_geoip_database_is_configurable(monkeypatch, tmp_path):
    monkeypatch.setenv(GEOIP_DB_ENV, str(packaged_db_path()))
    with GeoLookup() as lookup:
        assert lookup.path == packaged_db_path()
    monkeypatch.setenv(GEOIP_DB_ENV, str(tmp_path / "missing.mmdb"))
    with pytest.raises(LandingError, match=r"missing\.mmdb"):
        GeoLookup()
    (tmp_path / "broken.mmdb").write_bytes(b"not a database")
    with pytest.raises(LandingError, match="cannot open GeoIP database"):
        GeoLookup(tmp_path / "broken.mmdb")
