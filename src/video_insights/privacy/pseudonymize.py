"""Pseudonymized user ids for partners that require them.

Partners listed in ``$VIDEO_INSIGHTS_PSEUDONYMIZE_PARTNERS`` (comma-separated ids, e.g.
``1001,1002``) never have a raw user id landed: landing replaces ``userId`` of their beacons,
``userId`` of their users feed, ``creatorUserId``/``ownerUserId`` of their entries feed and the
user id inside their quarantined raw lines by :func:`pseudonymize_user_id`.

The pseudonym is ``"psu_"`` + the first 32 hex digits of HMAC-SHA256(key, "<partner>:<id>")
with a per-warehouse key (:func:`pseudonymization_key`). It is stable (the same viewer gets the
same pseudonym every night, so unique-viewer counts, retention and engagement reports are
unchanged), differs between partners, and cannot be reversed or brute-forced without the key.
Blank ids stay as they are (they mean "anonymous"); ids are trimmed of spaces first, as the
staging model trims them, so ``"ann "`` and ``"ann"`` stay one viewer.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re

import orjson

from video_insights.config import WarehousePaths
from video_insights.errors import VideoInsightsError

PARTNERS_ENV = "VIDEO_INSIGHTS_PSEUDONYMIZE_PARTNERS"
KEY_ENV = "VIDEO_INSIGHTS_PSEUDONYMIZE_KEY"
KEY_FILE = "pseudonymize.key"
PREFIX = "psu_"
DIGITS = 32


class PseudonymizeSettingError(VideoInsightsError):
    """The partner list setting is not a comma-separated list of integers."""


def pseudonymized_partners(value: str | None = None) -> frozenset[int]:
    """The partner ids whose user ids are pseudonymized (``$VIDEO_INSIGHTS_PSEUDONYMIZE_PARTNERS``
    unless ``value`` is given); empty when unset."""
    text = os.environ.get(PARTNERS_ENV, "") if value is None else value
    partners = set()
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            partners.add(int(part))
        except ValueError:
            raise PseudonymizeSettingError(
                f"${PARTNERS_ENV}: {part!r} is not a partner id (expected e.g. 1001,1002)"
            ) from None
    return frozenset(partners)


def pseudonymization_key(paths: WarehousePaths) -> bytes:
    """``$VIDEO_INSIGHTS_PSEUDONYMIZE_KEY`` (64 hex digits) or ``<warehouse>/secrets/
    pseudonymize.key`` (32 random bytes, mode 0600, created on first use)."""
    from video_insights.landing.secrets import load_or_create_key, secrets_dir

    return load_or_create_key(secrets_dir(paths) / KEY_FILE, KEY_ENV)


def pseudonymize_user_id(key: bytes, partner_id: int, user_id: str) -> str:
    """The pseudonym of ``user_id`` of ``partner_id`` (blank ids are returned unchanged)."""
    trimmed = user_id.strip(" ")
    if not trimmed:
        return user_id
    message = f"{partner_id}:{trimmed}".encode()
    return PREFIX + hmac.new(key, message, hashlib.sha256).hexdigest()[:DIGITS]


def is_pseudonym(value: str) -> bool:
    return len(value) == len(PREFIX) + DIGITS and value.startswith(PREFIX)


class Pseudonymizer:
    """The partners and key of one landing run, with a cache per (partner, id)."""

    def __init__(self, key: bytes, partners: frozenset[int]) -> None:
        self.key = key
        self.partners = partners
        self._cache: dict[tuple[int, str], str] = {}

    @classmethod
    def for_warehouse(cls, paths: WarehousePaths) -> Pseudonymizer | None:
        """None when no partner is pseudonymized (then no key is created)."""
        partners = pseudonymized_partners()
        if not partners:
            return None
        return cls(pseudonymization_key(paths), partners)

    def user_id(self, partner_id: int, user_id: str) -> str:
        cache_key = (partner_id, user_id)
        found = self._cache.get(cache_key)
        if found is None:
            found = pseudonymize_user_id(self.key, partner_id, user_id)
            if len(self._cache) < 1_000_000:
                self._cache[cache_key] = found
        return found

    # ------------------------------------------------------------------ quarantined lines

    def quarantine_text(self, raw_line: str | None, field: str | None, reason: str) -> tuple:
        """A quarantined line's (raw text, reason) with the user ids of pseudonymized partners
        replaced: by their pseudonym when the line's partner can be read, else by
        ``"<redacted>"`` (a line whose partner is unknown might belong to such a partner)."""
        if raw_line is None or not _USER_KEY_RE.search(raw_line):
            return raw_line, reason
        partners = [int(m.group(1)) for m in _PARTNER_RE.finditer(raw_line)]
        partner = partners[-1] if partners else None  # JSON parsers keep the last duplicate
        if partners and all(p not in self.partners for p in partners):
            return raw_line, reason

        def replace(match: re.Match) -> str:
            value = match.group(2)
            if partner in self.partners and value.startswith('"'):
                try:
                    decoded = orjson.loads(value)
                except orjson.JSONDecodeError:
                    decoded = None
                if isinstance(decoded, str):
                    pseudonym = self.user_id(partner, decoded)  # type: ignore[arg-type]
                    return match.group(1) + orjson.dumps(pseudonym).decode()
            return match.group(1) + REDACTED

        if field in USER_ID_KEYS and ", got " in reason:
            reason = reason.split(", got ", 1)[0] + ", got <redacted>"
        return _USER_VALUE_RE.sub(replace, raw_line), reason


USER_ID_KEYS = frozenset({"userId", "creatorUserId", "ownerUserId"})
REDACTED = '"<redacted>"'
_USER_KEY_RE = re.compile(r'"(?:userId|creatorUserId|ownerUserId)"')
_PARTNER_RE = re.compile(r'"partnerId"\s*:\s*"?\s*(-?[0-9]+)')
_USER_VALUE_RE = re.compile(
    r'("(?:userId|creatorUserId|ownerUserId)"\s*:\s*)("(?:[^"\\]|\\.)*"|[^,}\s]+)'
)
