"""A night killed with SIGKILL during landing, the dbt build or publishing, then run again, ends
exactly like a night that was never disturbed: the same report tables row for row, the same
manifest, the same landed rows (nothing lost, nothing counted twice).

The kill is real: ``kill -9`` of a real ``video-insights``-equivalent process (the pipeline's
``run_nightly`` in a subprocess), no exception, no ``finally`` blocks. The moment is chosen
without hooks in the product code:

* landing and publishing: a Python audit hook in the subprocess (``sys.addaudithook``) sees each
  ``os.replace``/``os.rename`` the step makes and SIGKILLs its own process at a precise rename:
  when the second inbox file's data is in the lake and its manifest row is about to be moved
  in (the audit event comes before the rename), or just before the checked copy is swapped in
  for readers;
* the dbt build: the test polls dbt's own log (``build/dbt-logs/dbt.log``) until 20 models are
  built, then SIGKILLs the whole process group (the pipeline process and its ``dbt`` child).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb

from tests.reliability.helpers import DAY, assert_same_night, snapshot
from video_insights.config import WarehousePaths
from video_insights.pipeline import publish_step, run_nightly

KILLED_NIGHT = textwrap.dedent("""
    import os, signal, sys
    from datetime import date
    from pathlib import Path

    point, inbox, warehouse, day = sys.argv[1:5]
    renames = []

    def kill_at(event, args):
        if event != "os.rename":
            return
        destination = os.fsdecode(args[1])
        if point == "land" and "/lake/manifest/" in destination:
            renames.append(destination)
            if len(renames) == 2:  # the 2nd file's data is in the lake, its manifest row not
                os.kill(os.getpid(), signal.SIGKILL)
        if point == "publish" and destination.endswith("/published/warehouse.duckdb"):
            os.kill(os.getpid(), signal.SIGKILL)  # the checked copy is ready, not swapped in

    if point != "none":
        sys.addaudithook(kill_at)
    from video_insights.pipeline import run_nightly

    run_nightly(Path(inbox), Path(warehouse), date.fromisoformat(day))
""")


def _start_night(point: str, inbox: Path, warehouse: Path) -> subprocess.Popen:
    # A script file, not `python -c`: with pyspark installed (the spark extra), GX's import of
    # pyspark.sql.connect calls sys.exit(0) when __main__ has no __file__ (it takes that for a
    # doctest run), which would end the night silently before its publish.
    script = warehouse.parent / "killed_night.py"
    script.write_text(KILLED_NIGHT)
    return subprocess.Popen(
        [sys.executable, str(script), point, str(inbox), str(warehouse), DAY.isoformat()],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: the dbt child dies with it
    )


def _killed(proc: subprocess.Popen, timeout: float = 600) -> None:
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == -signal.SIGKILL, (
        f"not killed ({proc.returncode}):\n{out[-3000:]}\n{err[-3000:]}"
    )


def _leftovers(paths: WarehousePaths) -> list[str]:
    """Temporary files a finished run must not leave behind (spools, staged copies)."""
    published = paths.published_db.parent
    staged = [p.name for p in published.iterdir() if p.name.startswith(".")]
    spools = [p.name for p in paths.tmp.iterdir() if p.is_file() and not p.name.endswith(".duckdb")]
    return staged + spools


def test_sigkill_during_landing_then_rerun(inbox_copy, tmp_path, undisturbed):
    paths = WarehousePaths.at(tmp_path / "warehouse")
    _killed(_start_night("land", inbox_copy, paths.root))

    landed_data = list(paths.beacons.glob("event_date=*/*.parquet"))
    in_manifest = list(paths.manifest.glob("*.parquet"))
    assert len(landed_data) >= 2  # killed mid-landing: two files' data placed ...
    assert len(in_manifest) == 1  # ... but only the first one's manifest row
    assert not paths.published_db.exists()

    run_nightly(inbox_copy, paths.root, DAY)  # the night again
    assert_same_night(snapshot(paths), undisturbed)
    assert _leftovers(paths) == []


def test_sigkill_during_the_dbt_build_then_during_publishing_then_rerun(
    inbox_copy, tmp_path, undisturbed
):
    """Killed in the middle of the dbt build; the night run again is killed just before its
    publish swap (no half-published night: here none at all yet); the retried publish (what
    Airflow does with a killed task) publishes exactly the undisturbed night. One chain rather
    than two tests: each full night costs about a minute on two cores."""
    paths = WarehousePaths.at(tmp_path / "warehouse")
    dbt_log = paths.build_db.parent / "dbt-logs" / "dbt.log"
    proc = _start_night("none", inbox_copy, paths.root)
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and proc.poll() is None:
            text = dbt_log.read_text(errors="replace") if dbt_log.exists() else ""
            if text.count(" OK created ") >= 20:
                os.killpg(proc.pid, signal.SIGKILL)  # the pipeline and its dbt child
                break
            time.sleep(0.05)
    finally:
        if proc.poll() is None and time.monotonic() >= deadline:
            os.killpg(proc.pid, signal.SIGKILL)
    _killed(proc)
    results = paths.build_db.parent / "dbt-target" / "run_results.json"
    assert not results.exists()  # dbt did not finish
    assert not paths.published_db.exists()

    _killed(_start_night("publish", inbox_copy, paths.root))  # the night again, killed at the swap
    assert not paths.published_db.exists()
    assert (paths.runs / f"{DAY.isoformat()}-validate.json").exists()  # killed after the checks
    assert [p.name for p in paths.published_db.parent.iterdir()] != []  # its staged copy

    publish_step(paths.root, DAY)
    assert_same_night(snapshot(paths), undisturbed)
    assert _leftovers(paths) == []  # the staged copy of the killed publish is gone
    with duckdb.connect(str(paths.published_db), read_only=True) as con:
        assert con.execute("select run_day from warehouse_publish_info").fetchone()[0] == DAY
