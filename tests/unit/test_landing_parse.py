"""Line validation of landing: every bad-line kind names its field and reason; the cached fast
path gives the very verdicts of the plain functions."""

from __future__ import annotations

import copy

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from video_insights.landing.parse import (
    MISSING,
    BadLine,
    BeaconChecker,
    load_object,
    normalize_beacon,
    received_at,
    redact,
)

GOOD = {"eventType": 3, "partnerId": 101, "entryId": "1_abc", "sessionId": "s-1", "eventIndex": 1}


def verdict(obj: dict) -> tuple[str, str | None, str]:
    with pytest.raises(BadLine) as info:
        normalize_beacon(obj)
    return info.value.kind, info.value.field, info.value.reason


def test_good_beacon_keeps_types_and_defaults_playback_type():
    obj = dict(GOOD)
    assert normalize_beacon(obj) is None
    assert obj == {**GOOD, "playbackType": "vod"}


def test_numeric_strings_and_numbers_for_ids_are_accepted():
    obj = {
        "eventType": "99",
        "partnerId": " 101 ",
        "entryId": 12345,
        "sessionId": "s",
        "eventIndex": 2.0,
        "position": "12.5",
        "playTimeSum": 3,
        "bufferTime": "1e1",
        "uiConfId": 4567,
        "playbackType": "LIVE",
        "errorPosition": "-1",
    }
    assert normalize_beacon(obj) is None
    assert obj == {
        "eventType": 99,
        "partnerId": 101,
        "entryId": "12345",
        "sessionId": "s",
        "eventIndex": 2,
        "position": 12.5,
        "playTimeSum": 3,
        "bufferTime": 10.0,
        "uiConfId": "4567",
        "playbackType": "live",
        "errorPosition": -1,
    }


def test_extra_fields_are_removed_and_returned_as_json():
    obj = {**GOOD, "pluginVersion": "1.2", "nested": {"a": [1, 2]}}
    extra = normalize_beacon(obj)
    assert orjson.loads(extra) == {"pluginVersion": "1.2", "nested": {"a": [1, 2]}}
    assert "pluginVersion" not in obj and "nested" not in obj


@pytest.mark.parametrize(
    ("change", "kind", "field", "reason"),
    [
        (
            {"eventType": "abc"},
            "wrong_type",
            "eventType",
            'field eventType: expected int, got "abc"',
        ),
        ({"eventType": 57}, "unknown_event_type", "eventType", "unknown eventType 57"),
        ({"eventType": "57"}, "unknown_event_type", "eventType", "unknown eventType 57"),
        ({"eventType": True}, "wrong_type", "eventType", "field eventType: expected int, got true"),
        (
            {"eventIndex": 1.5},
            "wrong_type",
            "eventIndex",
            "field eventIndex: expected int, got 1.5",
        ),
        ({"partnerId": None}, "wrong_type", "partnerId", "field partnerId: expected int, got null"),
        (
            {"partnerId": 2**63},
            "bad_value",
            "partnerId",
            "field partnerId: 9223372036854775808 is out of the BIGINT range",
        ),
        (
            {"position": "twelve"},
            "wrong_type",
            "position",
            'field position: expected float, got "twelve"',
        ),
        (
            {"position": "nan"},
            "wrong_type",
            "position",
            'field position: expected float, got "nan"',
        ),
        (
            {"position": "1e400"},
            "bad_value",
            "position",
            'field position: "1e400" is not a finite number',
        ),
        ({"userId": ["u"]}, "wrong_type", "userId", 'field userId: expected str, got ["u"]'),
        (
            {"entryId": {"id": 1}},
            "wrong_type",
            "entryId",
            'field entryId: expected str, got {"id":1}',
        ),
        (
            {"playbackType": "vr"},
            "bad_value",
            "playbackType",
            'field playbackType: expected one of dvr, live, vod, got "vr"',
        ),
    ],
)
def test_bad_values_name_field_and_reason(change, kind, field, reason):
    assert verdict({**GOOD, **change}) == (kind, field, reason)


