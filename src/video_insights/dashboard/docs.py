"""The documentation one click from the dashboards: dbt docs and the GX Data Docs.

* dbt docs: ``dbt docs generate --static`` over the build database after a night is published
  (nothing writes it then), into the build's dbt target folder; ``static_index.html`` holds the
  manifest and catalog, so it opens from ``file://`` with no server. Generating costs ~10-40 s,
  and lineage and column meanings change only with the dbt project, so the page is regenerated
  only when the project's files change (a hash stored beside it; our rule): its catalog's
  statistics may be those of an earlier night.
* GX Data Docs: built by the night's validation (``quality.validate`` builds them by default)
  under ``<warehouse>/runs/data_docs``.

:func:`link_docs` copies whatever exists into a site's ``docs/`` folder; pages link there.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

from video_insights.config import PROJECT_ROOT, WarehousePaths
from video_insights.log import log_event

logger = logging.getLogger(__name__)


def dbt_docs_dir(warehouse: WarehousePaths) -> Path:
    from video_insights.transform import target_path

    return target_path(warehouse)


def project_hash() -> str:
    """sha256 over the dbt project's files: what the docs' lineage and descriptions come from."""
    digest = hashlib.sha256()
    files = [PROJECT_ROOT / "dbt_project.yml"]
    files += sorted(p for p in (PROJECT_ROOT / "dbt_project").rglob("*") if p.is_file())
    for path in files:
        digest.update(str(path.relative_to(PROJECT_ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def generate_dbt_docs(warehouse: WarehousePaths, *, force: bool = False) -> Path | None:
    """Run ``dbt docs generate --static`` for the warehouse unless the page of the same project
    exists; the static page, or None (logged) when dbt fails: documentation never fails a
    night."""
    from video_insights.transform import build_env, dbt_executable, log_path

    if not warehouse.build_db.exists():
        return None
    target = dbt_docs_dir(warehouse)
    stamp = target / "static_index.sha256"
    current = project_hash()
    page = target / "static_index.html"
    if not force and page.exists() and stamp.exists() and stamp.read_text() == current:
        log_event(logger, "dbt_docs_current", path=str(page))
        return page
    command = [
        str(dbt_executable()),
        "docs",
        "generate",
        "--static",
        "--no-compile",  # the night's `dbt build` compiled the project into this target
        "--project-dir",
        str(PROJECT_ROOT),
        "--profiles-dir",
        str(PROJECT_ROOT),
        "--target-path",
        str(target),
        "--log-path",
        str(log_path(warehouse)),
    ]
    started = time.perf_counter()
    done = subprocess.run(
        command, cwd=PROJECT_ROOT, env=build_env(warehouse), capture_output=True, text=True
    )
    seconds = round(time.perf_counter() - started, 2)
    if done.returncode != 0 or not page.exists():
        tail = (done.stdout + done.stderr).strip().splitlines()[-5:]
        log_event(logger, "dbt_docs_failed", returncode=done.returncode, output=" | ".join(tail))
        return None
    stamp.write_text(current)
    log_event(logger, "dbt_docs_generated", path=str(page), seconds=seconds)
    return page


def gx_docs_dir(warehouse: WarehousePaths) -> Path:
    return warehouse.runs / "data_docs"


def link_docs(warehouse: WarehousePaths, out: Path) -> dict[str, Any]:
    """Copy the dbt docs page and the GX Data Docs (when they exist) into ``out/docs``."""
    docs = out / "docs"
    linked: dict[str, Any] = {"dbt": None, "quality": None}
    dbt_page = dbt_docs_dir(warehouse) / "static_index.html"
    if dbt_page.exists():
        (docs / "dbt").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(dbt_page, docs / "dbt" / "index.html")
        linked["dbt"] = str(docs / "dbt" / "index.html")
    gx = gx_docs_dir(warehouse)
    if (gx / "index.html").exists():
        if (docs / "quality").exists():
            shutil.rmtree(docs / "quality")
        shutil.copytree(gx, docs / "quality")
        linked["quality"] = str(docs / "quality" / "index.html")
    for name, title in (("dbt", "dbt docs"), ("quality", "GX Data Docs")):
        if linked[name] is None:
            (docs / name).mkdir(parents=True, exist_ok=True)
            (docs / name / "index.html").write_text(_placeholder(title), encoding="utf-8")
    return linked


def _placeholder(title: str) -> str:
    return (
        "<!doctype html><meta charset='utf-8'><title>" + title + "</title>"
        "<p>The " + title + " are built by the nightly run after publishing "
        "(<code>render_dashboards</code>); none exist for this warehouse yet.</p>"
    )
