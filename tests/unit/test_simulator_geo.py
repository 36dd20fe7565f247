"""The simulator's client IPs resolve to the intended countries in the warehouse's GeoIP database
(GeoLite2 City 2018 from the PyPI package maxminddb-geolite2), and its user agents parse."""

from __future__ import annotations

import ipaddress
import random
from collections import Counter
from typing import Any

import pytest
from geolite2 import geolite2
from ua_parser import parse

from video_insights.simulate.ipranges import (
    COUNTRY_WEIGHTS,
    IPV4_BLOCKS,
    IPV6_BLOCKS,
    UNRESOLVABLE,
    pick_ip,
)
from video_insights.simulate.useragents import PROFILES


@pytest.fixture(scope="module")
def reader() -> Any:
    return geolite2.reader()


def country(record: dict[str, Any] | None) -> str | None:
    return (record or {}).get("country", {}).get("iso_code")


def city(record: dict[str, Any] | None) -> str | None:
    return (record or {}).get("city", {}).get("names", {}).get("en")


def test_every_ipv4_host_resolves_to_its_country_and_city(reader: Any) -> None:
    assert set(IPV4_BLOCKS) >= {"US", "GB", "DE", "FR", "IL", "IN", "BR", "JP", "CA", "AU"}
    for code, blocks in IPV4_BLOCKS.items():
        cities = set()
        for block, expected_city in blocks:
            for host in ipaddress.IPv4Network(block):
                record = reader.get(str(host))
                assert country(record) == code, (block, str(host), country(record))
                assert city(record) == expected_city, (block, str(host), city(record))
            cities.add(expected_city)
        assert len(cities) >= 4, code  # several cities per country


def test_ipv6_blocks_resolve_to_their_country(reader: Any) -> None:
    rng = random.Random(1)
    for code, blocks in IPV6_BLOCKS.items():
        for block in blocks:
            network = ipaddress.IPv6Network(block)
            for _ in range(50):
                host = network.network_address + rng.getrandbits(79) + 1
                assert country(reader.get(str(host))) == code, (block, str(host))


def test_picked_addresses_resolve_as_intended(reader: Any) -> None:
    rng = random.Random(2)
    outcomes: Counter[str] = Counter()
    for _ in range(3000):
        code = rng.choice(sorted(COUNTRY_WEIGHTS))
        ip, intended = pick_ip(rng, code)
        record = reader.get(ip)
        if intended:
            assert intended == code and country(record) == code, ip
            outcomes["city" if city(record) else "country only"] += 1
        else:
            assert ipaddress.ip_address(ip) in ipaddress.ip_network(UNRESOLVABLE)
            assert record is None
            outcomes["unknown"] += 1
    assert outcomes["city"] > 0.85 * 3000  # most have a city (IPv6 is country-only)
    assert outcomes["country only"] > 0 and outcomes["unknown"] > 0


def test_user_agents_parse_into_browsers_and_operating_systems() -> None:
    for profile in PROFILES:
        result = parse(profile.user_agent)
        os_family = result.os.family if result.os else None
        if profile.device in ("Desktop", "Mobile", "Tablet"):
            assert os_family in {"Windows", "Mac OS X", "Linux", "Ubuntu", "iOS", "Android"}, (
                profile.user_agent,
                os_family,
            )
            assert result.user_agent is not None
        if profile.device == "Tablet" or "iPhone" in profile.user_agent:
            assert result.device is not None
    devices = Counter(p.device for p in PROFILES)
    assert min(devices[d] for d in ("Desktop", "Mobile", "Tablet", "TV")) >= 2
