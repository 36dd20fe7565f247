"""API tokens: each belongs to one partner; the file keeps only their sha256 hashes.

A token is ``vi_<id>_<secret>`` with 32 random bytes of secret (``secrets.token_urlsafe``), so a
plain sha256 is enough (no password stretching is needed for a random 256-bit secret). The file::

    {"tokens": [{"id": "...", "partner_id": 301, "sha256": "...", "label": "...",
                 "created_at": "..."}]}

It is written atomically (temp file + ``os.replace``) and re-read by the server when it changes,
so ``video-insights api-token create`` takes effect without a restart.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import tempfile
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from video_insights.errors import VideoInsightsError

PREFIX = "vi_"


class TokenError(VideoInsightsError):
    """The token file cannot be read or changed; the message names the file."""


@dataclass(frozen=True)
class TokenRecord:
    id: str
    partner_id: int
    sha256: str
    label: str
    created_at: str


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _read(path: Path) -> list[TokenRecord]:
    if not path.exists():
        return []
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        return [
            TokenRecord(**{**item, "partner_id": int(item["partner_id"])})
            for item in payload.get("tokens", [])
        ]
    except (OSError, ValueError, TypeError, KeyError) as error:
        raise TokenError(f"{path}: not a token file ({error})") from None


def _write(path: Path, records: list[TokenRecord]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload: dict[str, Any] = {"tokens": [asdict(record) for record in records]}
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".api_tokens-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(payload, handle, indent=2)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def create_token(path: Path, partner_id: int, label: str = "") -> tuple[str, TokenRecord]:
    """A new token for one partner: returns the token (shown once) and the stored record."""
    if partner_id < 1:
        raise TokenError(f"--partner-id must be a positive partner id, not {partner_id}")
    token_id = secrets.token_hex(4)
    token = f"{PREFIX}{token_id}_{secrets.token_urlsafe(32)}"
    record = TokenRecord(
        id=token_id,
        partner_id=partner_id,
        sha256=hash_token(token),
        label=label,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    _write(path, [*_read(path), record])
    return token, record


def list_tokens(path: Path) -> list[TokenRecord]:
    return _read(path)


def revoke_token(path: Path, token_id: str) -> TokenRecord:
    records = _read(path)
    kept = [record for record in records if record.id != token_id]
    if len(kept) == len(records):
        raise TokenError(f"{path}: no token with id {token_id!r}")
    _write(path, kept)
    return next(record for record in records if record.id == token_id)


class TokenStore:
    """The partner of a presented token, re-reading the file when it changes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int, int] | None = None
        self._by_hash: dict[str, int] = {}

    def _refresh(self) -> None:
        try:
            stat = self.path.stat()
            stamp = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        except FileNotFoundError:
            stamp = None
        with self._lock:
            if stamp != self._stamp or stamp is None:
                self._by_hash = {r.sha256: r.partner_id for r in _read(self.path)}
                self._stamp = stamp

    def partner_of(self, token: str | None) -> int | None:
        """The token's partner, or None for a missing or unknown token."""
        if not token:
            return None
        self._refresh()
        digest = hash_token(token)
        # every stored hash is compared in constant time (a handful of tokens per warehouse)
        for stored, partner_id in self._by_hash.items():
            if hmac.compare_digest(stored, digest):
                return partner_id
        return None
