"""Client IP addresses from real address blocks, so GeoIP resolves them to real places.

The warehouse looks addresses up in the GeoLite2 City database shipped by the PyPI package
``maxminddb-geolite2`` (2018 edition). Each IPv4 block below is a /24 of a residential ISP
(Comcast, BT, Deutsche Telekom, Free/Orange, Bezeq, Airtel/BSNL, NTT, Rogers, Telstra, ...)
in which, in that database, every host maps to the country given and to one city. A unit test
(``tests/unit/test_simulator_geo.py``) checks every host of every block against the database.

IPv6 blocks (/48 of the same ISPs) resolve to the country only: the 2018 database has almost no
city data for IPv6, which is realistic (the report then shows the city as ``Unknown``).

``UNRESOLVABLE`` is carrier-grade NAT space (RFC 6598): a collector behind a misconfigured proxy
sees such addresses, and GeoIP finds nothing (country ``Unknown``).
"""

from __future__ import annotations

import ipaddress
import random

# country code -> /24 blocks (the city each maps to in GeoLite2 City 2018, for readers)
IPV4_BLOCKS: dict[str, tuple[tuple[str, str], ...]] = {
    "US": (
        ("73.165.205.0/24", "Wilmington"),
        ("73.77.60.0/24", "Richmond"),
        ("98.242.137.0/24", "Miami"),
        ("98.198.46.0/24", "Houston"),
        ("24.2.81.0/24", "Salt Lake City"),
        ("24.3.3.0/24", "Aliquippa"),
    ),
    "GB": (
        ("86.135.108.0/24", "Biggleswade"),
        ("86.132.204.0/24", "Milton Keynes"),
        ("82.5.128.0/24", "Stratford"),
        ("82.27.192.0/24", "Glasgow"),
        ("90.218.195.0/24", "Oxford"),
        ("90.196.120.0/24", "Harwich"),
    ),
    "DE": (
        ("79.222.206.0/24", "Darmstadt"),
        ("79.246.86.0/24", "Leipzig"),
        ("91.7.235.0/24", "Moers"),
        ("91.5.246.0/24", "Wutoeschingen"),
        ("93.209.11.0/24", "Langewiesen"),
        ("93.229.17.0/24", "Reinheim"),
    ),
    "FR": (
        ("78.245.166.0/24", "Riom"),
        ("78.210.118.0/24", "Fréjus"),
        ("86.199.137.0/24", "Tonnay-Charente"),
        ("86.198.152.0/24", "Carnoules"),
        ("2.11.234.0/24", "Lorient"),
        ("2.3.30.0/24", "Cohade"),
    ),
    "IL": (
        ("79.177.1.0/24", "Tel Aviv"),
        ("79.179.75.0/24", "Nazareth"),
        ("46.117.252.0/24", "Haifa"),
        ("46.117.65.0/24", "Ramat Gan"),
        ("84.229.50.0/24", "Savyon"),
        ("84.229.203.0/24", "Ashquelon"),
    ),
    "IN": (
        ("122.169.54.0/24", "Ahmedabad"),
        ("122.163.199.0/24", "Lucknow"),
        ("117.245.133.0/24", "Chandigarh"),
        ("117.213.29.0/24", "Thrissur"),
        ("59.93.121.0/24", "Tanuku"),
        ("59.90.110.0/24", "Kalyan"),
    ),
    "BR": (
        ("177.13.126.0/24", "Ribeirão das Neves"),
        ("177.1.65.0/24", "Dourados"),
        ("179.98.123.0/24", "Pindamonhangaba"),
        ("179.106.10.0/24", "Alianca"),
        ("187.21.196.0/24", "Santos"),
        ("187.22.105.0/24", "Cubatao"),
    ),
    "JP": (
        ("153.191.147.0/24", "Kasugai"),
        ("153.186.100.0/24", "Imabari-shi"),
        ("180.4.102.0/24", "Matsue"),
        ("180.5.253.0/24", "Kumamoto"),
        ("60.40.163.0/24", "Fukui-shi"),
        ("60.47.43.0/24", "Yamagata"),
    ),
    "CA": (
        ("99.228.40.0/24", "Richmond Hill"),
        ("99.227.226.0/24", "Scarborough"),
        ("24.68.244.0/24", "Victoria"),
        ("24.70.44.0/24", "Vernon"),
        ("70.55.99.0/24", "Trois-Rivières"),
        ("70.53.175.0/24", "Laval"),
    ),
    "AU": (
        ("101.170.193.0/24", "Belrose"),
        ("101.167.126.0/24", "Eltham"),
        ("110.143.243.0/24", "Adelaide"),
        ("110.140.120.0/24", "Surrey Hills"),
        ("120.150.251.0/24", "Surry Hills"),
        ("120.153.50.0/24", "Canberra"),
    ),
    "MX": (
        ("189.144.142.0/24", "Nueva Atzacoalco"),
        ("189.178.10.0/24", "El Salto"),
        ("187.191.141.0/24", "San Pedro Garza Garcia"),
        ("187.138.80.0/24", "Cadereyta Jimenez"),
    ),
    "ES": (
        ("83.42.165.0/24", "El Campello"),
        ("83.57.180.0/24", "Santa Coloma de Farners"),
        ("79.152.228.0/24", "Madrid"),
        ("79.148.97.0/24", "Valencia"),
    ),
    "IT": (
        ("79.55.27.0/24", "Santarcangelo di Romagna"),
        ("79.45.236.0/24", "Sospirolo"),
        ("87.24.89.0/24", "Pesaro"),
        ("87.14.196.0/24", "Turin"),
    ),
    "NL": (
        ("84.26.106.0/24", "Dinteloord"),
        ("84.25.83.0/24", "Amstenrade"),
        ("77.165.163.0/24", "Utrecht"),
        ("77.164.215.0/24", "Hengelo"),
    ),
    "KR": (
        ("121.157.176.0/24", "Seongnam-si"),
        ("121.129.139.0/24", "Seoul"),
        ("175.203.171.0/24", "Asan"),
        ("175.210.11.0/24", "Incheon"),
    ),
}

