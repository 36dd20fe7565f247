"""Referrer -> decoded URL, domain and canonical URL.

Web players send the page URL base64-encoded, other players plain: accept both. A value is
taken as plain when it has a URL scheme (``https://…``) or is not in the base64 alphabet;
otherwise it is base64-decoded (standard or URL-safe alphabet, padding optional, also when
percent-encoded) and the decoded text is used when it is printable UTF-8 that looks like a URL
(has a scheme, or a host with a dot). Anything else is kept as sent.

* ``domain``: the host, lowercase, without port, user info and a leading ``www.``;
* ``canonical_url``: ``domain + path``, no scheme, query or fragment; a bare ``/`` path is
  dropped (``https://www.Example.com/?a=1`` -> ``example.com``).

Both are NULL when there is no referrer or no host can be found in it.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import NamedTuple
from urllib.parse import unquote, urlsplit


class Referrer(NamedTuple):
    referrer: str
    domain: str | None
    canonical_url: str | None


_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_BASE64_RE = re.compile(r"^[A-Za-z0-9+/_-]+={0,2}$")
_HOST_RE = re.compile(r"^(?:[\w-]+(?:\.[\w-]+)*|[0-9a-f:.]*:[0-9a-f:.]*)$")
_HOSTLIKE_RE = re.compile(r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:[0-9]+)?([/?#].*)?$", re.DOTALL)


def _try_base64(value: str) -> str | None:
    text = value.strip()
    if "%" in text:
        text = unquote(text)
    if len(text) < 8 or not _BASE64_RE.match(text):
        return None
    text = text.rstrip("=")
    padded = text + "=" * (-len(text) % 4)
    try:
        if "-" in padded or "_" in padded:
            raw = base64.urlsafe_b64decode(padded)
        else:
            raw = base64.b64decode(padded, validate=True)
        decoded = raw.decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    if not decoded.isprintable():
        return None
    if _SCHEME_RE.match(decoded) or _HOSTLIKE_RE.match(decoded):
        return decoded
    return None


def decode(value: str) -> str:
    """The referrer as a URL: base64 decoded when it is base64, else as sent."""
    if _SCHEME_RE.match(value):
        return value
    decoded = _try_base64(value)
    return decoded if decoded is not None else value


def parse_referrer(value: str) -> Referrer:
    url = decode(value).strip()
    try:
        parts = urlsplit(url if _SCHEME_RE.match(url) or url.startswith("//") else "//" + url)
        host = parts.hostname
    except ValueError:
        return Referrer(url, None, None)
    if not host:
        return Referrer(url, None, None)
    host = host.rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    if not _HOST_RE.match(host):
        return Referrer(url, None, None)
    path = parts.path
    if path == "/":
        path = ""
    return Referrer(url, host, host + path)
