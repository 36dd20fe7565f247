"""The simulated media platform: partners, categories, entries and users.

Everything here is drawn from ``random.Random(f"{seed}:catalog")`` and depends only on the seed,
the number of partners and entries, and the start day (entries are created before it), so the
side feeds of every run with the same seed describe the same catalog, whatever days it simulates.

Popularity follows Zipf's law: entry k (by a seeded rank) is picked with weight 1 / k^1.1, and
known users watch with weight 1 / k^0.8 (a few heavy viewers, a long tail).
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate

from video_insights.simulate.ipranges import COUNTRY_WEIGHTS
from video_insights.simulate.referrers import PartnerSites, sites_for

ENTRY_ZIPF_EXPONENT = 1.1
USER_ZIPF_EXPONENT = 0.8
FIRST_PARTNER_ID = 1001
CATALOG_EPOCH = date(2026, 11, 1)  # entries are created in the two years before this (or start)


@dataclass(frozen=True)
class PartnerProfile:
    name: str
    timezone: str
    domain: str
    sector: str  # "education", "media" or "corporate": picks categories, names, durations
    home_country: str


# Partner 1 reports in UTC, partner 2 in America/Chicago (the two the tests rely on), then others.
PARTNER_PROFILES: tuple[PartnerProfile, ...] = (
    PartnerProfile("Acme University", "UTC", "acme.edu", "education", "GB"),
    PartnerProfile("Northwind Media", "America/Chicago", "northwind.com", "media", "US"),
    PartnerProfile("Globex Corporation", "Europe/Berlin", "globex.de", "corporate", "DE"),
    PartnerProfile("Sakura Streaming", "Asia/Tokyo", "sakura-stream.jp", "media", "JP"),
    PartnerProfile(
        "Outback Learning", "Australia/Sydney", "outbacklearning.com.au", "education", "AU"
    ),
    PartnerProfile("Carmel Tech", "Asia/Jerusalem", "carmeltech.co.il", "corporate", "IL"),
    PartnerProfile("Vidya Online", "Asia/Kolkata", "vidya.in", "education", "IN"),
    PartnerProfile("Rio Esportes", "America/Sao_Paulo", "rioesportes.com.br", "media", "BR"),
    PartnerProfile("Maple Broadcasting", "America/Toronto", "maplebroadcast.ca", "media", "CA"),
    PartnerProfile("Lumière Formation", "Europe/Paris", "lumiere-formation.fr", "corporate", "FR"),
)

CategoryTree = list[tuple[str, list[tuple[str, list[str]]]]]

CATEGORY_TREES: dict[str, CategoryTree] = {
    "education": [
        (
            "Courses",
            [
                ("Biology 101", ["Week 1", "Week 2"]),
                ("Chemistry 201", []),
                ("History of Art", []),
                ("Intro to Economics", []),
                ("Computer Science 50", ["Lectures", "Sections"]),
            ],
        ),
        ("Campus Life", [("Sports", []), ("Events", []), ("Admissions", [])]),
        ("Lecture Capture", []),
    ],
    "media": [
        ("News", [("World", []), ("Business", []), ("Technology", [])]),
        ("Shows", [("Cooking", []), ("Travel", ["Europe", "Asia"]), ("Documentaries", [])]),
        ("Sports", [("Football", []), ("Basketball", [])]),
        ("Live Channels", []),
    ],
    "corporate": [
        ("Town Halls", []),
        (
            "Training",
            [
                ("Onboarding", []),
                ("Security Awareness", []),
                ("Sales Enablement", ["EMEA", "Americas"]),
            ],
        ),
        ("Marketing", [("Webinars", []), ("Product Demos", []), ("Customer Stories", [])]),
    ],
}

TITLE_WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "education": (
        ("Lecture", "Seminar", "Lab Walkthrough", "Guest Talk", "Office Hours", "Review Session"),
        (
            "Photosynthesis",
            "Supply and Demand",
            "The Renaissance",
            "Organic Reactions",
            "Recursion",
            "Cell Division",
            "Game Theory",
            "Impressionism",
            "Data Structures",
            "Thermodynamics",
            "Climate Models",
            "Linear Algebra",
            "Genetics",
            "Macroeconomics",
        ),
    ),
    "media": (
        ("Breaking", "Weekly Roundup", "Behind the Scenes", "Highlights", "Interview", "Episode"),
        (
            "Market Rally",
            "Street Food in Osaka",
            "Election Night",
            "Transfer Window",
            "AI Chips",
            "Alpine Rail Journey",
            "Derby Day",
            "Season Finale",
            "Rainforest",
            "Tech Earnings",
            "Playoff Preview",
            "Harbour Lights",
            "Night Markets",
        ),
    ),
    "corporate": (
        ("Town Hall", "Training", "Webinar", "Product Demo", "Customer Story", "All Hands"),
        (
            "Q3 Results",
            "Phishing Awareness",
            "New Pricing",
            "Onboarding Day 1",
            "Roadmap 2027",
            "Data Privacy",
            "CRM Basics",
            "Benefits Enrollment",
            "Incident Response",
            "Partner Program",
            "Hybrid Work",
            "Expense Policy",
        ),
    ),
}

FIRST_NAMES = (
    "Olivia",
    "Liam",
    "Noa",
    "Mateo",
    "Aarav",
    "Yuki",
    "Sofia",
    "Lucas",
    "Amara",
    "Ethan",
    "Maya",
    "Leon",
    "Chloe",
    "Arjun",
    "Hana",
    "Gabriel",
    "Zoe",
    "Omar",
    "Ines",
    "Daniel",
    "Priya",
    "Kenji",
    "Emma",
    "Tomas",
    "Leila",
    "Jonas",
    "Ava",
    "Rafael",
    "Mia",
    "David",
)
LAST_NAMES = (
    "Smith",
    "Cohen",
    "Garcia",
    "Müller",
    "Sharma",
    "Tanaka",
    "Silva",
    "Martin",
    "Brown",
    "Levi",
    "Rossi",
    "Nguyen",
    "Dubois",
    "Kumar",
    "Sato",
    "Schmidt",
    "Jones",
    "Oliveira",
    "Kim",
    "Wilson",
    "Patel",
    "Moreau",
    "Novak",
    "Haddad",
    "Fischer",
    "Walker",
)
TAG_WORDS = (
    "featured",
    "tutorial",
    "highlights",
    "2026",
    "live",
    "q-and-a",
    "beginner",
    "advanced",
    "interview",
    "keynote",
    "recap",
    "how-to",
    "english",
    "captioned",
)
HOTSPOT_LABELS = (
    "Tell me more",
    "Skip ahead",
    "Option A",
    "Option B",
    "Try the demo",
    "Meet the team",
    "See pricing",
    "Start over",
    "Ask a question",
    "Next chapter",
)

_ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789"


@dataclass(frozen=True)
class Partner:
    partner_id: int
    name: str
    timezone: str
    domain: str
    sector: str
    home_country: str
    session_weight: float  # share of the day's sessions, relative
    bandwidth_allowance_gb: float
    storage_allowance_gb: float
    transcoding_allowance_minutes: float
    ui_conf_ids: tuple[str, ...]
    sites: PartnerSites


@dataclass(frozen=True)
class Category:
    category_id: str
    partner_id: int
    name: str
    parent_id: str | None
    full_ids: str  # ">"-joined path of ids, root first
    slug: str


@dataclass(frozen=True)
class Hotspot:
    hotspot_id: str
    name: str
    destination: str  # a node id, or an external URL
    to_node: bool


@dataclass
class Node:
    """One node of an interactive (path) project: a video entry of its own."""

    node_id: str
    entry: Entry
    level: int
    hotspots: list[Hotspot] = field(default_factory=list)


@dataclass
class Entry:
    entry_id: str
    partner_id: int
    name: str
    slug: str
    media_type: str  # video, audio, live, interactive
    duration_ms: int  # 0 for live entries
    created_at: str
    creator_user_id: str
    owner_user_id: str
    category_ids: list[str]
    tags: list[str]
    channel: tuple[str, str] | None  # (category id, slug) of a leaf category, for page URLs
    status: str = "ready"
    root_entry_id: str | None = None  # set on the node entries of an interactive project
    nodes: dict[str, Node] = field(default_factory=dict)  # on the project entry: id -> node
    start_node: str | None = None


@dataclass(frozen=True)
class User:
    user_id: str
    partner_id: int
    full_name: str


@dataclass
class PartnerCatalog:
    partner: Partner
    categories: list[Category]
    entries: list[Entry]  # every entry of the feed, interactive nodes included
    ranked: list[Entry]  # what viewers open, most popular first (no interactive nodes)
    entry_cum_weights: list[float]
    users: list[User]
    user_cum_weights: list[float]
    country_codes: list[str]
    country_cum_weights: list[float]

    def pick_entry(self, rng: random.Random) -> Entry:
        return rng.choices(self.ranked, cum_weights=self.entry_cum_weights)[0]

    def pick_user(self, rng: random.Random) -> User:
        return rng.choices(self.users, cum_weights=self.user_cum_weights)[0]

    def pick_country(self, rng: random.Random) -> str:
        return rng.choices(self.country_codes, cum_weights=self.country_cum_weights)[0]


@dataclass
class Catalog:
    partners: list[PartnerCatalog]
    partner_cum_weights: list[float]

    def pick_partner(self, rng: random.Random) -> PartnerCatalog:
        return rng.choices(self.partners, cum_weights=self.partner_cum_weights)[0]

    def by_id(self, partner_id: int) -> PartnerCatalog:
        return next(p for p in self.partners if p.partner.partner_id == partner_id)


def slugify(text: str) -> str:
    """ASCII slug for ids and URLs: "Müller" -> "muller", "Q3 Results" -> "q3-results"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class _Ids:
    """Globally unique ids: Kaltura-style entry ids and numeric category ids."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._seen: set[str] = set()
        self._next_category = 11

    def entry_id(self) -> str:
        while True:
            value = f"{self._rng.choice('01')}_" + "".join(self._rng.choices(_ID_CHARS, k=8))
            if value not in self._seen:
                self._seen.add(value)
                return value

    def category_id(self) -> str:
        value = str(self._next_category)
        self._next_category += 1
        return value


def _build_partner(index: int) -> Partner:
    profile = PARTNER_PROFILES[index % len(PARTNER_PROFILES)]
    cycle = index // len(PARTNER_PROFILES)
    name = profile.name if cycle == 0 else f"{profile.name} {cycle + 1}"
    domain = profile.domain if cycle == 0 else f"{cycle + 1}.{profile.domain}"
    partner_id = FIRST_PARTNER_ID + index
    size = 1.0 / (index + 1) ** 0.6
    return Partner(
        partner_id=partner_id,
        name=name,
        timezone=profile.timezone,
        domain=domain,
        sector=profile.sector,
        home_country=profile.home_country,
        session_weight=size,
        bandwidth_allowance_gb=float(round(5000 * size, -1)),
        storage_allowance_gb=float(round(2000 * size, -1)),
        transcoding_allowance_minutes=float(round(60000 * size, -2)),
        ui_conf_ids=tuple(str(48_200_000 + partner_id * 10 + k) for k in range(3)),
        sites=sites_for(domain),
    )


def _build_categories(partner: Partner, ids: _Ids) -> tuple[list[Category], list[Category]]:
    """All categories of a partner and its leaves (where entries are published)."""
    categories: list[Category] = []
    leaves: list[Category] = []

    def add(name: str, parent: Category | None) -> Category:
        category_id = ids.category_id()
        full = category_id if parent is None else f"{parent.full_ids}>{category_id}"
        slug = slugify(name) if parent is None else f"{parent.slug}-{slugify(name)}"
        category = Category(
            category_id,
            partner.partner_id,
            name,
            parent.category_id if parent else None,
            full,
            slug,
        )
        categories.append(category)
        return category

    for root_name, children in CATEGORY_TREES[partner.sector]:
        root = add(root_name, None)
        if not children:
            leaves.append(root)
        for child_name, grandchildren in children:
            child = add(child_name, root)
            if not grandchildren:
                leaves.append(child)
            for grandchild_name in grandchildren:
                leaves.append(add(grandchild_name, child))
    return categories, leaves


def _duration_ms(rng: random.Random, sector: str, media_type: str) -> int:
    if media_type == "audio":
        secs = rng.lognormvariate(7.2, 0.6)  # podcasts: median ~22 min
    elif sector == "education" and rng.random() < 0.4:
        secs = rng.uniform(1500, 4500)  # recorded lectures: 25-75 min
    elif sector == "corporate" and rng.random() < 0.2:
        secs = rng.uniform(1800, 3600)  # town halls and webinars
    else:
        secs = rng.lognormvariate(5.4, 0.8)  # clips: median ~3.7 min
    return max(15_000, min(int(secs * 1000), 3 * 3600 * 1000))


def _category_ids(
    rng: random.Random, leaves: list[Category], by_id: dict[str, Category]
) -> tuple[list[str], tuple[str, str]]:
    chosen = rng.sample(leaves, k=min(len(leaves), 1 + (rng.random() < 0.3)))
    ids: list[str] = []
    for leaf in chosen:
        for category_id in leaf.full_ids.split(">"):
            if category_id not in ids:
                ids.append(category_id)
    ids.sort(key=int)
    first = chosen[0]
    return ids, (first.category_id, by_id[first.category_id].slug)


def _build_users(rng: random.Random, partner: Partner, count: int) -> list[User]:
    users: list[User] = []
    seen: set[str] = set()
    while len(users) < count:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        base = f"{slugify(first)}.{slugify(last)}"
        user_id = f"{base}@{partner.domain}"
        number = 2
        while user_id in seen:
            user_id = f"{base}{number}@{partner.domain}"
            number += 1
        seen.add(user_id)
        users.append(User(user_id, partner.partner_id, f"{first} {last}"))
    return users


def _title(rng: random.Random, sector: str, number: int) -> str:
    kinds, topics = TITLE_WORDS[sector]
    return f"{rng.choice(kinds)}: {rng.choice(topics)} ({number})"


def _build_interactive(
    rng: random.Random,
    ids: _Ids,
    project: Entry,
    partner: Partner,
) -> list[Entry]:
    """A path project: a start node with 2-3 choices, each leading to 0-2 further nodes."""
    node_entries: list[Entry] = []

    def make_node(level: int) -> Node:
        number = len(project.nodes) + 1
        entry = Entry(
            entry_id=ids.entry_id(),
            partner_id=partner.partner_id,
            name=f"{project.name} - Node {number}",
            slug=f"{project.slug}-node-{number}",
            media_type="video",
            duration_ms=int(rng.uniform(25, 150) * 1000),
            created_at=project.created_at,
            creator_user_id=project.creator_user_id,
            owner_user_id=project.owner_user_id,
            category_ids=list(project.category_ids),
            tags=["interactive-node"],
            channel=project.channel,
            root_entry_id=project.entry_id,
        )
        node_entries.append(entry)
        node = Node(node_id=f"node{number}_{project.entry_id[2:]}", entry=entry, level=level)
        project.nodes[node.node_id] = node
        return node

    def hotspot(target: Node | str) -> Hotspot:
        hotspot_id = f"hs_{''.join(rng.choices(_ID_CHARS, k=6))}"
        if isinstance(target, Node):
            return Hotspot(hotspot_id, rng.choice(HOTSPOT_LABELS), target.node_id, True)
        return Hotspot(hotspot_id, "Visit website", target, False)

    start = make_node(0)
    project.start_node = start.node_id
    for _ in range(rng.randint(2, 3)):
        child = make_node(1)
        start.hotspots.append(hotspot(child))
        for _ in range(rng.randint(0, 2)):
            child.hotspots.append(hotspot(make_node(2)))
    start.hotspots.append(hotspot(f"https://{partner.sites.www}/contact?source=interactive"))
    project.duration_ms = sum(node.entry.duration_ms for node in project.nodes.values())
    return node_entries


def _build_partner_catalog(
    rng: random.Random,
    ids: _Ids,
    partner: Partner,
    entries: int,
    epoch: date,
) -> PartnerCatalog:
    categories, leaves = _build_categories(partner, ids)
    by_id = {category.category_id: category for category in categories}
    users = _build_users(rng, partner, max(25, entries * 6))
    creators = users[: max(2, len(users) // 20)]

    live_count = entries // 12 if entries >= 12 else (1 if entries >= 4 else 0)
    interactive_count = entries // 12 if entries >= 12 else (1 if entries >= 6 else 0)
    kinds = ["live"] * live_count + ["interactive"] * interactive_count
    kinds += ["audio" if rng.random() < 0.08 else "video" for _ in range(entries - len(kinds))]

    created_base = datetime(epoch.year, epoch.month, epoch.day, tzinfo=UTC)
    playable: list[Entry] = []
    all_entries: list[Entry] = []
    for number, media_type in enumerate(kinds, start=1):
        category_ids, channel = _category_ids(rng, leaves, by_id)
        name = _title(rng, partner.sector, number)
        if media_type == "live":
            name = f"Live: {name.split(': ', 1)[1]}"
        creator = rng.choice(creators)
        created = created_base - timedelta(seconds=rng.randrange(86_400, 700 * 86_400))
        entry = Entry(
            entry_id=ids.entry_id(),
            partner_id=partner.partner_id,
            name=name,
            slug=slugify(name),
            media_type=media_type,
            duration_ms=0
            if media_type == "live"
            else _duration_ms(rng, partner.sector, media_type),
            created_at=_iso(created),
            creator_user_id=creator.user_id,
            owner_user_id=creator.user_id if rng.random() < 0.8 else rng.choice(creators).user_id,
            category_ids=category_ids,
            tags=sorted(rng.sample(TAG_WORDS, k=rng.randint(1, 3))),
            channel=channel,
        )
        all_entries.append(entry)
        playable.append(entry)
        if media_type == "interactive":
            all_entries.extend(_build_interactive(rng, ids, entry, partner))

    # Popularity rank: a seeded shuffle, but the top two are plain VOD so that "the most
    # popular entry" is an ordinary video in every catalog.
    rng.shuffle(playable)
    if len(playable) > 2:
        for slot in (0, 1):
            best = next(
                (
                    i
                    for i in range(slot, len(playable))
                    if playable[i].media_type in ("video", "audio")
                ),
                slot,
            )
            playable[slot], playable[best] = playable[best], playable[slot]
    entry_weights = [1.0 / (rank**ENTRY_ZIPF_EXPONENT) for rank in range(1, len(playable) + 1)]
    user_weights = [1.0 / (rank**USER_ZIPF_EXPONENT) for rank in range(1, len(users) + 1)]
    countries = sorted(COUNTRY_WEIGHTS)
    country_weights = [
        COUNTRY_WEIGHTS[cc] * (8.0 if cc == partner.home_country else 1.0) for cc in countries
    ]
    return PartnerCatalog(
        partner=partner,
        categories=categories,
        entries=all_entries,
        ranked=playable,
        entry_cum_weights=list(accumulate(entry_weights)),
        users=users,
        user_cum_weights=list(accumulate(user_weights)),
        country_codes=countries,
        country_cum_weights=list(accumulate(country_weights)),
    )


def build_catalog(seed: int, partners: int, entries: int, start_day: date) -> Catalog:
    """The catalog for a seed (see the module docstring for what it depends on)."""
    if partners < 1 or entries < 1:
        raise ValueError("partners and entries must be at least 1")
    rng = random.Random(f"{seed}:catalog")
    ids = _Ids(rng)
    epoch = min(start_day, CATALOG_EPOCH)
    catalogs = [
        _build_partner_catalog(rng, ids, _build_partner(index), entries, epoch)
        for index in range(partners)
    ]
    return Catalog(
        partners=catalogs,
        partner_cum_weights=list(accumulate(c.partner.session_weight for c in catalogs)),
    )
