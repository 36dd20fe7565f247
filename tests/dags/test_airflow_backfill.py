"""Airflow's own backfill (``airflow backfill create``) rebuilds a range idempotently.

Airflow 3 has no self-running ``airflow dags backfill`` any more: ``airflow backfill create
--dag-id D --from-date F --to-date T`` only writes a backfill and its dag runs (run type
``backfill``, one per scheduled interval whose logical date is in [F, T]) to the metadata DB, and
a running scheduler executes them (docs: core-concepts/backfill, Airflow 3.3). So this test
starts the real pieces of a local Airflow 3 in a temporary ``AIRFLOW_HOME`` on SQLite: the
``api-server`` (task processes report to its execution API), the ``dag-processor`` (parses the
DAG into the DB) and the ``scheduler`` with the ``LocalExecutor`` (Airflow 3 runs it on SQLite, as
``airflow standalone`` does). Two settings matter:

* ``[scheduler] use_job_schedule = False``: the DAG has ``catchup=True`` from 2026-01-01, and the
  scheduler only starts runs of an unpaused DAG (``DagRun.get_queued_dag_runs_to_set_running``
  filters on ``DagModel.is_paused``); without this it would also schedule ten months of nights;
* the backfill's ``--max-active-runs 1``: it applies independently of the DAG's
  ``max_active_runs=1`` and DuckDB takes one writer per file.

The published reports of the backfill must equal those of ``video-insights backfill`` over the
same days, and a second backfill (``--reprocess-behavior completed``, which reruns the dates whose
runs completed; the default ``none`` would create no run at all) must change nothing.
Every process is started in its own process group and killed by the fixture's finalizer.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.reliability.helpers import report_tables
from video_insights.config import WarehousePaths
from video_insights.orchestration import DAG_ID, _airflow_bin, airflow_env, init_metadata_db

ROOT = Path(__file__).resolve().parents[2]
DAYS = [date(2026, 11, 1), date(2026, 11, 2)]
RUNS_TIMEOUT = 1200  # seconds for the two nights of one backfill (2 shared cores)

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LocalAirflow:
    """api-server, dag-processor and scheduler of one temporary AIRFLOW_HOME."""

    def __init__(self, home: Path, inbox: Path, warehouse: Path) -> None:
        self.home = home
        self.warehouse = WarehousePaths.at(warehouse)
        port = _free_port()
        self.env = airflow_env(home, inbox, warehouse)
        self.env.update(
            {
                "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
                "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
                "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
                "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
                "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{port}",
                "AIRFLOW__API__PORT": str(port),
                "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_hex(32),
                "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(_free_port()),
                "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(_free_port()),
                "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
                # a longer SQLite busy timeout: see tests/dags/airflow_sqlite.py
                "AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS": (
                    "tests.dags.airflow_sqlite.CONNECT_ARGS"
                ),
                "PYTHONPATH": os.pathsep.join(
                    filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")])
                ),
            }
        )
        self.port = port
        self.processes: list[subprocess.Popen] = []
        self.db = home / "airflow.db"

    def start(self) -> None:
        init_metadata_db(self.env)
        commands = {
            "api-server": ["api-server", "--host", "127.0.0.1", "--port", str(self.port)],
            "dag-processor": ["dag-processor"],
            "scheduler": ["scheduler"],
        }
        for name, args in commands.items():
            log = open(self.home / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
            self.processes.append(
                subprocess.Popen(
                    [_airflow_bin(), *args],
                    env=self.env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # its own process group: killed as a whole
                )
            )
            log.close()

    def stop(self) -> None:
        for proc in self.processes:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for proc in self.processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)  # the group: LocalExecutor workers too
            proc.wait(timeout=30)

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        con = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=30)
        try:
            return con.execute(sql, params).fetchall()
        finally:
            con.close()

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [_airflow_bin(), *args], env=self.env, capture_output=True, text=True, check=False
        )

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}"
            for path in sorted(self.home.glob("*.log"))
        )

    def wait_for_dag(self, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._check_alive()
            if self.db.exists():
                with contextlib.suppress(sqlite3.OperationalError):
                    rows = self.query(
                        "select count(*) from dag where dag_id = ? and is_paused = 0", (DAG_ID,)
                    )
                    if (
                        rows[0][0]
                        and self.query(
                            "select count(*) from serialized_dag where dag_id = ?", (DAG_ID,)
                        )[0][0]
                    ):
                        return
            time.sleep(2)
        raise AssertionError(f"the dag-processor did not parse {DAG_ID}\n{self.logs()}")

    def backfill(self, *extra: str) -> int:
        """``airflow backfill create`` over DAYS; returns the backfill id (the scheduler runs it:
        :meth:`wait`)."""
        done = self.cli(
            "backfill",
            "create",
            "--dag-id",
            DAG_ID,
            "--from-date",
            DAYS[0].isoformat(),
            "--to-date",
            DAYS[-1].isoformat(),
            "--max-active-runs",
            "1",
            *extra,
        )
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        (backfill_id,) = self.query("select max(id) from backfill where dag_id = ?", (DAG_ID,))[0]
        return backfill_id

    def wait(self, backfill_id: int) -> None:
        """Until the scheduler marks the backfill complete (all its runs finished)."""
        deadline = time.monotonic() + RUNS_TIMEOUT
        while time.monotonic() < deadline:
            self._check_alive()
            with contextlib.suppress(sqlite3.OperationalError):
                (completed,) = self.query(
                    "select completed_at from backfill where id = ?", (backfill_id,)
                )[0]
                if completed is not None:
                    return
            time.sleep(5)
        raise AssertionError(f"backfill {backfill_id} did not finish in time\n{self.logs()}")

    def runs_of(self, backfill_id: int) -> list[tuple[str, str, str]]:
        """(logical date, run type, state) of the dag runs a backfill created or reran."""
        return self.query(
            "select substr(dag_run.logical_date, 1, 10), dag_run.run_type, dag_run.state "
            "from backfill_dag_run join dag_run on dag_run.id = backfill_dag_run.dag_run_id "
            "where backfill_dag_run.backfill_id = ? order by 1",
            (backfill_id,),
        )

    def _check_alive(self) -> None:
        for proc in self.processes:
            if proc.poll() is not None:
                raise AssertionError(f"{proc.args[1]} exited ({proc.returncode})\n{self.logs()}")


@pytest.fixture(scope="module")
def inbox(tmp_path_factory) -> Path:
    from video_insights.simulate import FaultConfig, SimulationConfig, simulate

    path = tmp_path_factory.mktemp("backfill") / "inbox"
    simulate(
        SimulationConfig(
            inbox=path,
            partners=2,  # 1001 in UTC, 1002 in America/Chicago
            entries=6,
            days=len(DAYS),
            beacons_per_day=600,
            seed=11,
            start_day=DAYS[0],
            faults=FaultConfig(duplicate_rate=0.01, malformed_lines=2),
        )
    )
    return path


@pytest.fixture(scope="module")
def local_airflow(tmp_path_factory, inbox) -> Iterator[LocalAirflow]:
    base = tmp_path_factory.mktemp("airflow-backfill")
    (base / "airflow").mkdir()
    airflow = LocalAirflow(base / "airflow", inbox, base / "warehouse")
    try:
        airflow.start()
        airflow.wait_for_dag()
        yield airflow
    finally:
        airflow.stop()


def test_airflow_backfill_equals_video_insights_backfill_and_a_rerun_changes_nothing(
    local_airflow, inbox, tmp_path
):
    first = local_airflow.backfill()  # the scheduler runs it while this process makes the reference

    # the reference: the same inbox landed, then `video-insights backfill` over the same days
    from video_insights.cli import main
    from video_insights.pipeline import land_step

    reference = WarehousePaths.at(tmp_path / "reference")
    land_step(inbox, reference.root, DAYS[0])
    done = CliRunner().invoke(
        main,
        [
            "backfill",
            "--from-day",
            DAYS[0].isoformat(),
            "--to-day",
            DAYS[-1].isoformat(),
            "--warehouse",
            str(reference.root),
        ],
    )
    assert done.exit_code == 0, done.output
    expected = report_tables(reference.published_db)

    local_airflow.wait(first)
    assert local_airflow.runs_of(first) == [
        (day.isoformat(), "backfill", "success") for day in DAYS
    ], local_airflow.logs()
    warehouse = local_airflow.warehouse
    for day in DAYS:  # each run processed its own day (data interval [day, day + 1))
        assert (warehouse.runs / f"{day.isoformat()}-publish.json").exists()
    published = report_tables(warehouse.published_db)
    assert sorted(published) == sorted(expected)
    for name, rows in expected.items():
        assert published[name] == rows, f"{name}: Airflow's backfill differs from ours"

    # again, rerunning the completed dates: nothing changes
    second = local_airflow.backfill("--reprocess-behavior", "completed")
    local_airflow.wait(second)
    assert second != first
    assert local_airflow.runs_of(second) == [
        (day.isoformat(), "backfill", "success") for day in DAYS
    ], local_airflow.logs()
    assert report_tables(warehouse.published_db) == published
    for day in DAYS:  # the rerun took nothing in
        build = json.loads((warehouse.runs / f"{day.isoformat()}-build.json").read_text())
        assert build["result"]["incremental"]["new_beacons"] == 0
