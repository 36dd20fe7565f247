"""Write a dashboard site: pages, CSV exports, the local Plotly bundle, the docs links.

Layout of a site folder::

    index.html                        every partner's pages, the dbt docs and GX Data Docs links
    assets/plotly.min.js              copied once from the plotly package (no CDN)
    assets/dashboard.{css,js}
    partner-<id>/overview.html        one page per partner overview, entry, category, ...
    partner-<id>/csv/<page>-<panel>.csv
    docs/dbt/index.html               dbt docs (static, when generated)
    docs/quality/index.html           GX Data Docs of the last run (when built)
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from video_insights.config import WarehousePaths
from video_insights.dashboard import pages as P
from video_insights.dashboard.model import Page
from video_insights.errors import VideoInsightsError

ASSETS = Path(__file__).parent / "assets"
TEMPLATES = Path(__file__).parent / "templates"


ALL_KINDS = ("overview", "entry", "category", "interactive", "qos", "usage")


class DashboardError(VideoInsightsError):
    """A dashboard that cannot be built; the message says which input and why."""


@dataclass
class PartnerSite:
    """What was rendered for one partner (for the index page and the command's summary)."""

    partner_id: int
    name: str
    pages: list[tuple[str, str, str]] = field(default_factory=list)  # (href, label, kind)


def plotly_bundle() -> Path:
    """plotly.min.js of the pinned ``plotly`` package: the one JavaScript the charts need."""
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not path.exists():
        raise DashboardError(f"plotly.min.js is missing from the plotly package ({path})")
    return path


def copy_assets(out: Path) -> None:
    target = out / "assets"
    target.mkdir(parents=True, exist_ok=True)
    bundle = plotly_bundle()
    copied = target / "plotly.min.js"
    if not copied.exists() or copied.stat().st_size != bundle.stat().st_size:
        shutil.copyfile(bundle, copied)
    for asset in ASSETS.iterdir():
        if asset.is_file():
            shutil.copyfile(asset, target / asset.name)


def _environment() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _published_night(warehouse: WarehousePaths) -> str | None:
    import duckdb

    try:
        with duckdb.connect(str(warehouse.published_db), read_only=True) as con:
            row = con.execute("select * from warehouse_publish_info limit 1").fetchone()
            columns = [d[0] for d in con.description]
    except duckdb.Error:
        return None
    if not row:
        return None
    info = dict(zip(columns, row, strict=True))
    for key in ("run_day", "night", "data_interval_start", "published_day"):
        if info.get(key) is not None:
            return str(info[key])
    return str(row[0])


def _names(warehouse: WarehousePaths, sql: str, params: list[Any]) -> dict[str, str]:
    import duckdb

    with duckdb.connect(str(warehouse.published_db), read_only=True) as con:
        return {str(key): str(name) for key, name in con.execute(sql, params).fetchall()}


def partner_name(warehouse: WarehousePaths, partner_id: int) -> str:
    try:
        names = _names(
            warehouse,
            "select partner_id, partner_name from dim_partners where partner_id = ?",
            [partner_id],
        )
    except Exception:
        names = {}
    return names.get(str(partner_id), f"Partner {partner_id}")


def entry_names(warehouse: WarehousePaths, partner_id: int) -> dict[str, str]:
    try:
        return _names(
            warehouse,
            "select entry_id, entry_name from dim_entries where partner_id = ?",
            [partner_id],
        )
    except Exception:
        return {}


def category_names(warehouse: WarehousePaths, partner_id: int) -> dict[str, str]:
    try:
        return _names(
            warehouse,
            "select category_id, category_name from dim_categories where partner_id = ?",
            [partner_id],
        )
    except Exception:
        return {}


def _check(warehouse: WarehousePaths, from_day: date, to_day: date) -> None:
    if to_day < from_day:
        raise DashboardError(f"--to-day {to_day} is before --from-day {from_day}")
    if not warehouse.published_db.exists():
        raise DashboardError(
            f"no published warehouse at {warehouse.published_db}: run `video-insights nightly` "
            "(or the Airflow DAG) first"
        )


def render_partner(
    warehouse: WarehousePaths,
    out: Path,
    partner_id: int,
    from_day: date,
    to_day: date,
    *,
    entry_ids: list[str] | None = None,
    category_ids: list[str] | None = None,
    context: dict[str, Any] | None = None,
    kinds: tuple[str, ...] = ALL_KINDS,
) -> PartnerSite:
    """One partner's pages: overview, QoS, usage, interactive videos, plus one page per entry
    and category asked for. Entry pages are linked from the overview's top videos."""
    _check(warehouse, from_day, to_day)
    env = _environment()
    folder = out / f"partner-{partner_id}"
    folder.mkdir(parents=True, exist_ok=True)
    name = partner_name(warehouse, partner_id)
    entries = entry_names(warehouse, partner_id)
    categories = category_names(warehouse, partner_id)
    site = PartnerSite(partner_id, name)
    entry_ids = list(dict.fromkeys(entry_ids or []))
    category_ids = list(dict.fromkeys(category_ids or []))
    entry_links = {entry: f"entry-{_safe(entry)}.html" for entry in entry_ids}

    def builder(slug: str) -> P.PageBuilder:
        return P.PageBuilder(
            warehouse,
            partner_id,
            from_day,
            to_day,
            slug,
            folder / "csv",
            entry_links=entry_links,
        )

    built: list[Page] = []
    if "overview" in kinds:
        built.append(P.overview_page(builder("overview"), name))
    for entry in entry_ids:
        name_of = entries.get(entry, entry)
        built.append(P.entry_page(builder(f"entry-{_safe(entry)}"), entry, name_of))
    for category in category_ids:
        built.append(
            P.category_page(
                builder(f"category-{_safe(category)}"), category, categories.get(category, category)
            )
        )
    if "interactive" in kinds:
        built.append(P.interactive_page(builder("interactive")))
    if "qos" in kinds:
        built.append(P.qos_page(builder("qos")))
    if "usage" in kinds:
        built.append(P.usage_page(builder("usage")))
    nav = [(f"{page.slug}.html", _nav_label(page, name), page.kind) for page in built]
    for page in built:
        html = env.get_template("page.html.j2").render(
            page=page,
            title=page.title,
            root="../",
            nav=[
                {"href": href, "label": label, "current": href == f"{page.slug}.html"}
                for href, label, _kind in nav
            ],
            **(context or {}),
        )
        (folder / f"{page.slug}.html").write_text(html, encoding="utf-8")
    site.pages = [(f"partner-{partner_id}/{href}", label, kind) for href, label, kind in nav]
    return site


def render_index(
    out: Path,
    sites: list[PartnerSite],
    subtitle: str,
    context: dict[str, Any],
    docs: dict[str, Any],
) -> Path:
    env = _environment()
    html = env.get_template("index.html.j2").render(
        title="Dashboards",
        root="",
        nav=[],
        subtitle=subtitle,
        partners=[
            {
                "id": site.partner_id,
                "name": site.name,
                "pages": [{"href": h, "label": lbl, "kind": k} for h, lbl, k in site.pages],
            }
            for site in sites
        ],
        dbt_docs=docs.get("dbt"),
        gx_docs=docs.get("quality"),
        **context,
    )
    path = out / "index.html"
    path.write_text(html, encoding="utf-8")
    return path


def _nav_label(page: Page, partner: str) -> str:
    if page.kind in ("entry", "category"):
        return f"{page.kind.capitalize()}: {page.title}"
    return page.title.removeprefix(f"{partner}: ").capitalize()


def _safe(value: str) -> str:
    """A file-name-safe form of an id (ids are user data)."""
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in str(value))


