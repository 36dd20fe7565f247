"""Landing's view of the forget ledger: drop what a forgotten viewer sends again.

``video-insights forget-user`` (:mod:`.forget`) records each forgotten viewer in
``privacy/forgotten.jsonl`` as a keyed hash (:func:`viewer_key`) of the partner and the user id
*as landing stores it* (the pseudonym for a partner whose ids are pseudonymized). A later delivery
of the viewer's beacons (a redelivered file under a new name, a late file, new plays) must not
bring them back, so landing loads the ledger once per run (:meth:`ForgottenViewers.load`) and
drops, before anything is written:

* beacons whose (``partnerId``, ``userId``) is in the ledger (the check runs after
  pseudonymization, on the id landing would store);
* ``users`` side-feed records of such a viewer;
* bad lines that carry such a viewer (the quarantine keeps raw lines: it must not hold them).

Dropped rows are counted as *forgotten* (``FileResult.forgotten_rows``, the manifest's
``forgotten_rows``, the landing summary's ``rows_forgotten`` and the log events), never silently.
This module is imported by landing's hot loop: no heavy imports, and rows of partners without a
forgotten viewer cost one set lookup.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from video_insights.config import WarehousePaths

LEDGER = "forgotten.jsonl"
LEDGER_KEY = "ledger.key"
_PARTNER_RE = re.compile(r'"partnerId"\s*:\s*"?\s*(-?[0-9]+)')
_USER_RE = re.compile(r'"userId"\s*:\s*("(?:[^"\\]|\\.)*"|[^,}\s]+)')


def privacy_dir(warehouse: WarehousePaths) -> Path:
    return warehouse.root / "privacy"


def viewer_key(key: bytes, partner_id: int, user_id: str) -> str:
    """HMAC-SHA256 of partner and user id (trimmed of spaces, as staging and pseudonymization
    trim them): what the ledger stores instead of the id."""
    message = f"{int(partner_id)}\x1f{user_id.strip(' ')}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


@dataclass
class ForgottenViewers:
    """The ledger's viewers for one landing run (picklable: landing workers get a copy)."""

    key: bytes
    keys: frozenset[str]
    partners: frozenset[int]
    _seen: dict[tuple[int, str], bool] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, warehouse: WarehousePaths) -> ForgottenViewers | None:
        """The ledger read once; None when no viewer was ever forgotten (the common case)."""
        folder = privacy_dir(warehouse)
        ledger, key_file = folder / LEDGER, folder / LEDGER_KEY
        if not ledger.is_file() or not key_file.is_file():
            return None
        keys, partners = set(), set()
        for line in ledger.read_bytes().splitlines():
            if line.strip():
                entry = orjson.loads(line)
                keys.add(entry["user_key"])
                partners.add(int(entry["partner_id"]))
        if not keys:
            return None
        key = bytes.fromhex(key_file.read_text().strip())
        return cls(key, frozenset(keys), frozenset(partners))

    def holds(self, partner_id: object, user_id: object) -> bool:
        """Whether the viewer (as landing stores their id) is in the ledger."""
        if partner_id not in self.partners or type(user_id) is not str:
            return False
        cache_key = (partner_id, user_id)  # type: ignore[assignment]
        found = self._seen.get(cache_key)  # type: ignore[arg-type]
        if found is None:
            found = viewer_key(self.key, partner_id, user_id) in self.keys  # type: ignore[arg-type]
            if len(self._seen) < 100_000:
                self._seen[cache_key] = found  # type: ignore[index]
        return found

    def drops(self, result: object, partner_id: object, user_id: object) -> bool:
        """True (and one more ``result.forgotten_rows``) when the row is a forgotten viewer's:
        the one call landing makes where it accepts a beacon or a users record."""
        if self.holds(partner_id, user_id):
            result.forgotten_rows += 1  # type: ignore[attr-defined]
            return True
        return False

    def holds_line(self, raw_line: str | None) -> bool:
        """Whether a raw (bad) line carries a forgotten viewer: parsed as JSON when it is a
        JSON object, else read textually (the last ``partnerId`` and ``userId`` it carries)."""
        if raw_line is None or '"userId"' not in raw_line:
            return False
        partner: object = None
        user: object = None
        try:
            obj = orjson.loads(raw_line)
        except orjson.JSONDecodeError:
            obj = None
        if isinstance(obj, dict):
            partner, user = obj.get("partnerId"), obj.get("userId")
        else:  # not JSON (cut, malformed): JSON parsers keep the last duplicate key
            partners = _PARTNER_RE.findall(raw_line)
            users = _USER_RE.findall(raw_line)
            partner = partners[-1] if partners else None
            if users:
                try:
                    user = orjson.loads(users[-1])
                except orjson.JSONDecodeError:
                    user = None
        if isinstance(partner, str) and partner.strip().lstrip("-").isdigit():
            partner = int(partner)
        if isinstance(user, int | float) and not isinstance(user, bool):
            user = str(user)
        return type(partner) is int and self.holds(partner, user)
