"""Referrers: the page a player is embedded in.

Web players (the Kaltura web player, KAVA) send ``referrer`` base64-encoded; native and TV apps
send a plain URL, or nothing. Pages are built on the partner's own sites (a MediaSpace-like video
portal, an LMS, a marketing site) and on third-party sites that embed the player, with realistic
paths and query strings, so that the warehouse's domain and canonical-URL columns have something
to group by.
"""

from __future__ import annotations

import base64
import random
from dataclasses import dataclass

EXTERNAL_PAGES: tuple[str, ...] = (
    "https://www.linkedin.com/feed/update/urn:li:activity:7260{n:09d}/",
    "https://www.reddit.com/r/videos/comments/{code}/{slug}/",
    "https://news.ycombinator.com/item?id=4{n:07d}",
    "https://medium.com/@{slug}/{slug}-{code}",
    "https://www.facebook.com/watch/?v=10{n:013d}",
    "https://t.co/{code}",
    "https://www.google.com/",
    "https://docs.google.com/presentation/d/1{code}{code}/edit?slide=id.p{n}",
    "https://teams.microsoft.com/l/meetup-join/19%3ameeting_{code}%40thread.v2/0",
)

_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


@dataclass(frozen=True)
class PartnerSites:
    """The host names a partner publishes video on."""

    portal: str  # MediaSpace-like video portal: media pages and channel pages
    lms: str  # learning management system course pages
    www: str  # marketing site, blog and news articles
    app_scheme: str  # the partner's native app id (plain referrer "app://...")


def sites_for(domain: str) -> PartnerSites:
    app = ".".join(reversed(domain.split(".")))
    return PartnerSites(
        portal=f"videos.{domain}",
        lms=f"learn.{domain}",
        www=f"www.{domain}",
        app_scheme=f"{app}.video",
    )


def encode(url: str) -> str:
    """The referrer as a web player sends it (base64 of the UTF-8 URL)."""
    return base64.b64encode(url.encode()).decode("ascii")


def _code(rng: random.Random, size: int) -> str:
    return "".join(rng.choices(_ALPHABET, k=size))


def page_url(
    rng: random.Random,
    sites: PartnerSites,
    entry_id: str,
    entry_slug: str,
    channel: tuple[str, str] | None,
) -> tuple[str, str | None]:
    """A page the entry is played on: (url, playbackContext or None).

    ``channel`` is (category id, category slug) of a category the entry belongs to; a channel or
    gallery page sets ``playbackContext`` to that category id, as the KAVA plugin does.
    """
    kind = rng.random()
    if kind < 0.30:
        suffix = f"?st={rng.randrange(10, 600)}" if rng.random() < 0.1 else ""
        return f"https://{sites.portal}/media/{entry_slug}/{entry_id}{suffix}", None
    if kind < 0.50 and channel is not None:
        cat_id, slug = channel
        query = "?sortBy=recent" if rng.random() < 0.3 else ""
        return f"https://{sites.portal}/channel/{slug}/{cat_id}{query}", cat_id
    if kind < 0.68:
        course = rng.randrange(1000, 9999)
        return (
            f"https://{sites.lms}/courses/{course}/pages/{entry_slug}"
            f"?module_item_id={rng.randrange(10000, 99999)}",
            None,
        )
    if kind < 0.85:
        month = rng.randrange(1, 11)
        campaign = rng.choice(("autumn-launch", "weekly-digest", "webinar-series", "alumni"))
        return (
            f"https://{sites.www}/2026/{month:02d}/{entry_slug}"
            f"?utm_source=newsletter&utm_medium=email&utm_campaign={campaign}",
            None,
        )
    if kind < 0.92:
        return f"https://{sites.www}/", None
    template = rng.choice(EXTERNAL_PAGES)
    return (
        template.format(n=rng.randrange(10_000_000), code=_code(rng, 8), slug=entry_slug),
        None,
    )
