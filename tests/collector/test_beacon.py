"""Request -> beacon: required fields, types, dropped plumbing, client address behind proxies."""

from __future__ import annotations

import contextlib
import ipaddress

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from video_insights.collect.app import client_address
from video_insights.collect.beacon import (
    Clock,
    Refused,
    body_params,
    build_beacon,
    query_params,
)
from video_insights.collect.settings import CollectorConfigError, parse_networks
from video_insights.landing.parse import normalize_beacon, received_at

COLLECTOR = {"received_at": "2026-11-02T14:03:07.250Z", "ip_address": "1.2.3.4", "user_agent": "UA"}

# The query string the KAVA web plugin sends for a PLAY (taken from a real Chromium run).
KAVA_PLAY = (
    b"service=analytics&action=trackEvent&apiVersion=3.3.0&format=1&bufferTime=0&bufferTimeSum=0"
    b"&actualBitrate=-1&joinTime=0.007&canPlay=0.125&networkConnectionType=4g&eventType=3"
    b"&partnerId=1001&entryId=0_test&sessionId=606e8288%3Afcdaad7f&eventIndex=3"
    b"&referrer=http%3A%2F%2F127.0.0.1%3A8998%2Findex.html&deliveryType=url&playbackType=vod"
    b"&clientVer=3.17.78&clientTag=html5%3Av3.17.78&position=0.004&ks=SECRET&audioLanguage="
)


def test_kava_get_becomes_a_typed_beacon_that_lands() -> None:
    beacon = build_beacon(query_params(KAVA_PLAY), **COLLECTOR)
    assert beacon["eventType"] == 3 and beacon["partnerId"] == 1001 and beacon["eventIndex"] == 3
    assert beacon["sessionId"] == "606e8288:fcdaad7f"
    assert beacon["referrer"] == "http://127.0.0.1:8998/index.html"
    assert beacon["joinTime"] == 0.007 and beacon["actualBitrate"] == -1.0
    assert beacon["clientVer"] == "3.17.78"  # a str field stays text
    assert beacon["canPlay"] == "0.125"  # unknown extras are kept as sent
    for plumbing in ("service", "action", "format", "apiVersion", "ks"):
        assert plumbing not in beacon
    assert beacon["receivedAt"] == "2026-11-02T14:03:07.250Z"
    assert (beacon["ipAddress"], beacon["userAgent"]) == ("1.2.3.4", "UA")
    # landing accepts the line as it is written
    obj = orjson.loads(orjson.dumps(beacon))
    received_at(obj.pop("receivedAt"))
    obj.pop("ipAddress"), obj.pop("userAgent")
    extras = normalize_beacon(obj)
    assert extras is not None and "canPlay" in orjson.loads(extras)


@pytest.mark.parametrize(
    ("query", "kind"),
    [
        (b"eventType=3&partnerId=1&entryId=e&sessionId=s", "missing_field"),
        (b"eventType=3&partnerId=1&entryId=&sessionId=s&eventIndex=1", "missing_field"),
        (b"eventType=abc&partnerId=1&entryId=e&sessionId=s&eventIndex=1", "wrong_type"),
        (b"eventType=3&partnerId=1.5&entryId=e&sessionId=s&eventIndex=1", "wrong_type"),
        (b"", "missing_field"),
    ],
)
def test_a_beacon_that_can_never_land_is_refused(query: bytes, kind: str) -> None:
    with pytest.raises(Refused) as refused:
        build_beacon(query_params(query), **COLLECTOR)
    assert refused.value.kind == kind


def test_post_body_fields_join_and_win_over_the_query() -> None:
    params: dict[str, object] = dict(query_params(b"eventType=99&partnerId=7"))
    params.update(
        body_params(b'{"partnerId": 8, "entryId": "0_x", "sessionId": "s", "eventIndex": 4}', "")
    )
    beacon = build_beacon(params, **COLLECTOR)
    assert (beacon["eventType"], beacon["partnerId"], beacon["eventIndex"]) == (99, 8, 4)
    form = body_params(b"entryId=0_y&eventIndex=2", "application/x-www-form-urlencoded")
    assert form == {"entryId": "0_y", "eventIndex": "2"}
    with pytest.raises(Refused):
        body_params(b"[1, 2]", "application/json")
    with pytest.raises(Refused):
        body_params(b"{not json", "application/json")


def test_the_collector_fields_cannot_be_forged_by_the_client() -> None:
    params = dict(query_params(b"eventType=1&partnerId=1&entryId=e&sessionId=s&eventIndex=1"))
    params |= {"receivedAt": "1999-01-01T00:00:00Z", "ipAddress": "6.6.6.6", "userAgent": "x"}
    beacon = build_beacon(params, **COLLECTOR)
    assert (beacon["receivedAt"], beacon["ipAddress"], beacon["userAgent"]) == (
        "2026-11-02T14:03:07.250Z",
        "1.2.3.4",
        "UA",
    )


PROXIES = parse_networks(["10.0.0.0/8", "127.0.0.1"])


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("203.0.113.9", "198.51.100.1", "203.0.113.9"),  # untrusted peer: header ignored
        ("10.1.2.3", "198.51.100.1", "198.51.100.1"),  # through one trusted proxy
        ("10.1.2.3", "6.6.6.6, 198.51.100.1, 10.0.0.5", "198.51.100.1"),  # spoofed left entry
        ("127.0.0.1", "10.0.0.7, 10.0.0.5", "10.0.0.7"),  # all trusted: the leftmost
        ("10.1.2.3", "garbage, 10.0.0.5", "10.0.0.5"),
        ("10.1.2.3", None, "10.1.2.3"),
        ("10.1.2.3", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_address_trusts_forwarded_for_only_from_trusted_proxies(
    peer: str, forwarded: str | None, expected: str
) -> None:
    assert client_address(peer, forwarded, PROXIES) == expected
    assert client_address(peer, forwarded, ()) == peer


def test_bad_trusted_proxy_is_a_message() -> None:
    with pytest.raises(CollectorConfigError, match="not-an-ip"):
        parse_networks(["not-an-ip"])
    assert parse_networks(["::1"]) == (ipaddress.ip_network("::1/128"),)


def test_received_at_is_iso_utc_with_milliseconds() -> None:
    text, _ = Clock().now()
    assert len(text) == 24 and text.endswith("Z") and text[10] == "T" and text[19] == "."
    received_at(text)  # landing's fast path accepts it


@given(st.dictionaries(st.text(max_size=12), st.one_of(st.text(max_size=12), st.integers())))
def test_any_params_give_a_beacon_or_a_refusal(params: dict[str, object]) -> None:
    """Never another exception: the collector survives whatever a client sends."""
    try:
        beacon = build_beacon(params, **COLLECTOR)
    except Refused:
        return
    orjson.dumps(beacon)


@given(st.binary(max_size=200), st.sampled_from(["", "application/json", "text/plain"]))
def test_any_body_gives_params_or_a_refusal(body: bytes, content_type: str) -> None:
    with contextlib.suppress(Refused):
        assert isinstance(body_params(body, content_type), dict)


@given(st.text(alphabet="ab=&%+2F0 é;x", max_size=40))
def test_query_params_agree_with_the_standard_parser(text: str) -> None:
    from urllib.parse import parse_qsl

    raw = text.encode("latin-1", "replace")
    expected = dict(parse_qsl(raw.decode("latin-1"), keep_blank_values=True))
    assert query_params(raw) == expected
