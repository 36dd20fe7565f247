"""Alerts: tell someone when a night fails.

A failed step writes its failure record (``runs/<day>-failure.json``, see
:func:`video_insights.pipeline.record_failure`); the alert carries that record as JSON. Two
hooks, both optional and configured by environment variables (so the same settings work for
Airflow workers and for ``video-insights nightly``):

* ``VIDEO_INSIGHTS_ALERT_COMMAND``: a command line (split like a shell would, no shell) run with
  the alert JSON on its stdin, e.g. a script that sends a mail or pages someone;
* ``VIDEO_INSIGHTS_ALERT_WEBHOOK``: a URL the alert JSON is POSTed to (Slack/Teams-style
  incoming webhooks, Alertmanager, an internal service).

Sending an alert never raises: a broken hook is logged and must not hide the failure it reports.
"""

from __future__ import annotations

import json
import logging
import os
import shlex
import subprocess
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from video_insights.log import log_event

logger = logging.getLogger(__name__)

ALERT_COMMAND_ENV = "VIDEO_INSIGHTS_ALERT_COMMAND"
ALERT_WEBHOOK_ENV = "VIDEO_INSIGHTS_ALERT_WEBHOOK"
HOOK_TIMEOUT_SECONDS = 30.0


@dataclass
class AlertOutcome:
    """What happened to one alert: which hooks ran and the error of each that failed."""

    sent_to: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def send_alert(
    alert: Mapping[str, Any],
    *,
    command: str | None = None,
    webhook: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> AlertOutcome:
    """Send ``alert`` (JSON) to the configured command and/or webhook; never raises."""
    env = os.environ if environ is None else environ
    command = command if command is not None else env.get(ALERT_COMMAND_ENV) or None
    webhook = webhook if webhook is not None else env.get(ALERT_WEBHOOK_ENV) or None
    body = json.dumps(alert, indent=2, default=str, sort_keys=True).encode()
    outcome = AlertOutcome()
    if command:
        _run_command(command, body, outcome)
    if webhook:
        _post(webhook, body, outcome)
    if not command and not webhook:
        log_event(logger, "alert_not_configured", summary=alert.get("summary", ""))
    return outcome


def _run_command(command: str, body: bytes, outcome: AlertOutcome) -> None:
    try:
        done = subprocess.run(
            shlex.split(command),
            input=body,
            capture_output=True,
            timeout=HOOK_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, ValueError, subprocess.TimeoutExpired) as error:
        outcome.errors.append(f"alert command {command!r} could not run: {error}")
    else:
        if done.returncode == 0:
            outcome.sent_to.append("command")
        else:
            stderr = done.stderr.decode(errors="replace").strip()[-500:]
            outcome.errors.append(
                f"alert command {command!r} exited with {done.returncode}: {stderr}"
            )
    for error in outcome.errors:
        logger.error("alert_failed %s", error)


def _post(url: str, body: bytes, outcome: AlertOutcome) -> None:
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=HOOK_TIMEOUT_SECONDS) as response:
            response.read()
    except (OSError, ValueError) as error:  # URLError and HTTPError are OSErrors
        message = f"alert webhook {url} failed: {error}"
        outcome.errors.append(message)
        logger.error("alert_failed %s", message)
    else:
        outcome.sent_to.append("webhook")


def failure_alert(
    failure: Mapping[str, Any] | None,
    *,
    dag_id: str | None = None,
    task_id: str | None = None,
    run_id: str | None = None,
    try_number: int | None = None,
    error: BaseException | str | None = None,
    run_day: date | str | None = None,
    warehouse: Path | str | None = None,
) -> dict[str, Any]:
    """The alert document: the step's failure record (when there is one) plus where it ran.

    ``summary`` is one line for a pager; ``failed_checks`` lists check, observed and expected.
    """
    record = dict(failure or {})
    step = record.get("step") or task_id or "nightly"
    day = record.get("run_day") or (run_day.isoformat() if isinstance(run_day, date) else run_day)
    message = record.get("message") or (str(error) if error is not None else "unknown error")
    checks = record.get("failed_checks") or []
    first_line = message.strip().splitlines()[0] if message.strip() else message
    summary = f"video insights night {day or '?'} failed in {step}: {first_line}"
    return {
        "summary": summary,
        "status": "failed",
        "run_day": day,
        "step": step,
        "message": message,
        "failed_checks": checks,
        "warehouse": str(warehouse) if warehouse is not None else record.get("warehouse"),
        "dag_id": dag_id,
        "task_id": task_id,
        "run_id": run_id,
        "try_number": try_number,
        "failure_record": record.get("record_path"),
        "alerted_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def read_failure(warehouse: Path | str, run_day: date | str | None) -> dict[str, Any] | None:
    """The failure record of ``run_day`` (None if that night has none)."""
    if run_day is None:
        return None
    day = run_day.isoformat() if isinstance(run_day, date) else str(run_day)
    path = Path(warehouse) / "runs" / f"{day}-failure.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def on_failure_callback(context: Mapping[str, Any]) -> None:
    """Airflow ``on_failure_callback``: alert with the failed task's failure record.

    Airflow calls it once a task has failed for good (after its retries), in the worker.
    """
    from video_insights.pipeline import run_day_of

    ti = context.get("ti") or context.get("task_instance")
    params = context.get("params") or {}
    warehouse = params.get("warehouse")
    start = context.get("data_interval_start")
    day = run_day_of(start) if start is not None else None
    failure = read_failure(warehouse, day) if warehouse else None
    task_id = getattr(ti, "task_id", None)
    if failure is not None and task_id and failure.get("step") != task_id:
        failure = None  # an older record of another step: do not report it as this failure
    alert = failure_alert(
        failure,
        dag_id=getattr(ti, "dag_id", None),
        task_id=task_id,
        run_id=getattr(ti, "run_id", None) or context.get("run_id"),
        try_number=getattr(ti, "try_number", None),
        error=context.get("exception"),
        run_day=day,
        warehouse=warehouse,
    )
    outcome = send_alert(alert)
    log_event(
        logger,
        "alert_sent",
        summary=alert["summary"],
        to=",".join(outcome.sent_to) or "-",
        errors=len(outcome.errors),
    )


def alert_failed_night(warehouse: Path | str, run_day: date, error: BaseException) -> AlertOutcome:
    """Alert for a night run without Airflow (``video-insights nightly``)."""
    alert = failure_alert(
        read_failure(warehouse, run_day), error=error, run_day=run_day, warehouse=warehouse
    )
    return send_alert(alert)