# country code -> /48 blocks (country only in the 2018 database)
IPV6_BLOCKS: dict[str, tuple[str, ...]] = {
    "US": ("2601:28:26bb::/48", "2600:1709:d4ce::/48"),
    "GB": ("2a02:c7f:84b4::/48",),
    "DE": ("2003:d07:75a1::/48",),
    "FR": ("2a01:e35:dbdb::/48",),
    "IN": ("2409:4057:1b0f::/48",),
}

UNRESOLVABLE = "100.64.0.0/10"

# Share of viewers by country, before a partner's home-country boost.
COUNTRY_WEIGHTS: dict[str, float] = {
    "US": 30.0,
    "GB": 9.0,
    "DE": 7.0,
    "FR": 5.0,
    "IN": 8.0,
    "BR": 5.0,
    "JP": 4.0,
    "CA": 5.0,
    "AU": 4.0,
    "IL": 3.0,
    "MX": 3.0,
    "ES": 3.0,
    "IT": 3.0,
    "NL": 2.0,
    "KR": 2.0,
}

IPV6_SHARE = 0.08  # of sessions from a country with IPv6 blocks
UNRESOLVABLE_SHARE = 0.005

_V4: dict[str, list[int]] = {
    cc: [int(ipaddress.IPv4Network(block).network_address) for block, _city in blocks]
    for cc, blocks in IPV4_BLOCKS.items()
}
_V6: dict[str, list[int]] = {
    cc: [int(ipaddress.IPv6Network(block).network_address) for block in blocks]
    for cc, blocks in IPV6_BLOCKS.items()
}
_CGNAT = int(ipaddress.IPv4Network(UNRESOLVABLE).network_address)


def _v4(value: int) -> str:
    return f"{value >> 24}.{(value >> 16) & 255}.{(value >> 8) & 255}.{value & 255}"


def pick_ip(rng: random.Random, country: str) -> tuple[str, str]:
    """An address in ``country``: (ip, the country it should resolve to, "" when none)."""
    if rng.random() < UNRESOLVABLE_SHARE:
        return _v4(_CGNAT + rng.randrange(1, 1 << 22)), ""
    v6 = _V6.get(country)
    if v6 and rng.random() < IPV6_SHARE:
        base = rng.choice(v6)
        return str(ipaddress.IPv6Address(base + rng.getrandbits(79) + 1)), country
    return _v4(rng.choice(_V4[country]) + rng.randrange(1, 255)), country
