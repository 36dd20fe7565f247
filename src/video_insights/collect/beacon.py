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

import time
from urllib.parse import parse_qsl

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
    return dict(parse_qsl(query_string.decode("latin-1"), keep_blank_values=True))


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


def _typed(name: str, value: object) -> object:
    """Text of a contract int/float field -> a number when it parses (else as sent)."""
    kind = _KINDS.get(name)
    if kind is None or kind == "str" or not isinstance(value, str):
        return value
    text = value.strip()
    try:
        if kind == "int":
            return int(text)
        number = float(text)
    except ValueError:
        return value
    return number if number == number and abs(number) != float("inf") else value


def build_beacon(
    params: dict[str, object], *, received_at: str, ip_address: str, user_agent: str
) -> dict[str, object]:
    """Validate the required fields and add the collector's fields; raises :class:`Refused`."""
    beacon: dict[str, object] = {}
    for name, value in params.items():
        if name in DROPPED_PARAMS:
            continue
        if value == "" and _KINDS.get(name) in ("int", "float"):
            continue  # an empty number is "absent" (KAVA sends e.g. ``position=`` before load)
        beacon[name] = _typed(name, value)
    missing = [name for name in REQUIRED_FIELDS if beacon.get(name) in (None, "")]
    if missing:
        raise Refused("missing_field", "missing required field(s): " + ", ".join(missing))
    for name in REQUIRED_FIELDS:
        if _KINDS[name] == "int" and (
            type(beacon[name]) is not int
            and not (type(beacon[name]) is float and float(beacon[name]).is_integer())  # type: ignore[arg-type]
        ):
            raise Refused("wrong_type", f"field {name}: expected an integer, got {beacon[name]!r}")
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