@pytest.mark.parametrize(
    "missing", ["eventType", "partnerId", "entryId", "sessionId", "eventIndex"]
)
def test_missing_required_field(missing):
    obj = {k: v for k, v in GOOD.items() if k != missing}
    assert verdict(obj) == ("missing_field", missing, f"missing required field {missing}")


def test_not_json_and_not_object():
    with pytest.raises(BadLine) as info:
        load_object(b'{"eventType": 3,')
    assert info.value.kind == "not_json" and info.value.reason.startswith("not JSON: ")
    with pytest.raises(BadLine) as info:
        load_object(b"[1, 2]")
    assert (info.value.kind, info.value.reason) == ("not_object", "not a JSON object: got array")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-02T14:03:07.250Z", ("2026-11-02T14:03:07.250", "2026-11-02")),
        ("2026-11-02T14:03:07Z", ("2026-11-02T14:03:07", "2026-11-02")),
        ("2026-11-02T23:30:00.5-02:00", ("2026-11-03 01:30:00.500000", "2026-11-03")),
        ("2026-11-02T14:03:07.123456", ("2026-11-02 14:03:07.123456", "2026-11-02")),
    ],
)
def test_received_at_is_normalised_to_utc(value, expected):
    assert received_at(value) == expected
    assert BeaconChecker().received(value) == expected


@pytest.mark.parametrize(
    ("value", "kind", "reason"),
    [
        (MISSING, "missing_field", "missing required field receivedAt"),
        (None, "bad_timestamp", "field receivedAt: expected an ISO-8601 string, got null"),
        (
            1730555000,
            "bad_timestamp",
            "field receivedAt: expected an ISO-8601 string, got 1730555000",
        ),
        (
            "2026-13-02T14:03:07.250Z",
            "bad_timestamp",
            'field receivedAt: not an ISO-8601 timestamp: "2026-13-02T14:03:07.250Z"',
        ),
        ("yesterday", "bad_timestamp", 'field receivedAt: not an ISO-8601 timestamp: "yesterday"'),
    ],
)
def test_bad_received_at(value, kind, reason):
    for check in (received_at, BeaconChecker().received):
        with pytest.raises(BadLine) as info:
            check(value)
        assert (info.value.kind, info.value.field, info.value.reason) == (
            kind,
            "receivedAt",
            reason,
        )


def test_redact_removes_ip_addresses_from_raw_lines():
    line = b'{"ipAddress": "203.0.113.9", "x": 1, "note": "from 198.51.100.7"}'
    text = redact(line)
    assert "203.0.113.9" not in text and "198.51.100.7" not in text
    assert '"ipAddress": "<redacted>"' in text
    v6 = redact(b'{"ipAddress":"2001:db8::1","eventType":')
    assert "2001:db8" not in v6
    cut = redact(b'{"eventType":3,"ipAddress":"203.0.11')
    assert "203.0" not in cut
    assert len(redact(b"x" * 5000)) == 2000


# ----------------------------------------------------------------- fast path == plain functions

_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**64), max_value=2**64),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["3", "99", "57", "abc", "1.5", " 7 ", "vod", "LIVE", "x", "", "1e3", "-0"]),
    st.lists(st.integers(), max_size=2),
)
_keys = st.sampled_from(
    [
        "eventType",
        "partnerId",
        "entryId",
        "sessionId",
        "eventIndex",
        "position",
        "playbackType",
        "uiConfId",
        "nodeLevel",
        "userId",
        "somethingElse",
    ]
)


def _outcome(check, obj):
    try:
        return ("ok", check(obj), obj)
    except BadLine as bad:
        return ("bad", bad.kind, bad.field, bad.reason)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(_keys, _values, max_size=8), st.booleans())
def test_checker_fast_path_matches_normalize_beacon(changes, based_on_good):
    obj = {**GOOD, **changes} if based_on_good else changes
    checker = BeaconChecker()
    plain = _outcome(normalize_beacon, copy.deepcopy(obj))
    assert _outcome(checker.fields, copy.deepcopy(obj)) == plain
    assert _outcome(checker.fields, copy.deepcopy(obj)) == plain  # the cached shape again
