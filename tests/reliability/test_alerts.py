"""A failed night is recorded in ``runs/`` (which step, which check, observed vs expected), fails
the Airflow run, and sends the configured alert: a real command and a real HTTP webhook."""

from __future__ import annotations

import json
import shlex
import sys
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

import duckdb
import pytest

from video_insights.alerts import send_alert
from video_insights.config import WarehousePaths
from video_insights.landing import LandingError

DAY = date(2026, 11, 1)


def _alert_command(target) -> str:
    """A real command: writes the alert JSON it gets on stdin to ``target``."""
    script = "import sys; open(sys.argv[1], 'w').write(sys.stdin.read())"
    return shlex.join([sys.executable, "-c", script, str(target)])


def test_a_failed_check_fails_the_airflow_run_records_it_and_alerts(tmp_path, monkeypatch):
    """Night 1 through real Airflow, with one landed Parquet file lost after landing: the lake
    no longer matches the manifest, validation fails, nothing is published, the failure record
    names the check with observed vs expected, and the failure callback runs the alert command."""
    from video_insights.orchestration import AirflowRunError, run_days
    from video_insights.pipeline import land_step
    from video_insights.simulate import SimulationConfig, simulate

    inbox, warehouse = tmp_path / "inbox", tmp_path / "warehouse"
    paths = WarehousePaths.at(warehouse)
    simulate(
        SimulationConfig(
            inbox=inbox, partners=1, entries=4, days=1, beacons_per_day=600, seed=5, start_day=DAY
        )
    )
    land_step(inbox, warehouse, DAY)
    lost = sorted(paths.beacons.glob("event_date=*/*.parquet"))[0]
    with duckdb.connect() as con:
        (lost_rows,) = con.execute("select count(*) from read_parquet(?)", [str(lost)]).fetchone()
    lost.unlink()

    alert_file = tmp_path / "alert.json"
    monkeypatch.setenv("VIDEO_INSIGHTS_ALERT_COMMAND", _alert_command(alert_file))
    with pytest.raises(AirflowRunError) as raised:
        run_days([DAY], inbox=inbox, warehouse=warehouse, airflow_home=tmp_path / "airflow")
    assert "2026-11-01" in str(raised.value)
    assert not paths.published_db.exists()  # nothing published

    record = json.loads((paths.runs / "2026-11-01-failure.json").read_text())
    assert record["step"] == "validate" and record["error_type"] == "QualityError"
    (check,) = [c for c in record["failed_checks"] if c["check"].endswith("rows_match_manifest")]
    assert check["check"] == "landed_beacons.rows_match_manifest"
    assert "manifest landed_rows" in check["expected"]
    # observed: the file whose rows are gone, with the manifest's count and the lake's (0)
    (observed,) = check["observed"]
    assert (observed["landed_beacon_rows"], observed["manifest_landed_rows"]) == (0, lost_rows)

    alert = json.loads(alert_file.read_text())
    assert alert["status"] == "failed" and alert["step"] == "validate"
    assert alert["task_id"] == "validate" and alert["dag_id"] == "video_insights_nightly"
    assert alert["run_day"] == "2026-11-01"
    assert alert["summary"].startswith("video insights night 2026-11-01 failed in validate: ")
    assert alert["failed_checks"] == record["failed_checks"]


def test_a_failed_night_without_airflow_records_and_alerts(tmp_path, monkeypatch):
    """``video-insights nightly`` (run_nightly): the same record and alert, here for landing."""
    from video_insights.pipeline import run_nightly

    alert_file = tmp_path / "alert.json"
    monkeypatch.setenv("VIDEO_INSIGHTS_ALERT_COMMAND", _alert_command(alert_file))
    with pytest.raises(LandingError, match="does not exist"):
        run_nightly(tmp_path / "no-inbox", tmp_path / "warehouse", DAY)
    record = json.loads((tmp_path / "warehouse" / "runs" / "2026-11-01-failure.json").read_text())
    assert record["step"] == "land" and "no-inbox" in record["message"]
    alert = json.loads(alert_file.read_text())
    assert alert["step"] == "land" and "no-inbox" in alert["message"]


class _Receiver(BaseHTTPRequestHandler):
    bodies: ClassVar[list[bytes]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        _Receiver.bodies.append(self.rfile.read(length))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


def test_the_webhook_receives_the_alert_json():
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/alerts"
        outcome = send_alert({"summary": "night failed", "step": "build"}, webhook=url, command="")
    finally:
        server.shutdown()
    assert outcome.sent_to == ["webhook"] and outcome.errors == []
    assert json.loads(_Receiver.bodies[-1]) == {"summary": "night failed", "step": "build"}


def test_a_broken_hook_is_reported_not_raised(tmp_path):
    failing = shlex.join([sys.executable, "-c", "import sys; sys.exit(3)"])
    outcome = send_alert({"summary": "x"}, command=failing, webhook="http://127.0.0.1:9/none")
    assert outcome.sent_to == []
    assert any("exited with 3" in error for error in outcome.errors)
    assert any("webhook" in error for error in outcome.errors)
