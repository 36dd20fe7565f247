"""One raw line -> a validated, typed beacon (or side-feed record), or the reason it is bad.

The rules (shared/spec/raw-events.md, docs/design.md):

* a line must be a JSON object; blank lines are skipped by the caller;
* the required fields (:data:`contract.REQUIRED_FIELDS` and ``receivedAt``) must be present;
* ``int`` fields take a JSON integer, an integral JSON number (``3.0``) or a digit string
  (``"3"``, ``"-1"``) within BIGINT range; ``float`` fields take a JSON number or a numeric
  string (``"12.5"``, ``"1e3"``); ``str`` fields take a string, and a JSON number is turned into
  its decimal text (ids such as ``entryId``/``uiConfId`` are often sent as numbers). ``true``,
  ``false``, arrays and objects are wrong types. ``null`` is "absent" for an optional field and a
  wrong type for a required one;
* ``receivedAt`` is an ISO-8601 string; an offset is converted to UTC, no offset means UTC;
* ``eventType`` is a code of :data:`contract.EVENT_TYPES`;
* ``playbackType`` is ``vod``/``live``/``dvr`` (case-insensitive), absent -> ``vod``;
* ``ipAddress`` and ``userAgent`` are optional strings (consumed by enrichment);
* any other key is an extra field, kept as JSON in ``extra_fields``.

A bad line raises :class:`BadLine` with a ``kind`` (for counts), the ``field`` at fault (or None)
and a human ``reason`` such as ``field eventType: expected int, got "abc"``.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime

import orjson

from video_insights.contract import (
    BEACON_FIELDS,
    EVENT_TYPES,
    IP_ADDRESS,
    PLAYBACK_TYPES,
    RECEIVED_AT,
    REQUIRED_FIELDS,
    USER_AGENT,
)

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
RAW_LINE_MAX = 2000
MAX_LINE_BYTES = 1024 * 1024  # a beacon is ~1 KB; longer lines are quarantined unparsed
DEFAULT_PLAYBACK_TYPE = "vod"

_PY_TYPE = {"int": int, "float": float, "str": str}
# kava name -> the Python type a valid, already normalised value has
BEACON_TYPES: dict[str, type] = {f.kava_name: _PY_TYPE[f.kind] for f in BEACON_FIELDS}
BEACON_REQUIRED: tuple[str, ...] = (*REQUIRED_FIELDS, RECEIVED_AT)
COLLECTOR_FIELDS = frozenset({IP_ADDRESS, USER_AGENT})

_INT_RE = re.compile(r"[+-]?[0-9]+")
_FLOAT_RE = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class BadLine(Exception):
    """A line that cannot land: ``kind`` groups reasons for counting."""

    def __init__(self, kind: str, field: str | None, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.field = field
        self.reason = reason


def show(value: object, limit: int = 60) -> str:
    """A value as JSON text for a reason message, shortened."""
    try:
        text = orjson.dumps(value).decode()
    except TypeError:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def too_long(line: bytes) -> BadLine:
    return BadLine("too_long", None, f"line longer than the {MAX_LINE_BYTES} bytes allowed")


def load_object(line: bytes) -> dict:
    """Parse a line that must hold a JSON object."""
    try:
        obj = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        raise BadLine("not_json", None, f"not JSON: {exc}") from None
    if type(obj) is not dict:
        raise BadLine("not_object", None, f"not a JSON object: got {_json_type(obj)}")
    return obj


# --------------------------------------------------------------------------- scalar coercions


def wrong_type(name: str, kind: str, value: object) -> BadLine:
    return BadLine("wrong_type", name, f"field {name}: expected {kind}, got {show(value)}")


def to_int(name: str, value: object) -> int:
    t = type(value)
    if t is int:
        result = value
    elif t is float and value.is_integer():  # type: ignore[union-attr]
        result = int(value)  # type: ignore[arg-type]
    elif t is str and _INT_RE.fullmatch(value.strip()):  # type: ignore[union-attr]
        if len(value) > 40:  # type: ignore[arg-type]
            raise _out_of_range(name, value)
        result = int(value)  # type: ignore[arg-type]
    else:
        raise wrong_type(name, "int", value)
    if not INT64_MIN <= result <= INT64_MAX:  # type: ignore[operator]
        raise _out_of_range(name, value)
    return result  # type: ignore[return-value]


def _out_of_range(name: str, value: object) -> BadLine:
    return BadLine("bad_value", name, f"field {name}: {show(value)} is out of the BIGINT range")


def to_float(name: str, value: object) -> float:
    t = type(value)
    if t is float or t is int:
        return value  # type: ignore[return-value]
    if t is str and _FLOAT_RE.fullmatch(value.strip()):  # type: ignore[union-attr]
        result = float(value)  # type: ignore[arg-type]
        if math.isfinite(result):
            return result
        raise BadLine("bad_value", name, f"field {name}: {show(value)} is not a finite number")
    raise wrong_type(name, "float", value)


def to_str(name: str, value: object) -> str:
    t = type(value)
    if t is str:
        return value  # type: ignore[return-value]
    if t is int:
        return str(value)  # 12345 -> "12345"
    if t is float:
        return orjson.dumps(value).decode()  # 2.5 -> "2.5", as JSON writes it
    raise wrong_type(name, "str", value)


_COERCE = {int: to_int, float: to_float, str: to_str}


def parse_timestamp(name: str, value: object) -> datetime:
    """An ISO-8601 string -> naive UTC datetime (offsets converted, no offset = UTC)."""
    if type(value) is not str:
        raise BadLine(
            "bad_timestamp", name, f"field {name}: expected an ISO-8601 string, got {show(value)}"
        )
    try:
        moment = datetime.fromisoformat(value)  # type: ignore[arg-type]
    except ValueError:
        raise BadLine(
            "bad_timestamp", name, f"field {name}: not an ISO-8601 timestamp: {show(value)}"
        ) from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


MISSING = object()


def received_at(value: object) -> tuple[str, str]:
    """``receivedAt`` (or :data:`MISSING`) -> (timestamp text DuckDB casts to TIMESTAMP, UTC date).

    The common collector form ``2026-11-02T14:03:07.250Z`` is validated and passed through without
    reformatting (the hot path); anything else ISO-8601 is normalised to UTC first.
    """
    if value is MISSING:
        raise BadLine("missing_field", RECEIVED_AT, f"missing required field {RECEIVED_AT}")
    moment = parse_timestamp(RECEIVED_AT, value)
    text: str = value  # type: ignore[assignment]
    n = len(text)
    if text[-1] == "Z" and text[10] == "T" and ((n == 24 and text[19] == ".") or n == 20):
        return text[:-1], text[:10]
    return moment.isoformat(sep=" "), moment.date().isoformat()


def parse_date(name: str, value: object) -> str:
    if type(value) is str and _DATE_RE.fullmatch(value):  # type: ignore[arg-type]
        try:
            return date.fromisoformat(value).isoformat()  # type: ignore[arg-type]
        except ValueError:
            pass
    raise BadLine("bad_date", name, f"field {name}: expected a YYYY-MM-DD date, got {show(value)}")


# --------------------------------------------------------------------------- beacons


def normalize_beacon(obj: dict) -> str | None:
    """Validate and type the beacon fields of ``obj`` in place.

    ``obj`` is the raw object without ``receivedAt``, ``ipAddress`` and ``userAgent``. Values are
    replaced by their typed form, extra keys are removed; returns the extra fields as JSON text
    (None when there are none). Raises :class:`BadLine`.
    """
    for name in REQUIRED_FIELDS:
        if obj.get(name) is None:
            if name in obj:
                raise wrong_type(name, _KIND_NAME[name], None)
            raise BadLine("missing_field", name, f"missing required field {name}")
    extras = None
    types = BEACON_TYPES
    for key, value in obj.items():
        expected = types.get(key)
        if expected is None:
            if extras is None:
                extras = {}
            extras[key] = value
            continue
        t = type(value)
        if t is expected:
            if t is not int or INT64_MIN <= value <= INT64_MAX:
                continue
        elif value is None or (t is int and expected is float):
            continue
        obj[key] = _COERCE[expected](key, value)
    event_type = obj["eventType"]
    if event_type not in EVENT_TYPES:
        raise BadLine("unknown_event_type", "eventType", f"unknown eventType {event_type}")
    playback = obj.get("playbackType")
    if playback is None:
        obj["playbackType"] = DEFAULT_PLAYBACK_TYPE
    elif playback not in PLAYBACK_TYPES:
        lowered = playback.strip().lower()
        if lowered not in PLAYBACK_TYPES:
            raise BadLine(
                "bad_value",
                "playbackType",
                f"field playbackType: expected one of dvr, live, vod, got {show(playback)}",
            )
        obj["playbackType"] = lowered
    if extras is None:
        return None
    for key in extras:
        del obj[key]
    return orjson.dumps(extras).decode()


_KIND_NAME = {f.kava_name: f.kind for f in BEACON_FIELDS}


def collector_string(name: str, value: object) -> str | None:
    """``ipAddress``/``userAgent``: a string, or None when absent or null."""
    if value is None or type(value) is str:
        return value  # type: ignore[return-value]
    raise wrong_type(name, "str", value)


# --------------------------------------------------------------------------- quarantine text

_IP_KEY_RE = re.compile(rb'("ipAddress"\s*:\s*)("(?:[^"\\]|\\.)*("|$)|[^,}\s]+)')
_IPV4_RE = re.compile(rb"(?<![0-9.])(?:[0-9]{1,3}\.){3}[0-9]{1,3}(?![0-9.])")
REDACTED = b'"<redacted>"'


def redact(line: bytes) -> str:
    """The raw line for quarantine: the ``ipAddress`` value (and any other dotted-quad IPv4
    address) replaced by ``"<redacted>"``, cut to 2,000 characters."""
    if b"ipAddress" in line:
        line = _IP_KEY_RE.sub(lambda m: m.group(1) + REDACTED, line)
    line = _IPV4_RE.sub(b"<redacted>", line)
    return line.decode("utf-8", errors="replace")[:RAW_LINE_MAX]


# --------------------------------------------------------------------------- the fast path

_UNSEEN = object()
_MAX_CACHED = 100_000
_NONE_TYPE = type(None)


class BeaconChecker:
    """:func:`normalize_beacon` and :func:`received_at` with caches, for the landing hot loop.

    * Object shapes: the tuple of keys and value types of a beacon decides, once per shape,
      whether every value already has its landed type (then only the event code, playback type
      and BIGINT range are checked per line) or the line takes the full path.
    * ``receivedAt`` in the collector's form ``YYYY-MM-DDTHH:MM:SS.fffZ``: each distinct second
      is validated once.
    The verdicts are exactly those of the uncached functions.
    """

    def __init__(self) -> None:
        self.shapes: dict[tuple, tuple | None] = {}
        self.seconds: set[str] = set()

    def _judge(self, keys: tuple, types: tuple) -> tuple | None:
        """(extra keys, int keys to range-check, (key, coercion) pairs), or None when some
        value can never be valid (the line takes the full path, which says why)."""
        extras: list[str] = []
        ints: list[str] = []
        coercions: list[tuple] = []
        present = set(keys)
        if not all(name in present for name in REQUIRED_FIELDS):
            return None
        for key, t in zip(keys, types, strict=True):
            expected = BEACON_TYPES.get(key)
            if expected is None:
                extras.append(key)
            elif t is expected:
                if t is int:
                    ints.append(key)
            elif t is _NONE_TYPE:
                if key in REQUIRED_FIELDS:
                    return None
            elif t is int and expected is float:
                pass
            elif t is str or t is int or t is float:
                coercions.append((key, _COERCE[expected]))
            else:
                return None
        return tuple(extras), tuple(ints), tuple(coercions)

    def fields(self, obj: dict) -> str | None:
        """Same as :func:`normalize_beacon` (on any doubt it hands over to it)."""
        signature = (tuple(obj), tuple(map(type, obj.values())))
        verdict = self.shapes.get(signature, _UNSEEN)
        if verdict is _UNSEEN:
            verdict = self._judge(*signature)
            if len(self.shapes) < _MAX_CACHED:
                self.shapes[signature] = verdict
        if verdict is None:
            return normalize_beacon(obj)
        extras, ints, coercions = verdict
        if coercions:
            try:
                for key, coerce in coercions:
                    obj[key] = coerce(key, obj[key])
            except BadLine:
                return normalize_beacon(obj)  # the verdict of the first bad field, in key order
        for key in ints:
            if not INT64_MIN <= obj[key] <= INT64_MAX:
                return normalize_beacon(obj)
        event_type = obj["eventType"]
        if event_type not in EVENT_TYPES:
            raise BadLine("unknown_event_type", "eventType", f"unknown eventType {event_type}")
        playback = obj.get("playbackType")
        if playback is None:
            obj["playbackType"] = DEFAULT_PLAYBACK_TYPE
        elif playback not in PLAYBACK_TYPES:
            return normalize_beacon(obj)
        if not extras:
            return None
        return orjson.dumps({key: obj.pop(key) for key in extras}).decode()

    def received(self, value: object) -> tuple[str, str]:
        """Same as :func:`received_at`."""
        if (
            type(value) is str
            and len(value) == 24
            and value[23] == "Z"  # type: ignore[arg-type]
            and value[19] == "."
            and value.isascii()  # type: ignore[index,union-attr]
            and value[20:23].isdigit()
        ):  # type: ignore[index]
            second = value[:19]  # type: ignore[index]
            if second in self.seconds:
                return value[:23], value[:10]  # type: ignore[index]
            if (
                second[4] == "-"
                and second[7] == "-"
                and second[10] == "T"
                and second[13] == ":"
                and second[16] == ":"
            ):
                try:
                    datetime.fromisoformat(second)
                except ValueError:
                    pass
                else:
                    if len(self.seconds) < _MAX_CACHED:
                        self.seconds.add(second)
                    return value[:23], value[:10]  # type: ignore[index]
        return received_at(value)
