"""Run the nightly DAG through real Airflow (``airflow dags test``) on a local SQLite metadata DB.

Used by ``video-insights demo`` and ``video-insights airflow-run``; a production deployment runs
the same DAG file under a scheduler instead.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path

from video_insights.config import INBOX_ENV, PROJECT_ROOT, WAREHOUSE_ENV
from video_insights.errors import VideoInsightsError
from video_insights.log import log_event

logger = logging.getLogger(__name__)

DAG_ID = "video_insights_nightly"
DAG_FILE = PROJECT_ROOT / "dags" / "video_insights_nightly.py"


class AirflowRunError(VideoInsightsError):
    """A DAG run failed; the message names the day and the failed task."""


def airflow_env(airflow_home: Path, inbox: Path, warehouse: Path) -> dict[str, str]:
    """Environment for an isolated Airflow: its own home, SQLite DB, no examples, few workers."""
    env = dict(os.environ)
    env.update(
        {
            "AIRFLOW_HOME": str(airflow_home.resolve()),
            "AIRFLOW__CORE__DAGS_FOLDER": str(DAG_FILE.parent),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__PARALLELISM": "2",
            "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
            INBOX_ENV: str(inbox.resolve()),
            WAREHOUSE_ENV: str(warehouse.resolve()),
        }
    )
    return env


def _airflow_bin() -> str:
    return str(Path(sys.executable).parent / "airflow")


def init_metadata_db(env: dict[str, str]) -> None:
    Path(env["AIRFLOW_HOME"]).mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [_airflow_bin(), "db", "migrate"], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise AirflowRunError(f"airflow db migrate failed:\n{done.stderr[-2000:]}")


def run_days(
    days: Iterable[date], *, inbox: Path, warehouse: Path, airflow_home: Path, echo: bool = False
) -> list[date]:
    """Run the DAG once per day, in order; day D is the run whose interval is [D, D+1)."""
    env = airflow_env(airflow_home, inbox, warehouse)
    init_metadata_db(env)
    done_days: list[date] = []
    for day in days:
        logical_date = (day + timedelta(days=1)).isoformat()
        log_event(
            logger,
            "airflow_run_start",
            dag_id=DAG_ID,
            day=day.isoformat(),
            logical_date=logical_date,
        )
        proc = subprocess.run(
            [_airflow_bin(), "dags", "test", DAG_ID, logical_date, "-f", str(DAG_FILE)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        log_path = Path(env["AIRFLOW_HOME"]) / f"dags-test-{day.isoformat()}.log"
        log_path.write_text(proc.stdout + proc.stderr)
        if echo:
            sys.stderr.write(proc.stdout[-4000:])
        if proc.returncode != 0 or "state=success" not in proc.stdout + proc.stderr:
            failed = [
                line
                for line in (proc.stdout + proc.stderr).splitlines()
                if "failed" in line.lower() or "error" in line.lower()
            ]
            detail = "\n".join(failed[-15:])
            raise AirflowRunError(
                f"the nightly DAG failed for {day.isoformat()} (full log: {log_path}):\n{detail}"
            )
        log_event(logger, "airflow_run_done", dag_id=DAG_ID, day=day.isoformat(), log=log_path)
        done_days.append(day)
    return done_days