def page_context(warehouse: WarehousePaths) -> dict[str, Any]:
    return {
        "published": _published_night(warehouse),
        "built": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def build_site(
    warehouse: WarehousePaths | Path | str,
    out: Path | str,
    partner_id: int,
    from_day: date,
    to_day: date,
    *,
    entry_ids: list[str] | None = None,
    category_ids: list[str] | None = None,
    kinds: tuple[str, ...] = ALL_KINDS,
) -> dict[str, Any]:
    """The ``video-insights dashboard`` command: one partner's pages into ``out`` (``kinds``
    narrows which pages; the command renders them all)."""
    from video_insights.dashboard.docs import link_docs

    paths = warehouse if isinstance(warehouse, WarehousePaths) else WarehousePaths.at(warehouse)
    out = Path(out).resolve()
    started = time.perf_counter()
    _check(paths, from_day, to_day)
    out.mkdir(parents=True, exist_ok=True)
    copy_assets(out)
    docs = link_docs(paths, out)
    context = page_context(paths)
    site = render_partner(
        paths,
        out,
        partner_id,
        from_day,
        to_day,
        entry_ids=entry_ids,
        category_ids=category_ids,
        context=context,
        kinds=kinds,
    )
    index = render_index(out, [site], f"{from_day} to {to_day}", context, docs)
    return {
        "index": str(index),
        "pages": [str(out / href) for href, _label, _kind in site.pages],
        "docs": docs,
        "seconds": round(time.perf_counter() - started, 3),
    }
