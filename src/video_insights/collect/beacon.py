"""One request -> one beacon (a dict) or the reason it is refused.

The KAVA web plugin sends every field in the query string of a GET
(``/api_v3/index.php?service=analytics&action=trackEvent&eventType=3&...``); other players POST a
few fields in the query string and the rest as a JSON object (or a form) in the body. Body fields
win over query fields of the same name.

Values of the contract's int/float fields arrive as text and are written as JSON numbers when
they parse; a value that does not parse is written as sent, and landing quarantines that line
with the field and reason (raw-events.md). Only what can never land is refused here with a 400:
a missing or empty required field, or a required int that is not an integer.
"""

from __future__ import annotations

import contextlib
import time
from urllib.parse import parse_qsl, unquote_plus

import orjson

from video_insights.contract import (
    FIELDS_BY_KAVA_NAME,
    IP_ADDRESS,
    RECEIVED_AT,
    REQUIRED_FIELDS,
    USER_AGENT,
)

# Request plumbing of the Kaltura API, not beacon fields. ``ks`` is a session credential:
# never written to disk.
DROPPED_PARAMS = frozenset({"service", "action", "format", "apiVersion", "ks"})
_KINDS = {name: field.kind for name, field in FIELDS_BY_KAVA_NAME.items()}


class Refused(Exception):
    """A request that is answered 400; ``kind`` is the counter it adds to."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def query_params(query_string: bytes) -> dict[str, str]:
    """``a=1&b=x%20y`` -> ``{"a": "1", "b": "x y"}``, as ``dict(parse_qsl(...,
    keep_blank_values=True))`` gives it (a test checks that), but about four times faster:
    only names and values holding ``%`` or ``+`` are unquoted (parsing the query string was
    most of the cost of a beacon)."""
    params: dict[str, str] = {}
    for pair in query_string.decode("latin-1").split("&"):
        if not pair:
            continue
        name, _, value = pair.partition("=")
        if "%" in name or "+" in name:
            name = unquote_plus(name)
        if "%" in value or "+" in value:
            value = unquote_plus(value)
        params[name] = value
    return params


def body_params(body: bytes, content_type: str) -> dict[str, object]:
    """A POST body: a JSON object, or ``application/x-www-form-urlencoded``."""
    if not body.strip():
        return {}
    if "x-www-form-urlencoded" in content_type:
        return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError:
        if "json" in content_type:
            raise Refused("bad_body", "the body is not valid JSON") from None
        return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    if not isinstance(value, dict):
        raise Refused("bad_body", "the JSON body is not an object")
    return value


_INT_FIELDS = frozenset(name for name, kind in _KINDS.items() if kind == "int")
_FLOAT_FIELDS = frozenset(name for name, kind in _KINDS.items() if kind == "float")


def build_beacon(
    params: dict[str, object], *, received_at: str, ip_address: str, user_agent: str
) -> dict[str, object]:
    """Validate the required fields and add the collector's fields; raises :class:`Refused`.

    Text of a contract int/float field becomes a number when it parses (else it is kept as
    sent); an empty one is "absent" (KAVA sends e.g. ``position=`` before the media loads).
    """
    beacon: dict[str, object] = {}
    for name, value in params.items():
        if name in DROPPED_PARAMS:
            continue
        if type(value) is str:
            if name in _INT_FIELDS:
                if not value:
                    continue
                with contextlib.suppress(ValueError):
                    value = int(value)
            elif name in _FLOAT_FIELDS:
                if not value:
                    continue
                try:
                    number = float(value)
                except ValueError:
                    pass
                else:
                    if number - number == 0:  # finite: not inf or nan
                        value = number
        beacon[name] = value
    for name in REQUIRED_FIELDS:
        value = beacon.get(name)
        if value is None or value == "":
            missing = [n for n in REQUIRED_FIELDS if beacon.get(n) is None or beacon.get(n) == ""]
            raise Refused("missing_field", "missing required field(s): " + ", ".join(missing))
        if (
            name in _INT_FIELDS
            and type(value) is not int
            and not (type(value) is float and value.is_integer())
        ):
            raise Refused("wrong_type", f"field {name}: expected an integer, got {value!r}")
    beacon[RECEIVED_AT] = received_at
    beacon[IP_ADDRESS] = ip_address
    beacon[USER_AGENT] = user_agent
    return beacon


class Clock:
    """``receivedAt`` text (``2026-11-02T14:03:07.250Z``) and epoch seconds, cheaply."""

    def __init__(self) -> None:
        self._second = -1
        self._prefix = ""

    def now(self) -> tuple[str, float]:
        now = time.time()
        second = int(now)
        if second != self._second:
            self._second = second
            self._prefix = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        millis = int((now - second) * 1000)
        return f"{self._prefix}.{millis:03d}Z", now
