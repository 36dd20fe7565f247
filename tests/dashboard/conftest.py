"""The dashboards' fixtures: one hand-built warehouse through the real night (land, dbt, GX,
publish), sites rendered by the real command, and one headless Debian Chromium."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.dashboard import cases
from video_insights.cli import main

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "dashboard"


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory) -> Path:
    from video_insights.pipeline import run_nightly

    base = tmp_path_factory.mktemp("dashboard-warehouse")
    cases.write_inbox(base / "inbox")
    run_nightly(base / "inbox", base / "warehouse", cases.TUESDAY)
    return base / "warehouse"


def render(warehouse: Path, out: Path, partner_id: int, *options: str) -> Path:
    args = [
        "dashboard",
        "--partner-id",
        str(partner_id),
        "--from-day",
        cases.MONDAY.isoformat(),
        "--to-day",
        cases.TUESDAY.isoformat(),
        "--out",
        str(out),
        "--warehouse",
        str(warehouse),
        *options,
    ]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="session")
def sites(warehouse, tmp_path_factory) -> dict[str, Path]:
    """Three sites: worked example 7's partner with its top entry (the `dashboard` command),
    the segments partner's 100-second entry page, the interactive-paths partner's page."""
    from video_insights.dashboard.site import build_site

    base = tmp_path_factory.mktemp("dashboard-sites")
    days = (cases.MONDAY, cases.TUESDAY)
    build_site(warehouse, base / "segments", 301, *days, entry_ids=["1_seg100"], kinds=("entry",))
    build_site(warehouse, base / "paths", 302, *days, kinds=("interactive",))
    return {
        # the command renders every page kind; the other two sites only the page they test
        "ex7": render(warehouse, base / "ex7", cases.EX7["partner_id"], "--entry-id", "1_ex7_a"),
        "segments": base / "segments",
        "paths": base / "paths",
    }


@dataclass
class Loaded:
    """A page opened in Chromium, with what it logged and requested."""

    page: Any
    console_errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    screenshot: Path | None = None

    def figure(self, chart_id: str) -> list[dict[str, Any]]:
        """The traces Plotly drew in a chart (its graph div's data)."""
        return self.page.evaluate(
            "(id) => document.getElementById(id).data.map(t => ({type: t.type, name: t.name, "
            "meta: t.meta, x: t.x, y: t.y, z: t.z, text: t.text, visible: t.visible}))",
            chart_id,
        )


def _local(url: str) -> bool:
    return url.startswith(("file://", "data:", "blob:", "about:")) or url.startswith(
        ("http://127.0.0.1", "https://127.0.0.1")
    )


@pytest.fixture(scope="session")
def browser(playwright_driver: Any) -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(
            "Debian's chromium is not installed at /usr/bin/chromium (`make browser` installs it)"
        )
    chromium = playwright_driver.chromium.launch(
        executable_path=str(CHROMIUM), args=["--no-sandbox"], headless=True
    )
    yield chromium
    chromium.close()


@pytest.fixture(scope="session")
def artifacts(tmp_path_factory) -> Path:
    """Screenshots go to the pytest tmp dir and are copied to test-artifacts/ (git-ignored)."""
    path = tmp_path_factory.mktemp("dashboard-screenshots")
    yield path
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for shot in path.glob("*.png"):
        shutil.copyfile(shot, ARTIFACTS / shot.name)


@pytest.fixture(scope="session")
def open_page(browser, artifacts):
    """Open a page of a site by file:// in a fresh browser context; every request that would
    leave file:// or 127.0.0.1 is recorded and aborted; a full-page screenshot is saved."""
    contexts = []

    def opener(path: Path, shot_name: str | None = None) -> Loaded:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        loaded = Loaded(page)

        def route(route_: Any) -> None:
            url = route_.request.url
            loaded.requests.append(url)
            if _local(url):
                route_.continue_()
            else:
                loaded.outside_requests.append(url)
                route_.abort()

        context.route("**/*", route)
        page.on(
            "console",
            lambda message: (
                loaded.console_errors.append(message.text) if message.type == "error" else None
            ),
        )
        page.on("pageerror", lambda error: loaded.console_errors.append(str(error)))
        page.goto(path.resolve().as_uri())
        page.evaluate("window.dashboardReady")
        if shot_name:
            loaded.screenshot = artifacts / f"{shot_name}.png"
            page.screenshot(path=str(loaded.screenshot), full_page=True)
        return loaded

    yield opener
    for context in contexts:
        context.close()
